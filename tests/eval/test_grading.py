"""The model-graded rubric against the stub: scripted grades, run disagreement, editors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from drafter.eval.grading import grader_agreement
from drafter.eval.runner import default_cases_dir, evaluate, load_cases
from tests.eval_stub import golden_of, golden_responder

# case → (the editor's decision exported from the store, the grader's verdict per run)
SCRIPT: dict[str, tuple[str, list[bool]]] = {
    "district-haidian-science-day": ("accepted-as-is", [True, True, True]),
    "office-lead-visit": ("revised", [False, False, False]),
    "society-congress-election": ("revised", [True, False, True]),  # runs disagree
    "society-standard-review": ("accepted-as-is", [True, True, False]),  # too strict once
    "park-kexie": ("revised", [True, True, True]),  # grader too lenient
}


@pytest.fixture
def store_cases(tmp_path: Path) -> Path:
    """Bundled cases copied aside and tagged as ``drafter export-evals`` tags them."""
    root = tmp_path / "cases"
    for cid, (decision, _) in SCRIPT.items():
        shutil.copytree(default_cases_dir() / cid, root / cid)
        meta = root / cid / "case.yaml"
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        data["tags"] = ["from-store", decision]
        meta.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def _scripted(cases_dir: Path) -> Any:
    from drafter.testing import Reply, StubRequest

    drafting = golden_responder(cases_dir)
    verdicts = {golden_of(c, w).headline: SCRIPT[c.id][1] for c, w in load_cases(cases_dir)}

    def respond(request: StubRequest) -> Reply:
        if request.prompt_id != "grade_brief":
            return drafting(request)  # type: ignore[no-any-return]
        attempt = int(re.search(r"第(\d+)次独立评分", request.text).group(1))  # type: ignore[union-attr]
        runs = next(v for h, v in verdicts.items() if h in request.text)
        ok = runs[attempt - 1]
        # a model that says "passed" with a score under the bar is a failed run too
        return Reply.json({"score": 5 if ok else 3, "passed": True, "problems": []})

    return respond


def test_pass_hat_k_and_agreement_with_editors(store_cases: Path, tmp_path: Path) -> None:
    from pydantic import SecretStr

    from drafter.model.providers import ModelConfig
    from drafter.testing import StubServer

    cases = load_cases(store_cases)
    with StubServer(responder=_scripted(store_cases)) as stub:
        config = ModelConfig(
            model="stub-model",
            base_url=stub.base_url,
            api_key=SecretStr("k"),
            max_retries=0,
            cache=False,
        )
        run = evaluate(cases, config=config, grader=config, grader_runs=3)
    graded = {r.id: r.scores["model_graded"] for r in run.cases}
    assert graded["district-haidian-science-day"].passed
    assert graded["society-congress-election"].value == round(2 / 3, 4)
    assert not graded["society-congress-election"].passed  # pass^3: one failed run fails it
    assert graded["office-lead-visit"].value == 0

    agreement = grader_agreement(run, [c for c, _ in cases])
    assert sorted(agreement.unstable) == ["society-congress-election", "society-standard-review"]
    assert (agreement.both_pass, agreement.grader_only, agreement.editor_only) == (1, 1, 1)
    assert agreement.both_fail == 2
    assert agreement.agreement == pytest.approx(3 / 5)
    # chance agreement: grader passes 2/5, editors accept 2/5 → 0.52; kappa = 0.08/0.48
    assert agreement.kappa == pytest.approx((0.6 - 0.52) / 0.48)


def test_agreement_ignores_cases_without_an_editor_decision() -> None:
    from drafter.eval.results import CaseResult, EvalRun
    from drafter.eval.scorers import Case, Score

    run = EvalRun(
        drafter_version="0",
        model="m",
        profile="p",
        cases=[
            CaseResult(id="a", ok=True, scores={"model_graded": Score(value=1, passed=True)}),
            CaseResult(id="b", ok=True, scores={"model_graded": Score(value=0, passed=False)}),
            CaseResult(id="c", ok=True),
        ],
    )
    cases = [
        Case(id="a", report="r", tags=["accepted-as-is"]),
        Case(id="b", report="r"),
        Case(id="c", report="r", tags=["revised"]),
    ]
    got = grader_agreement(run, cases)
    assert (got.cases, got.agreement, got.kappa) == (1, 1.0, 1.0)
    assert grader_agreement(run, []).agreement is None
