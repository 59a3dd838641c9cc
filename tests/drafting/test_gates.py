"""The one gates function: drafts are validated and fixed, an editor's text is checked as given."""

from __future__ import annotations

from drafter.drafting import check, check_text, gate
from drafter.drafting.gates import errors_in
from drafter.ingest.report import report_from_text
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Provenance, Report

SOURCE = (
    "5月12日上午，北京植物保护学会在市农林科学院召开2026年学术年会，"
    "副理事长李红梅出席会议，86名会员参加。"
)
TEXT = (
    "### 北京植物保护学会召开2026年学术年会\n\n"
    "5月12日上午,北京植物保护学会召开2026年学术年会，副理事长李红梅出席，96名会员参加。"
    "（北京植物保护学会）\n"
)


def _report() -> Report:
    return report_from_text(SOURCE, org="北京植物保护学会", kind="society")


def _messy() -> Brief:
    return Brief(
        headline="北京植物保护学会召开2026年学术年会",
        paragraphs=["5月12日上午,北京植物保护学会召开学术年会，96名会员参加。"],
        attribution="北京植物保护学会",
        section="societies",
    )


def _rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def test_a_draft_is_fixed_an_editors_text_is_not(profile: Profile) -> None:
    fixed, draft_findings = gate(_messy(), _report(), profile)
    as_given, text_findings = gate(_messy(), _report(), profile, fix=False)
    assert "," not in fixed.body
    assert as_given == _messy()
    assert any(f.excerpt and "96" in f.excerpt for f in errors_in(draft_findings))
    assert any(f.excerpt and "96" in f.excerpt for f in errors_in(text_findings))
    assert len(text_findings) > len(draft_findings)  # the comma is still there to report


def test_a_broken_draft_stops_at_the_schema(profile: Profile) -> None:
    broken = Brief.model_construct(
        headline="第一行\n第二行",
        paragraphs=["正文。"],
        section="societies",
        provenance=Provenance(engine="model"),
        findings=[],
        status="ready",
        lead=False,
    )
    _, findings = gate(broken, _report(), profile)
    assert findings and all(f.rule.startswith("schema.") for f in findings)
    _, as_given = gate(broken, _report(), profile, fix=False)
    assert not any(f.rule.startswith("schema.") for f in as_given)


def test_check_is_the_gate_without_fixing(profile: Profile) -> None:
    assert (
        check(_messy(), _report(), profile=profile)
        == gate(_messy(), _report(), profile, fix=False)[1]
    )
    lint_only = check(_messy(), None, profile=profile)
    assert lint_only == gate(_messy(), None, profile, fix=False)[1]
    assert not any(f.rule.startswith("guard.") for f in lint_only)


def test_check_text_points_at_the_files_lines(profile: Profile) -> None:
    findings = check_text(TEXT, SOURCE, profile=profile, source_file="brief.md")
    assert _rules(findings) == _rules(check(TEXT, SOURCE, profile=profile))
    number = next(f for f in findings if f.rule == "guard.number")
    assert number.location is not None and number.location.line == 3
