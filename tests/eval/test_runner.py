"""The eval runner's bookkeeping: cases, baselines, regressions, comparison, JUnit."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from eval_stub import golden_of, golden_responder

from drafter.errors import EvalError, MissingRecordingError
from drafter.eval import SCORERS, Case, EvalRun, Score, default_cases_dir, evaluate, load_cases
from drafter.profile import Profile, load_profile
from drafter.schemas import Report


def test_bundled_cases_load_and_reference_their_files() -> None:
    cases = load_cases()
    assert len(cases) >= 30
    ids = [c.id for c, _ in cases]
    assert len(set(ids)) == len(ids)
    kinds = {c.kind for c, _ in cases}
    assert {"society", "district", "grassroots", "department", "office"} <= kinds
    for case, where in cases:
        assert (where / case.report).is_file()
        if case.golden:
            assert (where / case.golden).is_file()


def test_bad_case_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "c1").mkdir()
    (tmp_path / "c1" / "case.yaml").write_text("report: r.txt\nunknown_field: 1\n", "utf-8")
    with pytest.raises(EvalError, match="格式错误"):
        load_cases(tmp_path)
    with pytest.raises(EvalError, match="找不到"):
        load_cases(tmp_path / "missing")


# -- the goldens themselves ------------------------------------------------------------

GOLDEN_CASES = [(c, w) for c, w in load_cases() if c.golden]


@pytest.mark.parametrize(("case", "where"), GOLDEN_CASES, ids=[c.id for c, _ in GOLDEN_CASES])
def test_every_golden_brief_is_lint_and_guard_clean(case: Case, where: Path) -> None:
    from drafter.guard.faithfulness import check_faithfulness
    from drafter.style import lint_brief

    profile = load_profile()
    report = _report(case, where, profile)
    golden = golden_of(case, where)
    expected = None if golden.lead else report.org_short
    lint = [f for f in lint_brief(golden, profile, expected_attribution=expected)]
    guard = check_faithfulness(golden, report, profile, main_org=report.org_short)
    assert [(f.rule, f.excerpt) for f in lint if f.severity == "error"] == []
    assert [(f.rule, f.excerpt) for f in guard if f.severity == "error"] == []
    if case.expected_attribution is not None:
        assert (golden.attribution or "") == case.expected_attribution


# -- record and replay against the loopback stub server ---------------------------------

SECRET = "sk-eval-test-SECRET-0042"
STUB_CASES = ("district-haidian-science-day", "office-lead-visit", "society-congress-election")


def _report(case: Case, where: Path, profile: Profile) -> Report:
    from drafter.ingest.report import load_report

    return load_report(
        where / case.report,
        profile=profile,
        org=case.org,
        kind=case.kind,
        title=case.title,
        date=case.received,
        lead=case.lead,
    )


@pytest.fixture
def stub_cases(tmp_path: Path) -> Path:
    """Three bundled cases copied aside: a district, a lead story and a society."""
    root = tmp_path / "cases"
    for cid in STUB_CASES:
        shutil.copytree(default_cases_dir() / cid, root / cid)
    return root


def _scores(run: EvalRun) -> dict[str, Any]:
    return {
        c.id: {
            "ok": c.ok,
            "error": c.error,
            "scores": {n: s.model_dump() for n, s in c.scores.items()},
            "brief": None if c.brief is None else c.brief.model_dump(exclude={"provenance"}),
        }
        for c in run.cases
    }


def _config(base_url: str, mode: str, recordings: Path, model: str = "stub-model") -> Any:
    from pydantic import SecretStr

    from drafter.model.providers import ModelConfig

    return ModelConfig(
        model=model,
        base_url=base_url,
        api_key=SecretStr(SECRET),
        max_retries=0,
        recording_mode=mode,  # type: ignore[arg-type]
        recordings=recordings,
    )


def test_recordings_replay_with_the_network_blocked_and_reproduce_the_scores(
    stub_cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafter.testing import StubServer

    recordings = tmp_path / "recordings"
    cases = load_cases(stub_cases)
    with StubServer(responder=golden_responder(stub_cases)) as stub:
        url = stub.base_url
        recorded = evaluate(
            cases,
            config=_config(url, "record", recordings),
            grader=_config(url, "record", recordings, model="stub-grader"),
            grader_runs=2,
            jobs=2,
        )
        prompts = [r.prompt_id for r in stub.requests]
    # the model really drafted: every case used the prose prompt, graded twice
    assert prompts.count("write_prose") == len(cases)
    assert prompts.count("grade_brief") == 2 * len(cases)
    assert all(c.ok and c.brief and c.brief.provenance.engine == "model" for c in recorded.cases)
    assert all(c.scores["model_graded"].passed for c in recorded.cases)

    files = list(recordings.glob("*.json"))
    assert len(files) == len(prompts)  # every exchange differs: one recording each
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert SECRET not in text
        assert "bearer" not in text.lower()

    def blocked(*_args: object, **_kw: object) -> None:
        raise OSError("network blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", blocked)
    monkeypatch.setattr(socket.socket, "connect_ex", blocked)
    replayed = evaluate(
        cases,
        config=_config(url, "replay", recordings),
        grader=_config(url, "replay", recordings, model="stub-grader"),
        grader_runs=2,
        jobs=2,
    )
    assert _scores(replayed) == _scores(recorded)
    assert replayed.aggregates == recorded.aggregates


def test_replay_without_a_recording_names_the_case(stub_cases: Path, tmp_path: Path) -> None:
    cases = load_cases(stub_cases)[:1]
    with pytest.raises(MissingRecordingError) as info:
        evaluate(cases, config=_config("http://127.0.0.1:9/v1", "replay", tmp_path / "none"))
    assert cases[0][0].id in info.value.message
    assert info.value.context["case"] == cases[0][0].id


# -- the model-graded scorer -----------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "value", "passed"),
    [
        ({}, 1.0, True),
        ({2: False}, round(2 / 3, 4), False),
        ({1: False, 2: False, 3: False}, 0, False),
    ],
)
def test_grader_reports_pass_hat_k(
    stub_cases: Path, tmp_path: Path, grades: dict[int, bool], value: float, passed: bool
) -> None:
    from drafter.testing import StubServer

    cases = load_cases(stub_cases)[:1]
    with StubServer(responder=golden_responder(stub_cases, grades)) as stub:
        grader = _config(stub.base_url, "off", tmp_path, model="stub-grader")
        run = evaluate(cases, grader=grader.model_copy(update={"cache": False}), grader_runs=3)
        graded = [r for r in stub.requests if r.prompt_id == "grade_brief"]
    assert len(graded) == 3
    # the rubric and the brief under grading reach the model
    assert "评分细则" in graded[0].content_of("system")
    assert run.cases[0].brief is not None
    assert run.cases[0].brief.headline in graded[0].text
    score = run.cases[0].scores["model_graded"]
    assert score.value == pytest.approx(value)
    assert score.passed is passed
    assert score.detail["passes"] == round(value * 3)


def test_a_malformed_grading_is_a_failed_run(stub_cases: Path, tmp_path: Path) -> None:
    from drafter.testing import Reply, StubRequest, StubServer

    scripted = golden_responder(stub_cases)

    def respond(request: StubRequest) -> Reply:
        if request.prompt_id == "grade_brief" and "第2次" in request.text:
            return Reply.raw("这篇简讯写得不错")
        return scripted(request)  # type: ignore[no-any-return]

    with StubServer(responder=respond) as stub:
        grader = _config(stub.base_url, "off", tmp_path, model="stub-grader")
        run = evaluate(load_cases(stub_cases)[:1], grader=grader, grader_runs=2)
    score = run.cases[0].scores["model_graded"]
    assert (score.value, score.passed) == (0.5, False)
    assert "格式" in score.detail["problems"][0]


def test_a_crashing_scorer_fails_its_score_and_the_suite_goes_on(stub_cases: Path) -> None:
    def boom(_sample: object) -> Score:
        raise ZeroDivisionError("division by zero")

    run = evaluate(load_cases(stub_cases)[:2], scorers={"boom": boom, "length": SCORERS["length"]})
    for case in run.cases:
        assert not case.scores["boom"].passed
        assert "ZeroDivisionError" in case.scores["boom"].explanation
        assert "length" in case.scores
    assert run.aggregates["boom.pass_rate"] == 0


def test_grader_is_off_by_default(stub_cases: Path) -> None:
    run = evaluate(load_cases(stub_cases)[:1])
    assert "model_graded" not in run.cases[0].scores
