"""Who sent a report: inference from the text and resolution through the profile."""

from __future__ import annotations

import pytest

from drafter.ingest.organization import infer_org, resolve_sender
from drafter.ingest.report import report_from_text
from drafter.profile import Profile


@pytest.mark.parametrize("lead", ["近日", "近日，", "日前，", "2026年5月8日上午9时，"])
def test_vague_time_before_the_sender(lead: str) -> None:
    guess = infer_org(f"{lead}北京气象学会召开理事会。")
    assert guess is not None and guess.name == "北京气象学会"


def test_org_named_after_the_main_clause_is_a_guest(profile: Profile) -> None:
    text = "5月8日，我会召开理事会，北京气象学会和北京抗癌协会代表参加。"
    report = report_from_text(text, profile=profile)
    # Two registry orgs are mentioned and neither opens the sentence: no guess.
    assert report.org is None
    assert any(n.rule == "ingest.org_missing" for n in report.notes)


def test_one_registry_org_mentioned_in_a_first_person_report(profile: Profile) -> None:
    text = "5月8日，我会召开理事会。\n\n会议由北京气象学会副理事长主持。"
    report = report_from_text(text, profile=profile)
    assert report.org_short == "北京气象学会"
    assert [n.rule for n in report.notes] == ["ingest.org_inferred"]


def test_co_organisers_listed_first_org_is_the_sender(profile: Profile) -> None:
    text = "5月8日，北京市怀柔区科协、怀柔区教委联合举办科普活动。"
    assert report_from_text(text, profile=profile).org_short == "怀柔区科协"


@pytest.mark.parametrize(
    ("sentence", "sender"),
    [
        ("5月8日，学会部召开学会工作会议，20家学会参加。", "学会部"),
        ("5月8日，市科协党组召开会议，研究部署下半年工作。", "市科协"),
        ("5月8日，该学会召开理事会。", None),
        ("5月8日，各区科协召开工作会。", None),
    ],
)
def test_a_short_name_opening_the_sentence_is_the_sender(
    sentence: str, sender: str | None
) -> None:
    guess = infer_org(sentence)
    assert (guess.name if guess else None) == sender


def test_purpose_clause_is_not_an_org() -> None:
    guess = infer_org("为进一步发挥学会在科普中的作用，5月8日，我会召开会议。")
    assert guess is None


def test_hint_wins_over_the_text() -> None:
    guess = infer_org("5月8日，北京气象学会召开理事会。", hint="北京抗癌协会")
    assert guess is not None and (guess.name, guess.via) == ("北京抗癌协会", "hint")


def test_resolve_sender_given_inferred_unknown_and_missing(profile: Profile) -> None:
    text = "5月8日，北京市怀柔区科学技术协会召开工作会。"
    assert resolve_sender(None, text, title=None, hint=None, profile=profile)[:3] == (
        "北京市怀柔区科学技术协会",
        "怀柔区科协",
        "district",
    )
    assert resolve_sender("北京气象学会", text, title=None, hint=None, profile=profile)[1] == (
        "北京气象学会"
    )
    *_, notes = resolve_sender(None, "我会召开理事会。", title=None, hint=None, profile=profile)
    assert [n.rule for n in notes] == ["ingest.org_missing"]


@pytest.mark.parametrize("text", ["5月8日，我会召开理事会。", "会议强调，要抓好落实。"])
def test_no_sender_in_first_person_text(text: str) -> None:
    assert infer_org(text) is None
