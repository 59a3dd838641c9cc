"""In-line rules for the finer points of printed official writing (GB/T 15834/15835).

Dates in Chinese or mixed numerals, ranges with 万/亿, decimals without a leading zero,
a 顿号 before 等, list-number punctuation at a paragraph's start, abbreviated years in
their other forms and ID-card numbers. :mod:`drafter.style.inline_rules` puts them in
its rule lists; how rules run: :mod:`drafter.style.inline`.
"""

from __future__ import annotations

import re

from drafter.style.inline import CJK, FLAG, HAN, Callback, Gate, InlineRule, Result
from drafter.text.characters import CONTROL_RE
from drafter.text.numerals import cn_to_int

__all__ = [
    "BEFORE_DENG",
    "CONTROL",
    "DATE_NUMERALS",
    "DECIMAL",
    "ID_CARD",
    "LIST_NUMBER",
    "RANGE_UNIT",
    "YEAR_ABBREV_MORE",
]

_CN_DIGITS = "〇零○一二三四五六七八九"
_Y_CN = f"[{_CN_DIGITS}]{{4}}"
_M_CN = "(?:十[一二]?|[一二三四五六七八九])"
_D_CN = "(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_NOT_NUM = f"(?<![\\d{_CN_DIGITS}十])"


def _date(y: str | None, mo: str | None, d: str | None) -> Result:
    parts = [p for p in (y, mo, d) if p]
    if all(p.isdigit() for p in parts):
        return None  # Arabic already: other rules judge its form
    year = cn_to_int(y) if y else None
    month = cn_to_int(mo) if mo else None
    day = cn_to_int(d) if d else None
    if None in [v for v, raw in ((year, y), (month, mo), (day, d)) if raw]:
        return FLAG  # a numeral the one parser cannot read: flag, never guess a fix
    if (year is not None and not 1900 <= year <= 2999) or (
        month is not None and not 1 <= month <= 12
    ) or (day is not None and not 1 <= day <= 31):
        return FLAG
    out = f"{year}年" if year is not None else ""
    out += f"{month}月" if month is not None else ""
    return out + (f"{day}日" if day is not None else "")


def _ymd(m: re.Match[str]) -> Result:
    return _date(m.group(1), m.group(2), m.group(3))


def _md(m: re.Match[str]) -> Result:
    return _date(None, m.group(1), m.group(2))


_DATE_GATE = re.compile(f"[{_CN_DIGITS}十][年月日号]|[年月][{_CN_DIGITS}十]")

DATE_NUMERALS = InlineRule(
    "date.numerals",
    (
        (re.compile(f"{_NOT_NUM}(\\d{{4}}|{_Y_CN})年(?:(\\d{{1,2}}|{_M_CN})月(?:(\\d{{1,2}}|{_D_CN})[日号])?)?"),
         _ymd),
        (re.compile(f"(?<!农历){_NOT_NUM}(?<!年)(\\d{{1,2}}|{_M_CN})月(\\d{{1,2}}|{_D_CN})[日号]"), _md),
    ),
    lambda t: _DATE_GATE.search(t) is not None,
)  # fmt: skip
"""二〇二六年一月五日, 二〇二六年3月, 2026年三月, 三月五日 → Arabic numerals."""


def _unit_range(m: re.Match[str]) -> Result:
    return f"{m.group(1)}{m.group(3)}～{m.group(2)}{m.group(3)}"


RANGE_UNIT: tuple[re.Pattern[str], Callback, Gate] = (
    re.compile(r"(?<![\d.\-/])(\d+(?:\.\d+)?)[-－~～](\d+(?:\.\d+)?)([万亿])"),
    _unit_range,
    lambda t: "万" in t or "亿" in t,
)
"""A pattern of ``number.range``: 3～5万元 → 3万～5万元 (both ends carry 万/亿)."""


_CJK_CHAR = re.compile(f"[{CJK}]")


def _zero_point(m: re.Match[str]) -> Result:
    i = m.start()
    if i and m.string[i - 1] != "\n" and _CJK_CHAR.match(m.string, i - 1) is None:
        return None  # 3.5, v.2: not a bare decimal
    return "0." + m.group(1)


DECIMAL = InlineRule(
    "number.decimal",
    ((re.compile(f"\\.(\\d+)(?=[{HAN}%‰])"), _zero_point),),
    lambda t: "." in t,
)
""".5个百分点 → 0.5个百分点."""


def _drop(m: re.Match[str]) -> Result:
    return ""


BEFORE_DENG = InlineRule(
    "punct.before_deng",
    ((re.compile("、+(?=等(?![级候待同于]))"), _drop),),
    lambda t: "、等" in t,
)
"""验收、等工作 → 验收等工作."""


def _list_number(m: re.Match[str]) -> Result:
    if m.group(1):
        return m.group(1) + "."
    if m.group(2):
        return m.group(2)
    return m.group(3) + "、"


_LIST_START = frozenset("0123456789（一二三四五六七八九十")
_LIST_LINE = re.compile("\n[\\d（一二三四五六七八九十]")


def _list_gate(t: str) -> bool:
    return t[:1] in _LIST_START or ("\n" in t and _LIST_LINE.search(t) is not None)


LIST_NUMBER = InlineRule(
    "punct.list_number",
    ((re.compile(r"^(?:(\d{1,2})、|(（[一二三四五六七八九十]{1,3}）)[、，.．]|([一二三四五六七八九十]{1,3})[.．](?!\d))",
                 re.M), _list_number),),
    _list_gate,
)  # fmt: skip
"""At a paragraph's start: 1、 → 1. ; （一）、 → （一） ; 一. → 一、."""


def _flag(m: re.Match[str]) -> Result:
    return FLAG


def _school_year(m: re.Match[str]) -> Result:
    return FLAG if int(m.group(2)) == int(m.group(1)) + 1 else None


_YEAR_RANGE_GATE = re.compile(r"\d\d[-－—～~]\d\d年")

YEAR_ABBREV_MORE: tuple[tuple[re.Pattern[str], Callback, Gate], ...] = (
    (re.compile(r"(?<![\d.])\d{2}年(?=底|末|初|[上下]半年)"), _flag,
     lambda t: "年底" in t or "年末" in t or "年初" in t or "半年" in t),
    (re.compile(r"(?<=截至|截止)\d{2}年"), _flag, lambda t: "截至" in t or "截止" in t),
    (re.compile(r"(?<![\d.])(\d{2})[-－—～~](\d{2})年(?![级龄代])"), _school_year,
     lambda t: _YEAR_RANGE_GATE.search(t) is not None),
)  # fmt: skip
"""More patterns of ``date.year_abbrev``: 25年底, 25年上半年, 截至25年, 25-26年."""

_ID_GATE = re.compile(r"\d{17}")

ID_CARD = InlineRule(
    "content.idcard",
    ((re.compile(r"(?<![\dA-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"),
      _flag),),
    lambda t: _ID_GATE.search(t) is not None,
)  # fmt: skip
"""ID-card numbers are personal data, like phone numbers."""


CONTROL = InlineRule(
    "content.control",
    ((CONTROL_RE, lambda _m: ""),),
    lambda t: CONTROL_RE.search(t) is not None,
)
"""Control characters and direction marks (U+009B, U+202E …): invisible, never printed."""
