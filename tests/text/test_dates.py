"""Dates as reports word them: event dates and every mention (drafter.text.dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.text.dates import find_dates, find_event_dates, parse_date_text

MONDAY = dt.date(2026, 5, 11)  # a Monday


@pytest.mark.parametrize(
    ("text", "written", "expected"),
    [
        ("5月8日上午，北京市怀柔区科协召开会议。", "5月8日上午", dt.date(2026, 5, 8)),
        ("2026年5月8日，学会召开理事会。", "2026年5月8日", dt.date(2026, 5, 8)),
        ("5.8，学会举办讲座。", "5.8", dt.date(2026, 5, 8)),
        ("5月8号下午，活动启动。", "5月8号下午", dt.date(2026, 5, 8)),
        ("5 月 8 日，怀柔区召开工作会。", "5 月 8 日", dt.date(2026, 5, 8)),
        ("二〇二六年五月八日", "二〇二六年五月八日", dt.date(2026, 5, 8)),
        ("5月8日至10日，论坛在京举办。", "5月8日至10日", dt.date(2026, 5, 8)),
        ("5月8-10日举办培训班。", "5月8-10日", dt.date(2026, 5, 8)),
        ("5月8日（星期五）上午，", "5月8日（星期五）上午", dt.date(2026, 5, 8)),
        ("2026-05-08 学会召开会议", "2026-05-08", dt.date(2026, 5, 8)),
        ("昨日，区科协召开会议。", "昨日", dt.date(2026, 5, 10)),
        ("今天上午，学会开展活动。", "今天上午", dt.date(2026, 5, 11)),
        ("上周五，学会召开理事会。", "上周五", dt.date(2026, 5, 8)),
        ("本周三将召开会议。", "本周三", dt.date(2026, 5, 13)),
        ("周五，专家走进社区。", "周五", dt.date(2026, 5, 8)),
    ],
)
def test_dates_as_written_and_resolved(text: str, written: str, expected: dt.date) -> None:
    facts = find_event_dates(text, anchor=MONDAY)
    assert [f.text for f in facts] == [written]
    assert facts[0].date == expected


def test_month_day_takes_the_year_that_makes_it_recent() -> None:
    # A December event reported in January is last year's.
    (fact,) = find_event_dates("12月30日，学会召开年会。", anchor=dt.date(2027, 1, 4))
    assert fact.date == dt.date(2026, 12, 30)
    # A report received in May about November tells of last November.
    (fact,) = find_event_dates("11月3日，学会召开年会。", anchor=MONDAY)
    assert fact.date == dt.date(2025, 11, 3)
    # An event announced for next month is this year's; early January seen from late
    # December is next year's.
    (fact,) = find_event_dates("将于6月20日举办。", anchor=MONDAY)
    assert fact.date == dt.date(2026, 6, 20)
    (fact,) = find_event_dates("1月3日举办。", anchor=dt.date(2026, 12, 28))
    assert fact.date == dt.date(2027, 1, 3)


def test_without_anchor_year_comes_from_the_text_or_stays_unknown() -> None:
    facts = find_event_dates("2026年4月20日启动报名，5月8日举行决赛。昨日颁奖。", anchor=None)
    assert [f.text for f in facts] == ["2026年4月20日", "5月8日", "昨日"]
    assert [f.date for f in facts] == [dt.date(2026, 4, 20), dt.date(2026, 5, 8), None]
    assert find_event_dates("5月8日，学会召开理事会。", anchor=None)[0].date is None


def test_dates_in_order_of_appearance() -> None:
    text = "5月6日下午召开筹备会，5月8日上午举行开幕式，活动持续至5月10日。"
    assert [f.text for f in find_event_dates(text, anchor=MONDAY)] == [
        "5月6日下午",
        "5月8日上午",
        "5月10日",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "增长5.8%，投入5.8万元",
        "每周一开展志愿服务",
        "近日，学会召开会议",
        "日前，区科协开展活动",
        "今日头条发布报道",
        "第2.3节",
        "全年共开展活动12次",
        "5月份以来",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_event_dates(text, anchor=MONDAY) == []


def test_impossible_date_is_kept_as_written_without_a_date() -> None:
    (fact,) = find_event_dates("2月30日", anchor=MONDAY)
    assert fact.text == "2月30日" and fact.date is None


def test_parse_date_text_needs_a_year() -> None:
    assert parse_date_text("2026年5月8日") == dt.date(2026, 5, 8)
    assert parse_date_text("2026/5/8") == dt.date(2026, 5, 8)
    assert parse_date_text("5月8日") is None
    assert parse_date_text("下周") is None


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_written_full_date_round_trips(day: dt.date) -> None:
    for written in (f"{day.year}年{day.month}月{day.day}日", day.isoformat()):
        (fact,) = find_event_dates(f"{written}，学会召开会议。", anchor=None)
        assert fact.text == written and fact.date == day


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)))
def test_month_day_resolves_to_the_anchor_day(day: dt.date) -> None:
    (fact,) = find_event_dates(f"{day.month}月{day.day}日上午，", anchor=day)
    assert fact.date == day


# -- every mention (the guard's reading) ----------------------------------------------


@pytest.mark.parametrize(
    "text", ["5月8日", "5月8号", "五月八日", "2023-05-08", "2023年5月8日", "二〇二三年五月八日"]
)
def test_date_forms_agree(text: str) -> None:
    (ref,) = find_dates("2023年5月8日")
    (d,) = find_dates(text)
    assert (d.month, d.day) == (5, 8)
    assert d.agrees(ref)


def test_dates_that_differ_disagree() -> None:
    (a,) = find_dates("5月8日")
    (b,) = find_dates("5月9日")
    (c,) = find_dates("2022年5月8日")
    (ref,) = find_dates("2023年5月8日")
    assert not b.agrees(ref)
    assert not c.agrees(ref)
    assert a.agrees(ref)


def test_date_range_gives_both_days() -> None:
    days = [(d.month, d.day) for d in find_dates("4月25日至26日")]
    assert days == [(4, 25), (4, 26)]


def test_months_and_years_alone() -> None:
    assert [d.key for d in find_dates("2022年取得资质，9月底前上线")] == ["2022", "--09"]
    assert find_dates("三个月") == []


# -- one grammar, two readings ------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["2023年5月8日", "2023-05-08", "2023/5/8", "二〇二三年五月八日", "2023年5月8号"]
)
def test_both_readings_read_a_full_date_alike(written: str) -> None:
    (fact,) = find_event_dates(written)
    (mention,) = find_dates(written)
    assert fact.text == mention.text == written
    assert fact.date == dt.date(2023, 5, 8)
    assert (mention.year, mention.month, mention.day) == (2023, 5, 8)
    assert (mention.start, mention.end) == (0, len(written))


@pytest.mark.parametrize(
    ("text", "key"), [("5月份", "--05"), ("2023年", "2023"), ("2023年度", "2023")]
)
def test_a_month_or_a_year_alone_is_a_mention_not_an_event_date(text: str, key: str) -> None:
    assert [d.key for d in find_dates(text)] == [key]
    assert find_event_dates(text, anchor=MONDAY) == []


@pytest.mark.parametrize("text", ["5.8，", "昨日，", "上周五，", "两月八日"])
def test_event_only_forms_are_not_mentions(text: str) -> None:
    assert find_event_dates(text, anchor=MONDAY)
    assert find_dates(text) == []


def test_the_readings_keep_their_own_range_and_time_of_day() -> None:
    # The event reading keeps the time of day with the date; a mention is the date alone.
    assert [f.text for f in find_event_dates("5月8日上午")] == ["5月8日上午"]
    assert [d.text for d in find_dates("5月8日上午")] == ["5月8日"]
    # A mention range gives both days, the event date is the first.
    (fact,) = find_event_dates("4月25日至26日", anchor=MONDAY)
    assert fact.text == "4月25日至26日" and fact.date == dt.date(2026, 4, 25)
    assert [(d.month, d.day) for d in find_dates("4月25日——26日")] == [(4, 25), (4, 26)]
