"""Every rule: registry entry, one failing and one passing case, and profile control."""

from __future__ import annotations

import re

import pytest

from drafter.errors import ProfileError
from drafter.profile import Profile
from drafter.style import RULES, fix, lint
from drafter.style.rules import HOUSE, severity_map

from .cases import CASES, Case, brief

_HAN = re.compile(r"[\u4e00-\u9fff]")
_TIERS = {"标准 GB/T 15834-2011", "标准 GB/T 15835-2011", "国标 GB/T 9704-2012", HOUSE}


def _ids(case: Case) -> str:
    return case.rule


def test_every_rule_has_a_case() -> None:
    assert {c.rule for c in CASES} == set(RULES)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_registry_entry_is_complete(rule_id: str) -> None:
    r = RULES[rule_id]
    assert r.id == rule_id
    assert re.fullmatch(r"[a-z]+\.[a-z_]+", r.id)
    assert r.tier in _TIERS
    assert r.severity in ("error", "warning", "info")
    assert _HAN.search(r.message) and _HAN.search(r.reason)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_bad_text_is_reported(case: Case, profile: Profile) -> None:
    findings = lint(case.bad, profile, kind=case.kind)
    hits = [f for f in findings if f.rule == case.rule]
    assert hits, f"{case.rule} not reported; got {[f.rule for f in findings]}"
    for f in hits:
        assert f.severity == RULES[case.rule].severity
        assert _HAN.search(f.message)
        assert f.location is not None and f.location.line is not None


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_good_text_is_not_reported(case: Case, profile: Profile) -> None:
    findings = lint(case.good, profile, kind=case.kind)
    assert [f for f in findings if f.rule == case.rule] == []


@pytest.mark.parametrize("case", [c for c in CASES if RULES[c.rule].autofix], ids=_ids)
def test_autofixable_rule_is_fixed(case: Case, profile: Profile) -> None:
    result = fix(case.bad, profile, kind=case.kind)
    assert case.rule in {c.rule for c in result.changes}
    assert [f for f in lint(result.text, profile, kind=case.kind) if f.rule == case.rule] == []


def test_findings_point_at_the_offending_text(profile: Profile) -> None:
    text = brief(
        "6月12日，北京园艺学会在京举办交流会,来自12家会员单位的科技工作者参加。",
        "会议审议了年度计划。",
    )
    (f,) = [f for f in lint(text, profile) if f.rule == "punct.halfwidth"]
    assert f.location is not None
    lines = text.split("\n")
    assert f.location.line is not None
    line = lines[f.location.line - 1]
    assert line[f.location.start : f.location.end] == ","
    assert f.replacement == "，"


def test_standard_rule_cannot_be_switched_off(profile: Profile) -> None:
    p = profile.model_copy(update={"rules": {"punct.halfwidth": "off"}})
    with pytest.raises(ProfileError) as exc:
        lint(brief(), p)
    assert "punct.halfwidth" in exc.value.message and exc.value.hint


def test_standard_rule_cannot_be_downgraded(profile: Profile) -> None:
    p = profile.model_copy(update={"rules": {"date.year_abbrev": "warning"}})
    with pytest.raises(ProfileError):
        severity_map(p)


def test_house_rule_can_be_regraded_and_switched_off(profile: Profile) -> None:
    bad = brief(CASES[0].bad.split("\n\n")[1], "我会将继续开展科普活动。")
    assert {f.severity for f in lint(bad, profile) if f.rule == "person.first"} == {"error"}
    warn = profile.model_copy(update={"rules": {"person.first": "warning"}})
    assert {f.severity for f in lint(bad, warn) if f.rule == "person.first"} == {"warning"}
    off = profile.model_copy(update={"rules": {"person.first": "off", "space.cjk": "off"}})
    assert not [f for f in lint(bad, off) if f.rule == "person.first"]
    # a rule switched off is not applied by the fixer either
    spaced = brief("6月12日，学会在京举办 2026 年科普工作会，会议审议了年度计划和经费预算安排。")
    assert " 2026 " in fix(spaced, off).text
    assert " 2026 " not in fix(spaced, profile).text


def test_unknown_rule_ids_in_profile_are_left_to_their_owners(profile: Profile) -> None:
    p = profile.model_copy(update={"rules": {"guard.number": "warning"}})
    assert "guard.number" not in severity_map(p)
