"""Dates as Chinese text writes them: one grammar, read for events or for every mention.

The grammar's pieces (numerals, years, ``2026-05-08``) are defined once and read two
ways, each by one finder:

- :func:`find_event_dates` (the offline engine, ingest): the day of an event, as a
  report words it (``5月8日上午``, ``2026年5月8日``, ``5.8``, ``昨日``, ``上周五``),
  with the wording kept verbatim and a calendar date where one can be fixed: a year
  written in the text, else the latest such date up to 90 days after the anchor (the
  date the report was received); relative words (``昨日``, ``今天``, ``上周五``) only
  against an anchor. Vague words (``近日``, ``日前``) are not dates.
- :func:`find_dates` (the faithfulness guard): every year, month or day the text
  names (``2023年``, ``5月``, ``五月八日``, ``2023-05-08``), with its span, in text
  the guard has made half-width and whitespace-free. A range (``4月25日至26日``)
  gives both days.

:func:`parse_user_date` is the one parser of dates a user types on any command.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from drafter.errors import InputError
from drafter.schemas import DateFact
from drafter.text.lexicon import DAY_PARTS_ALL, alternation
from drafter.text.numerals import cn_to_int

__all__ = [
    "LEADING_DATE_RE",
    "DateValue",
    "find_dates",
    "find_event_dates",
    "parse_date_text",
    "parse_user_date",
]

# -- the grammar ----------------------------------------------------------------------

_NUMERALS = "〇零○一二三四五六七八九十"
"""Chinese numerals of a year, a month or a day (digit by digit or with 十)."""


def _number(numerals: str) -> str:
    """A month or a day: one or two digits, or up to three Chinese numerals."""
    return rf"(?:\d{{1,2}}|[{numerals}]{{1,3}})"


def _year(numerals: str) -> str:
    """A year: four digits, or four Chinese numerals (二〇二六)."""
    return rf"(?:\d{{4}}|[{numerals}]{{4}})"


def _iso(space: str, separators: str) -> str:
    """``2026-05-08``, ``2026/5/8``, ``2026.5.8``, maybe followed by 日 or 号."""
    s = space
    return (
        rf"(?P<ny>\d{{4}}){s}[{separators}]{s}(?P<nm>\d{{1,2}}){s}[{separators}]{s}"
        rf"(?P<nd>\d{{1,2}})(?![\d.])(?:{s}[日号])?"
    )


# The event reading needs a day, so 两 (两月八日) is safe in it; white space may sit
# anywhere (a text extraction writes 5 月 8 日). One pass over the text: the
# alternatives are tried left to right at each position, so the longest forms (with
# year, with range) come first.
_N = _number(_NUMERALS + "两")
_Y = _year(_NUMERALS + "两")
_PART = alternation(DAY_PARTS_ALL, longest_first=True)
_WEEKDAY = r"(?:[（(]?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*[）)]?)"
_DASH = r"[-—–~～－至到]"
_EVENT_ISO = _iso(r"\s*", "-/.．")
_EVENT_RE = re.compile(
    rf"""
    (?<![\d.．])
    (?:
        (?:(?P<y>{_Y})\s*年\s*)?
        (?P<m>{_N})\s*月\s*(?P<d>{_N})\s*
        (?:[日号]|(?={_DASH}\s*{_N}\s*[日号]))
        (?:\s*{_DASH}\s*(?:(?P<m2>{_N})\s*月\s*)?(?P<d2>{_N})\s*[日号])?
      |
        {_EVENT_ISO}
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

# The mention reading takes a month or a year alone (2023年, 5月份), so it leaves out
# 两: 两月 and 两年 count months and years. It reads text the guard has already made
# half-width and whitespace-free.
_NM = _number(_NUMERALS)
_YM = _year(_NUMERALS)
_MENTION_ISO = _iso("", "-/.")
_MENTION_RE = re.compile(
    rf"""
    (?<![\d.])
    (?:
        {_MENTION_ISO}
      | (?:(?P<y>{_YM})年)?(?P<m>{_NM})月(?:份)?(?:(?P<d>{_NM})[日号])?
        (?:[至到~—\-－]+(?:(?P<m2>{_NM})月)?(?P<d2>{_NM})[日号])?
      | (?P<yo>{_YM})年(?!\d*个?月|度)
      | (?P<yd>{_YM})年度
    )
    """,
    re.VERBOSE,
)

LEADING_DATE_RE = re.compile(rf"^\s*(?:{_EVENT_RE.pattern})", re.VERBOSE)
"""An event date at the start of a string (for stripping a date lead)."""


def _int(s: str | None) -> int | None:
    return cn_to_int(s) if s else None


def _written(m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    """Year, month and day as a match of either reading writes them (None: not written,
    or not a numeral)."""
    g = m.groupdict()
    year = g["y"] or g["ny"] or g.get("yo") or g.get("yd")
    month = g["m"] or g["nm"] or g.get("pm")
    day = g["d"] or g["nd"] or g.get("pd")
    return _int(year), _int(month), _int(day)


# -- event dates ----------------------------------------------------------------------

_AHEAD = 90
_RELATIVE_DAYS = {"昨日": -1, "昨天": -1, "前天": -2, "前日": -2, "今日": 0, "今天": 0}
_RELATIVE_DAYS |= {"明日": 1, "明天": 1}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


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


def _relative(m: re.Match[str], anchor: dt.date) -> dt.date:
    """``昨日``, ``周五``, ``上周五`` against the anchor."""
    if m.group("rel") is not None:
        return anchor + dt.timedelta(days=_RELATIVE_DAYS[m.group("rel")])
    wd = _WEEKDAYS[m.group("wd")]
    prefix = m.group("wk")
    if prefix is None:  # a bare 周五: the most recent one, on or before the anchor
        return anchor - dt.timedelta(days=(anchor.weekday() - wd) % 7)
    monday = anchor - dt.timedelta(days=anchor.weekday())
    shift = {"上": -7, "下": 7}.get(prefix, 0)
    return monday + dt.timedelta(days=shift + wd)


def _resolve(m: re.Match[str], anchor: dt.date | None, year_hint: int | None) -> dt.date | None:
    if m.group("rel") is not None or m.group("wd") is not None:
        return _relative(m, anchor) if anchor else None
    year, month, day = _written(m)
    if month is None or day is None:
        return None
    if m.group("y") or m.group("ny"):
        return _make(year, month, day) if year else None
    if anchor:
        return _year_for(month, day, anchor)
    return _make(year_hint, month, day) if year_hint else None


def find_event_dates(text: str, *, anchor: dt.date | None = None) -> list[DateFact]:
    """Every event date in ``text``, in order, with its calendar date when known."""
    out: list[DateFact] = []
    year_hint: int | None = None
    for m in _EVENT_RE.finditer(text):
        written = m.group(0).strip()
        if not written:
            continue
        year_hint = _written(m)[0] or year_hint
        out.append(DateFact(text=written, date=_resolve(m, anchor, year_hint)))
    return out


def parse_date_text(value: str) -> dt.date | None:
    """A single full date as a user types it: ``2026-05-08``, ``2026/5/8``, ``2026年5月8日``."""
    value = value.strip()
    m = _EVENT_RE.fullmatch(value)
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


# -- every mention ----------------------------------------------------------------------


@dataclass(frozen=True)
class DateValue:
    """A date found in text; ``year``, ``month`` or ``day`` is None when not written."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None

    @property
    def key(self) -> str:
        y = f"{self.year:04d}" if self.year else "-"
        m = f"-{self.month:02d}" if self.month else ""
        d = f"-{self.day:02d}" if self.day else ""
        return y + m + d

    def agrees(self, other: DateValue) -> bool:
        """True when ``other`` (a source date) supports ``self`` (a brief's date): the
        parts ``self`` writes are written there too and equal; a year missing on one
        side is no contradiction (briefs drop the year of the issue)."""
        if self.month is None:
            return self.year is not None and self.year == other.year
        if other.month != self.month:
            return False
        if self.day is not None and other.day != self.day:
            return False
        return not (self.year and other.year and self.year != other.year)


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    return (
        (m is None or 1 <= m <= 12)
        and (d is None or 1 <= d <= 31)
        and (y is None or 1900 <= y <= 2999)
    )


def find_dates(text: str) -> list[DateValue]:
    """Dates named in ``text``: ``2023年5月8日``, ``5月8号``, ``五月八日``, ``2023-05-08``,
    ``5月``, ``2023年`` and ranges (``4月25日至26日`` gives two dates)."""
    out: list[DateValue] = []
    for m in _MENTION_RE.finditer(text):
        g = m.groupdict()
        s, e = m.span()
        parts = _written(m)
        if not _valid(*parts) or (parts[1] is None and parts[0] is None):
            continue
        if g["m"] and not g["d"] and not g["y"] and not g["m"].isdigit() and len(g["m"]) > 2:
            continue  # 十一月 alone is fine, but guard against odd runs of numerals
        out.append(DateValue(s, e, m.group(0), *parts))
        if g["d2"]:
            month = _int(g["m2"]) if g["m2"] else parts[1]
            day = _int(g["d2"])
            if _valid(parts[0], month, day):
                out.append(DateValue(s, e, m.group(0), parts[0], month, day))
    return out
