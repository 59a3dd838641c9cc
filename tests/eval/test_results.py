"""An eval run's results: regressions against a baseline, run comparison, JUnit, baseline view."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from drafter.eval import (
    CaseResult,
    EvalRun,
    Score,
    baseline_view,
    compare_runs,
    regressions,
    to_junit,
)


def _run(*cases: CaseResult, **agg: float) -> EvalRun:
    return EvalRun(
        drafter_version="0",
        model="offline",
        profile="default",
        created="2026-01-01T00:00:00+00:00",
        seconds=1.0,
        cases=list(cases),
        aggregates=dict(agg),
    )


def _case(cid: str, **scores: tuple[float, bool]) -> CaseResult:
    return CaseResult(
        id=cid, ok=True, scores={k: Score(value=v, passed=p) for k, (v, p) in scores.items()}
    )


def test_a_scorer_that_passed_and_now_fails_is_a_regression() -> None:
    before = _run(_case("a", lint_errors=(0, True), attribution=(1, True)))
    after = _run(_case("a", lint_errors=(2, False), attribution=(1, True)))
    regs = regressions(after, before)
    assert [(r.case, r.scorer) for r in regs] == [("a", "lint_errors")]
    assert regressions(before, before) == []


def test_a_failing_pipeline_is_a_regression() -> None:
    before = _run(_case("a", lint_errors=(0, True)))
    after = _run(CaseResult(id="a", ok=False, error="boom"))
    assert [r.scorer for r in regressions(after, before)] == ["pipeline"]


def test_aggregates_regress_past_tolerance_only_in_the_bad_direction() -> None:
    before = _run(**{"rouge_l.mean": 0.60, "edit_ratio.mean": 0.30, "length.mean": 300.0})
    slightly = _run(**{"rouge_l.mean": 0.59, "edit_ratio.mean": 0.31, "length.mean": 100.0})
    assert regressions(slightly, before, tolerance=0.02) == []
    worse = _run(**{"rouge_l.mean": 0.50, "edit_ratio.mean": 0.40, "length.mean": 300.0})
    assert {r.scorer for r in regressions(worse, before)} == {"rouge_l.mean", "edit_ratio.mean"}
    better = _run(**{"rouge_l.mean": 0.90, "edit_ratio.mean": 0.10})
    assert regressions(better, before) == []


def test_compare_runs_lists_changes() -> None:
    a = _run(_case("a", x=(1, True)), _case("b", x=(1, True)))
    b = _run(_case("a", x=(0, False)), _case("c", x=(1, True)))
    rows = compare_runs(a, b)
    assert {"case": "a", "scorer": "x", "a": (1, True), "b": (0, False)} in rows
    assert {r["case"] for r in rows} == {"a", "b", "c"}


def test_junit_has_a_failure_per_failing_scorer() -> None:
    run = _run(
        _case("a", x=(1, True)), _case("b", x=(0, False)), CaseResult(id="c", ok=False, error="e")
    )
    root = ET.fromstring(to_junit(run))
    assert root.get("tests") == "3"
    assert root.get("failures") == "2"
    cases = {tc.get("name"): tc for tc in root.iter("testcase")}
    assert cases["a"].find("failure") is None
    assert cases["b"].find("failure") is not None
    assert cases["c"].find("error") is not None


def test_baseline_view_drops_briefs_and_timings() -> None:
    view = baseline_view(_run(_case("a", x=(1, True))))
    assert "created" not in view and "seconds" not in view
    assert "brief" not in view["cases"][0]
    assert EvalRun.model_validate({**view, "created": "", "seconds": 0}).cases[0].id == "a"
