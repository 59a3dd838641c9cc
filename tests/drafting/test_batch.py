"""Batch drafting: concurrency, failure isolation, outputs, and skip-on-rerun."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.drafting import pipeline
from drafter.drafting.backend import ProseStep
from drafter.drafting.batch import BatchItem, draft_files, draft_many, expand_sources, output_paths
from drafter.errors import InputError, ModelError
from drafter.profile import Profile
from drafter.schemas import Brief, Report, report_id_for
from drafter.testing import BackendCall, ScriptedBackend, Step


def _report_text(district: str, n: int) -> str:
    return (
        f"{district}区科协召开第{n}次科普工作推进会\n\n"
        f"5月{n}日，{district}区科协召开科普工作推进会，{10 + n}个街道科协负责人参加。"
        f"会议部署了全国科普日活动。"
    )


def make_report(district: str, n: int) -> Report:
    text = _report_text(district, n)
    return Report(
        id=report_id_for(text),
        text=text,
        org=f"{district}区科协",
        org_short=f"{district}区科协",
        kind="district",
        source_path=f"{district}.txt",
    )


def echo_backend(barrier: threading.Barrier | None = None) -> ScriptedBackend:
    """Writes a brief from the report's first line; fails for reports marked 坏.

    With a ``barrier``, every worker must be inside a facts call at once, or it times out.
    Any repair call fails the test (none is expected).
    """

    def respond(call: BackendCall) -> Step | None:
        if call.kind == "facts":
            if barrier is not None:
                barrier.wait(timeout=10)
            if "坏" in call.report.text:
                return Step.facts(ModelError("模型接口返回 500", hint="稍后重试"))
            return Step.facts()
        if call.kind == "prose":
            paragraphs = [p for p in call.report.text.split("\n\n") if p.strip()]
            headline = call.report.title or "区科协召开科普工作推进会"
            return Step.prose(ProseStep(headline=headline, paragraphs=paragraphs))
        return None

    return ScriptedBackend(responder=respond, model_name="echo")


def seen(backend: ScriptedBackend) -> list[str]:
    """The ids of the reports whose facts the backend was asked for."""
    return [c.report.id for c in backend.calls_of("facts")]


@pytest.fixture(autouse=True)
def clean_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The pipeline's gates are tested elsewhere; here every brief passes them."""
    monkeypatch.setattr(pipeline, "gate", lambda brief, report, profile: (brief, []))
    yield


def test_draft_many_isolates_failures_and_keeps_order(profile: Profile) -> None:
    reports = [make_report("怀柔", 8), make_report("坏", 9), make_report("平谷", 10)]
    done: list[BatchItem] = []
    items = draft_many(
        reports, jobs=3, profile=profile, backend=echo_backend(), on_result=done.append
    )
    assert [i.report for i in items] == reports
    assert [i.status for i in items] == ["ready", "failed", "ready"]
    assert items[1].error_type == "ModelError"
    assert items[1].error is not None and "500" in items[1].error
    assert items[0].brief is not None and items[0].brief.attribution == "怀柔区科协"
    assert len(done) == 3


def test_draft_many_runs_jobs_concurrently(profile: Profile) -> None:
    jobs = 4
    reports = [make_report(d, n) for n, d in enumerate(["东城", "西城", "朝阳", "海淀"], 1)]
    backend = echo_backend(threading.Barrier(jobs))
    items = draft_many(reports, jobs=jobs, profile=profile, backend=backend)
    assert [i.status for i in items] == ["ready"] * jobs


def test_draft_many_with_one_job_still_drafts_all(profile: Profile) -> None:
    reports = [make_report("顺义", 3), make_report("昌平", 4)]
    items = draft_many(reports, jobs=1, profile=profile, backend=echo_backend())
    assert all(i.brief is not None and i.brief.source_id == i.report.id for i in items)  # type: ignore[union-attr]


# -- files ------------------------------------------------------------------------------


def _write_reports(folder: Path, names: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in names.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_expand_sources_dir_glob_and_exclusion(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _write_reports(src, {"a.txt": "甲", "b.md": "乙", "notes.csv": "x"})
    out = src / "out"
    _write_reports(out, {"a.md": "已有"})
    assert [p.name for p in expand_sources(src, exclude=out)] == ["a.txt", "b.md"]
    globbed = expand_sources(str(src / "**" / "*.md"), exclude=out)
    assert [p.name for p in globbed] == ["b.md"]
    with pytest.raises(InputError):
        expand_sources(str(tmp_path / "nothing" / "*.txt"))


def test_output_names_keep_the_whole_input_name(tmp_path: Path) -> None:
    sources = [tmp_path / "2026.05.08 怀柔区科协.txt", tmp_path / "2026.05.09 平谷区科协.txt"]
    stems = output_paths(sources, tmp_path / "out")
    assert [s.name for s in stems.values()] == ["2026.05.08 怀柔区科协", "2026.05.09 平谷区科协"]


@pytest.mark.parametrize(
    "names",
    [("x/r.txt", "y/r.txt"), ("r.txt", "r.md"), ("Report.txt", "report.docx")],
)
def test_output_collisions_are_refused_naming_both(tmp_path: Path, names: tuple[str, str]) -> None:
    sources = [tmp_path / n for n in names]
    with pytest.raises(InputError, match="同一份输出") as info:
        output_paths(sources, tmp_path / "out")
    assert str(sources[0]) in info.value.message and str(sources[1]) in info.value.message


def test_dotted_names_are_drafted_apart_and_skipped_on_rerun(
    tmp_path: Path, profile: Profile
) -> None:
    src, out = tmp_path / "reports", tmp_path / "briefs"
    _write_reports(
        src,
        {
            "2026.05.08 怀柔区科协.txt": _report_text("怀柔", 8),
            "2026.05.09 平谷区科协.txt": _report_text("平谷", 9),
        },
    )
    first = draft_files(src, out, profile=profile, backend=echo_backend(), kind="district")
    assert [i.status for i in first.items] == ["ready", "ready"]
    assert sorted(p.name for p in out.iterdir()) == [
        "2026.05.08 怀柔区科协.json",
        "2026.05.08 怀柔区科协.md",
        "2026.05.09 平谷区科协.json",
        "2026.05.09 平谷区科协.md",
    ]
    backend = echo_backend()
    second = draft_files(src, out, profile=profile, backend=backend, kind="district")
    assert (second.skipped, seen(backend)) == (2, [])


def test_colliding_inputs_stop_the_batch_before_drafting(tmp_path: Path, profile: Profile) -> None:
    src, out = tmp_path / "reports", tmp_path / "briefs"
    _write_reports(src, {"a.txt": _report_text("怀柔", 8), "a.md": _report_text("平谷", 9)})
    backend = echo_backend()
    with pytest.raises(InputError, match="同一份输出"):
        draft_files(src, out, profile=profile, backend=backend, kind="district")
    assert seen(backend) == []


def test_temp_files_of_a_killed_run_are_cleaned_on_start(tmp_path: Path, profile: Profile) -> None:
    src, out = tmp_path / "reports", tmp_path / "briefs"
    _write_reports(src, {"a.txt": _report_text("怀柔", 8)})
    out.mkdir()
    stale = out / ".a.md.x1y2z3w4.tmp"  # what a run killed mid-write leaves
    stale.write_bytes(b"")
    draft_files(src, out, profile=profile, backend=echo_backend(), kind="district")
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.md"]


def test_read_only_output_is_a_failed_item_unless_forced(tmp_path: Path, profile: Profile) -> None:
    src, out = tmp_path / "reports", tmp_path / "briefs"
    _write_reports(src, {"a.txt": _report_text("怀柔", 8)})
    out.mkdir()
    (out / "a.md").write_text("编辑改过的稿子", encoding="utf-8")
    (out / "a.md").chmod(0o444)
    summary = draft_files(src, out, profile=profile, backend=echo_backend(), kind="district")
    assert summary.items[0].status == "failed"
    assert summary.items[0].error is not None and "只读" in summary.items[0].error
    assert (out / "a.md").read_text(encoding="utf-8") == "编辑改过的稿子"
    forced = draft_files(
        src, out, profile=profile, backend=echo_backend(), kind="district", force=True
    )
    assert forced.items[0].status == "ready"
    assert (out / "a.md").read_text(encoding="utf-8").startswith("### ")


def test_draft_files_writes_outputs_and_skips_on_rerun(tmp_path: Path, profile: Profile) -> None:
    src, out = tmp_path / "reports", tmp_path / "briefs"
    _write_reports(
        src,
        {
            "huairou.txt": _report_text("怀柔", 8),
            "pinggu.txt": _report_text("平谷", 9),
            "empty.txt": "",
        },
    )
    first = draft_files(src, out, jobs=2, profile=profile, backend=echo_backend(), kind="district")
    by_name = {Path(i.source).name: i for i in first.items}
    assert by_name["empty.txt"].status == "failed"
    assert by_name["huairou.txt"].status == "ready"
    assert (out / "huairou.md").read_text(encoding="utf-8").startswith("### ")
    sidecar = Brief.model_validate_json((out / "huairou.json").read_text(encoding="utf-8"))
    assert sidecar.source_id == by_name["huairou.txt"].report.id  # type: ignore[union-attr]

    # Re-run: nothing changed, so no report reaches the model.
    backend = echo_backend()
    second = draft_files(src, out, jobs=2, profile=profile, backend=backend, kind="district")
    assert seen(backend) == []
    assert second.skipped == 2

    # A changed report is drafted again; the unchanged one is still skipped.
    (src / "pinggu.txt").write_text(_report_text("平谷", 11), encoding="utf-8")
    backend = echo_backend()
    third = draft_files(src, out, jobs=2, profile=profile, backend=backend, kind="district")
    assert len(seen(backend)) == 1
    assert third.skipped == 1
    assert "11" in (out / "pinggu.md").read_text(encoding="utf-8")


def test_draft_files_rejects_a_file_as_out_dir(tmp_path: Path, profile: Profile) -> None:
    src = tmp_path / "reports"
    _write_reports(src, {"a.txt": _report_text("延庆", 2)})
    target = tmp_path / "taken.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError):
        draft_files(src, target, profile=profile, backend=echo_backend())


def test_draft_many_isolates_an_endpoint_failure_through_the_real_client(
    profile: Profile,
) -> None:
    """A 500 for one report (after the client's retries) fails that item only."""
    from drafter.model.config import ModelConfig
    from drafter.model.providers import clear_built_models
    from drafter.testing import Reply, StubRequest, StubServer

    def respond(request: StubRequest) -> Reply:
        if "坏区" in request.text:
            return Reply.error(500)
        if request.prompt_id == "extract_facts":
            return Reply.json({"event_dates": []})
        return Reply.json(
            {"headline": "区科协召开科普工作推进会", "paragraphs": ["5月8日，会议召开。"]}
        )

    clear_built_models()
    reports = [make_report("怀柔", 8), make_report("坏", 9), make_report("平谷", 10)]
    with StubServer(responder=respond) as stub:
        config = ModelConfig.resolve(
            model="stub-model", base_url=stub.base_url, api_key="test-key", profile=profile,
            cache=False, max_retries=1, timeout=5.0,
        ).model_copy(update={"facts_min_tokens": 0})  # fmt: skip
        items = draft_many(reports, jobs=3, profile=profile, config=config)
    clear_built_models()
    assert [i.status for i in items] == ["ready", "failed", "ready"]
    assert items[1].error_type is not None and "Error" in items[1].error_type
    assert all(i.brief is None or i.brief.provenance.calls == 2 for i in items)


def test_interrupt_cancels_the_queued_reports(profile: Profile) -> None:
    release = threading.Event()

    echo = echo_backend()

    def slow(call: BackendCall) -> Step | None:
        if call.kind == "facts" and len(seen(backend)) > 1:
            release.wait(timeout=10)  # every report after the first waits
        assert echo.responder is not None
        return echo.responder(call)

    def interrupt(item: BatchItem) -> None:
        raise KeyboardInterrupt

    backend = ScriptedBackend(responder=slow)
    reports = [make_report(d, n) for n, d in enumerate(["东城", "西城", "朝阳", "海淀", "丰台"], 1)]
    with pytest.raises(KeyboardInterrupt):
        draft_many(reports, jobs=1, profile=profile, backend=backend, on_result=interrupt)
    release.set()
    assert len(seen(backend)) <= 2


def test_draft_files_never_overwrites_a_report(tmp_path: Path, profile: Profile) -> None:
    src = tmp_path / "reports"
    _write_reports(src, {"huairou.md": _report_text("怀柔", 8)})
    with pytest.raises(InputError, match="输出目录不能"):
        draft_files(src, src, profile=profile, backend=echo_backend())
    assert (src / "huairou.md").read_text(encoding="utf-8") == _report_text("怀柔", 8)
    assert not (src / "huairou.json").exists()
