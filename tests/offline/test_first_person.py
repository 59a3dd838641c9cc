"""First person → the organization's name; the event date → the front, in house form."""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.offline.first_person import rewrite_first_person, rewrite_lead, vague_lead


@pytest.mark.parametrize(
    ("org", "kind", "text", "expected"),
    [
        (
            "北京气象学会",
            "society",
            "我会召开年会，本会会员参加。",
            "北京气象学会召开年会，北京气象学会会员参加。",
        ),
        ("北京气象学会", "society", "我们将继续努力。", "北京气象学会将继续努力。"),
        (
            "怀柔区科协",
            "district",
            "我区科协联合我区各街道开展活动。",
            "怀柔区科协联合怀柔区各街道开展活动。",
        ),
        (
            "安吉县科协",
            "district",
            "我县科协在我县余村开展活动。",
            "安吉县科协在安吉县余村开展活动。",
        ),
        (
            "北京工业大学科协",
            "grassroots",
            "我校科协在我校举办沙龙。",
            "北京工业大学科协在北京工业大学举办沙龙。",
        ),
        (
            "科普部",
            "department",
            "我部会同我会有关部门推进平台建设。",
            "科普部会同市科协有关部门推进平台建设。",
        ),
    ],
)
def test_first_person_rewritten(org: str, kind: str, text: str, expected: str) -> None:
    assert rewrite_first_person(text, org, kind, "市科协") == (expected, True)


def test_quotations_are_left_alone() -> None:
    text = "王立新表示：“我们将继续努力。”我会将落实。"
    got, ok = rewrite_first_person(text, "北京气象学会", "society", "市科协")
    assert ok and got == "王立新表示：“我们将继续努力。”北京气象学会将落实。"


def test_ben_inside_a_word_is_not_first_person() -> None:
    text = "日本会议代表参加了本会年会。"
    got, ok = rewrite_first_person(text, "北京气象学会", "society", "市科协")
    assert ok and got == "日本会议代表参加了北京气象学会年会。"


def test_unresolvable_first_person_is_reported() -> None:
    _, ok = rewrite_first_person("我区各街道参加。", "北京气象学会", "society", "市科协")
    assert not ok
    _, ok = rewrite_first_person("我会召开年会。", None, "society", "市科协")
    assert not ok


RECEIVED = dt.date(2026, 5, 11)


@pytest.mark.parametrize(
    ("sentence", "expected", "day"),
    [
        (
            "2026年5月8日上午，北京气象学会召开年会。",
            "5月8日上午，北京气象学会召开年会。",
            dt.date(2026, 5, 8),
        ),
        (
            "北京气象学会于2026年5月8日在京召开年会。",
            "5月8日，北京气象学会在京召开年会。",
            dt.date(2026, 5, 8),
        ),
        (
            "5月8日至9日，北京气象学会召开年会。",
            "5月8日至9日，北京气象学会召开年会。",
            dt.date(2026, 5, 8),
        ),
        (
            "05月08日下午3:00，北京气象学会召开年会。",
            "5月8日下午，北京气象学会召开年会。",
            dt.date(2026, 5, 8),
        ),
        (
            "昨天上午，北京气象学会召开年会。",
            "5月10日上午，北京气象学会召开年会。",
            dt.date(2026, 5, 10),
        ),
        (
            "为推动交流，北京气象学会于5月9日召开年会。",
            "为推动交流，5月9日，北京气象学会召开年会。",
            dt.date(2026, 5, 9),
        ),
        (
            "根据年度计划，5月9日，北京气象学会召开年会。",
            "5月9日，根据年度计划，北京气象学会召开年会。",
            dt.date(2026, 5, 9),
        ),
    ],
)
def test_rewrite_lead(sentence: str, expected: str, day: dt.date) -> None:
    lead = rewrite_lead(sentence, RECEIVED)
    assert lead is not None
    assert (lead.text, lead.date, lead.dated) == (expected, day, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "北京气象学会召开年会。",
        "会议决定，北京气象学会将于6月1日发布报告。",  # a date deep in the sentence
        "截至5月8日，北京气象学会已举办讲座12场。",  # a cut-off, not the event
        "在5月8日举行的年会上，王立新当选为理事长。",
    ],
)
def test_no_opening_date(sentence: str) -> None:
    assert rewrite_lead(sentence, RECEIVED) is None


def test_relative_date_needs_received() -> None:
    assert rewrite_lead("昨日，北京气象学会召开年会。", None) is None
    assert vague_lead("昨日，北京气象学会召开年会。").text == "近日，北京气象学会召开年会。"
    assert vague_lead("日前，北京气象学会召开年会。").text == "近日，北京气象学会召开年会。"


def test_chinese_numeral_date_without_a_year() -> None:
    lead = rewrite_lead("五月八日上午，北京气象学会召开年会。", None)
    assert lead is not None and lead.text == "5月8日上午，北京气象学会召开年会。"
