"""lint_brief on Brief objects: headline is paragraph -1, attribution from the field."""

from __future__ import annotations

from drafter.profile import Profile
from drafter.schemas import Brief
from drafter.style import lint_brief

from .cases import HEADLINE, P1, P2, P3


def _brief(**kw: object) -> Brief:
    data: dict[str, object] = {
        "headline": HEADLINE,
        "paragraphs": [P1, P2, P3],
        "attribution": "北京园艺学会",
        "section": "societies",
    }
    data.update(kw)
    return Brief.model_validate(data)


def _rules(b: Brief, profile: Profile, **kw: str) -> set[str]:
    return {f.rule for f in lint_brief(b, profile, **kw)}  # type: ignore[arg-type]


def test_clean_brief_has_no_findings(profile: Profile) -> None:
    assert lint_brief(_brief(), profile) == []


def test_headline_findings_are_paragraph_minus_one(profile: Profile) -> None:
    findings = lint_brief(_brief(headline=HEADLINE + "。"), profile)
    (f,) = [f for f in findings if f.rule == "headline.punct"]
    assert f.location is not None and f.location.paragraph == -1
    assert f.location.line is None
    assert HEADLINE + "。"[f.location.start : f.location.end]


def test_body_findings_carry_paragraph_index(profile: Profile) -> None:
    findings = lint_brief(_brief(paragraphs=[P1, P2.replace("，", ",", 1), P3]), profile)
    (f,) = [f for f in findings if f.rule == "punct.halfwidth"]
    assert f.location is not None and f.location.paragraph == 1


def test_expected_attribution(profile: Profile) -> None:
    b = _brief(attribution="北京园艺学会")
    assert "attribution.name" not in _rules(b, profile, expected_attribution="北京园艺学会")
    findings = lint_brief(b, profile, expected_attribution="北京植物学会")
    (f,) = [f for f in findings if f.rule == "attribution.name"]
    assert f.replacement == "（北京植物学会）"


def test_registry_short_name_is_required(profile: Profile) -> None:
    b = _brief(attribution="北京市怀柔区科学技术协会", section="districts")
    (f,) = [f for f in lint_brief(b, profile) if f.rule == "attribution.name"]
    assert f.replacement == "（怀柔区科协）"


def test_lead_carries_no_attribution(profile: Profile) -> None:
    assert "attribution.lead" in _rules(_brief(lead=True, section="lead"), profile)
    lead = _brief(lead=True, section="lead", attribution=None)
    assert not {"attribution.lead", "attribution.missing"} & _rules(lead, profile)
    assert "attribution.missing" in _rules(_brief(attribution=None), profile)


def test_attribution_form_in_field(profile: Profile) -> None:
    assert "attribution.form" in _rules(_brief(attribution="（北京园艺学会）"), profile)


def test_attribution_written_into_body(profile: Profile) -> None:
    b = _brief(paragraphs=[P1, P2, P3 + "（北京园艺学会）"])
    assert "attribution.position" in _rules(b, profile)


def test_paragraph_without_end_punctuation(profile: Profile) -> None:
    b = _brief(paragraphs=[P1, P2[:20], P2[20:], P3])
    assert "break.sentence" in _rules(b, profile)
    assert "break.sentence" not in _rules(_brief(), profile)
