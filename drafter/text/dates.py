"""Event dates as a report words them: ``5月8日上午``, ``2026年5月8日``, ``5.8``, ``昨日``.

:func:`find_event_dates` returns every date expression in order of appearance, each
with the wording kept verbatim (the guard and the offline engine compare wording) and
a calendar date where one can be fixed: a year written in the text, else the latest
such date up to 90 days after the anchor (the date the report was received); relative words
(``昨日``, ``今天``, ``上周五``) only against an anchor. Vague words (``近日``, ``日前``)
are not dates and are not returned.
"""

from __future__ import annotations

import datetime as dt
import re

from drafter.errors import InputError
from drafter.schemas import DateFact

__all__ = [
    "LEADING_DATE_RE",
    "cn_number",
    "find_event_dates",
    "parse_date_text",
    "parse_user_date",
]

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇零○一二三四五六七八九十两"
_N = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_Y = rf"(?:\d{{4}}|[{_CN}]{{4}})"
_PART = r"(?:上午|下午|晚上|晚间|傍晚|早上|早晨|清晨|中午|凌晨|夜间|晚)"
_WEEKDAY = r"(?:[（(]?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*[）)]?)"
_DASH = r"[-—–~～－至到]"

# One pass over the text: the alternatives are tried left to right at each position,
# so the longest forms (with year, with range) come first.
_DATE_RE = re.compile(
    rf"""
    (?<![\d.．])
    (?:
        (?:(?P<y>{_Y})\s*年\s*)?
        (?P<m>{_N})\s*月\s*(?P<d>{_N})\s*
        (?:[日号]|(?={_DASH}\s*{_N}\s*[日号]))
        (?:\s*{_DASH}\s*(?:(?P<m2>{_N})\s*月\s*)?(?P<d2>{_N})\s*[日号])?
      |
        (?P<ny>\d{{4}})\s*[-/.．]\s*(?P<nm>\d{{1,2}})\s*[-/.．]\s*(?P<nd>\d{{1,2}})(?![\d.])
        (?:\s*[日号])?
      |
        (?<![\w%])(?P<pm>1[0-2]|0?[1-9])[.．](?P<pd>3[01]|[12]\d|0?[1-9])
        (?![\d.．%％])
        (?=\s*(?:[日号，,、。；\s（(至到—\-~～]|{_PART}|$))
        (?:\s*[日号])?
        (?:\s*{_DASH}\s*(?:(?:1[0-2]|0?[1-9])[.．])?(?:3[01]|[12]\d|0?[1-9])(?![\d.．%％]))?
      |
        (?P<rel>昨日|昨天|前天|前日|今日|今天|明日|明天)(?![头条])
      |
        (?<![每隔])(?P<wk>上|本|这|下)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?![年末])
    )
    (?:\s*{_WEEKDAY})?
    (?:\s*{_PART})?
    """,
    re.VERBOSE,
)

LEADING_DATE_RE = re.compile(rf"^\s*(?:{_DATE_RE.pattern})", re.VERBOSE)
"""A date expression at the start of a string (for stripping a date lead)."""

_AHEAD = 90
_RELATIVE_DAYS = {"昨日": -1, "昨天": -1, "前天": -2, "前日": -2, "今日": 0, "今天": 0}
_RELATIVE_DAYS |= {"明日": 1, "明天": 1}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def cn_number(s: str) -> int | None:
    """``8`` → 8, ``十二`` → 12, ``二十一`` → 21, ``二〇二六`` → 2026; None if not a number."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGITS.get(tens, -1) if tens else 1
        o = _CN_DIGITS.get(ones, -1) if ones else 0
        if t < 0 or o < 0 or len(tens) > 1 or len(ones) > 1:
            return None
        return t * 10 + o
    digits = [_CN_DIGITS.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, anchor: dt.date) -> dt.date | None:
    """The latest date with this month and day at most :data:`_AHEAD` days after the
    anchor: reports tell of past events (a December event in a January report is last
    year's), and an event they announce is soon."""
    limit = anchor + dt.timedelta(days=_AHEAD)
    options = [
        d
        for y in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (d := _make(y, month, day)) and d <= limit
    ]
    return max(options) if options else None


def _resolve(m: re.Match[str], anchor: dt.date | None, year_hint: int | None) -> dt.date | None:
    g = m.groupdict()
    if g["m"] is not None:
        month, day = cn_number(g["m"]), cn_number(g["d"])
        if month is None or day is None:
            return None
        if g["y"]:
            year = cn_number(g["y"])
            return _make(year, month, day) if year else None
        if anchor:
            return _year_for(month, day, anchor)
        return _make(year_hint, month, day) if year_hint else None
    if g["ny"] is not None:
        return _make(int(g["ny"]), int(g["nm"]), int(g["nd"]))
    if g["pm"] is not None:
        month, day = int(g["pm"]), int(g["pd"])
        if anchor:
            return _year_for(month, day, anchor)
        return _make(year_hint, month, day) if year_hint else None
    if anchor is None:
        return None
    if g["rel"] is not None:
        return anchor + dt.timedelta(days=_RELATIVE_DAYS[g["rel"]])
    wd = _WEEKDAYS[g["wd"]]
    prefix = g["wk"]
    if prefix is None:  # a bare 周五: the most recent one, on or before the anchor
        return anchor - dt.timedelta(days=(anchor.weekday() - wd) % 7)
    monday = anchor - dt.timedelta(days=anchor.weekday())
    shift = {"上": -7, "下": 7}.get(prefix, 0)
    return monday + dt.timedelta(days=shift + wd)


def _year_of(m: re.Match[str]) -> int | None:
    y = m.group("y") or m.group("ny")
    return cn_number(y) if y else None


def find_event_dates(text: str, *, anchor: dt.date | None = None) -> list[DateFact]:
    """Every date expression in ``text``, in order, with its calendar date when known."""
    out: list[DateFact] = []
    year_hint: int | None = None
    for m in _DATE_RE.finditer(text):
        written = m.group(0).strip()
        if not written:
            continue
        year_hint = _year_of(m) or year_hint
        out.append(DateFact(text=written, date=_resolve(m, anchor, year_hint)))
    return out


def parse_date_text(value: str) -> dt.date | None:
    """A single full date as a user types it: ``2026-05-08``, ``2026/5/8``, ``2026年5月8日``."""
    value = value.strip()
    m = _DATE_RE.fullmatch(value)
    if not m or not (m.group("y") or m.group("ny")):
        return None
    return _resolve(m, None, None)


def parse_user_date(value: str | dt.date) -> dt.date:
    """A date typed by a user on any command: ``2026-05-08``, ``2026/5/8``, ``2026年5月8日``.

    The one parser of user-typed dates; a clear Chinese error otherwise.
    """
    if isinstance(value, dt.date):
        return value
    parsed = parse_date_text(str(value))
    if parsed is None:
        raise InputError(
            f"无法识别的日期：{value}",
            hint="请写成 2026-05-08 或 2026年5月8日（须含年份）",
            date=str(value),
        )
    return parsed
