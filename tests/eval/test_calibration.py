"""Mutation calibration: every deterministic scorer catches the defect it is named for."""

from __future__ import annotations

import pytest

from drafter.eval import calibration
from drafter.eval.calibration import MUTATIONS, PARAPHRASES, calibrate
from drafter.eval.runner import load_cases
from drafter.eval.scorers import SCORERS, Sample, Score


@pytest.fixture(scope="module")
def bundled() -> calibration.Calibration:
    return calibrate(load_cases())


def test_every_defect_kind_is_caught_on_every_golden(bundled: calibration.Calibration) -> None:
    assert bundled.cases >= 60 - 1  # one bundled case has no golden
    for row in bundled.scorers.values():
        assert row.missed == [], row.scorer
        if row.mutants:
            assert row.sensitivity == 1.0
    claimed = {scorer for scorer, _ in MUTATIONS.values()}
    assert all(bundled.scorers[name].mutants > 0 for name in claimed)


def test_paraphrases_pass_at_least_95_percent(bundled: calibration.Calibration) -> None:
    for row in bundled.scorers.values():
        assert row.paraphrases > 0, row.scorer
        assert row.specificity is not None and row.specificity >= 0.95, row.false_alarms
    assert bundled.ok


def test_every_golden_passes_every_deterministic_scorer(bundled: calibration.Calibration) -> None:
    assert {
        r.scorer: r.golden_failures for r in bundled.scorers.values() if r.golden_failures
    } == {}


def test_every_defect_and_paraphrase_kind_applies_somewhere() -> None:
    from drafter.brieftext import parse_brief
    from drafter.profile import load_profile

    profile = load_profile()
    goldens = [
        (case, parse_brief((where / case.golden).read_text(encoding="utf-8"), profile=profile))
        for case, where in load_cases()
        if case.golden
    ]
    rewrites = {**{k: m for k, (_, m) in MUTATIONS.items()}, **PARAPHRASES}
    for kind, rewrite in rewrites.items():
        changed = [c.id for c, g in goldens if (r := rewrite(g, c, profile)) is not None and r != g]
        assert changed, kind


def test_a_scorer_that_never_fails_is_shown_blind(monkeypatch: pytest.MonkeyPatch) -> None:
    def blind(_s: Sample) -> Score:
        return Score(value=0, passed=True)

    monkeypatch.setitem(SCORERS, "headline", blind)
    cal = calibrate(load_cases()[:5])
    row = cal.scorers["headline"]
    assert row.mutants == 5 and row.caught == 0
    assert row.sensitivity == 0.0
    assert row.missed[0].endswith(":headline_punct")
    assert not cal.ok


def test_a_scorer_that_always_fails_loses_specificity(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def flaky(_s: Sample) -> Score:
        calls["n"] += 1
        return Score(value=0, passed=calls["n"] == 1)  # passes the golden, then fails

    monkeypatch.setitem(SCORERS, "section", flaky)
    cal = calibrate(load_cases()[:1])
    row = cal.scorers["section"]
    assert row.specificity == 0.0 and row.false_alarms
    assert not cal.ok
