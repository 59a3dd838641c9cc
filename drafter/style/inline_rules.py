"""The house style's in-line rules: what each pattern matches and what a match becomes.

``RULE_LIST`` holds the rules the fixer applies, in the order it applies them;
``LINT_ONLY`` and ``MARKDOWN`` are only reported. Each rule has a cheap gate, so most
paragraphs skip most rules. How rules run: :mod:`drafter.style.inline`.
"""

from __future__ import annotations

import re

from drafter.style.inline import CJK, CJKP, FLAG, HAN, SP, InlineRule, Result, inside_quoted
from drafter.style.inline_print import (
    BEFORE_DENG,
    CONTROL,
    DATE_NUMERALS,
    DECIMAL,
    ID_CARD,
    LIST_NUMBER,
    RANGE_UNIT,
    YEAR_ABBREV_MORE,
)
from drafter.text.lexicon import DAY_PARTS_NUMBERED, alternation

__all__ = ["BY_ID", "FIX_ORDER", "LINT_ONLY", "MARKDOWN", "RULE_LIST"]

_HAN_RE = re.compile(f"[{HAN}]")
_CJK_CH = re.compile(f"[{CJK}]")


def _is_han(ch: str) -> bool:
    return bool(ch) and _HAN_RE.match(ch) is not None


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CH.match(ch) is not None


def _left(s: str, i: int, skip: str = SP) -> str:
    """The nearest character before index ``i`` not in ``skip`` ('' at the start)."""
    i -= 1
    while i >= 0 and s[i] in skip:
        i -= 1
    return s[i] if i >= 0 else ""


def _right(s: str, i: int, skip: str = SP) -> str:
    """The nearest character at or after index ``i`` not in ``skip`` ('' at the end)."""
    n = len(s)
    while i < n and s[i] in skip:
        i += 1
    return s[i] if i < n else ""


# -- full-width digits and letters -----------------------------------------------------
def _fullwidth(m: re.Match[str]) -> Result:
    return "".join(chr(ord(c) - 0xFEE0) for c in m.group())


# -- markdown emphasis -------------------------------------------------------------------
def _emphasis(m: re.Match[str]) -> Result:
    return m.group(2)


# -- ellipsis and dash -------------------------------------------------------------------
def _ellipsis(m: re.Match[str]) -> Result:
    text = m.group()
    if text == "……":
        return None
    if text[0] == "." and not (
        _is_cjk(_left(m.string, m.start())) or _is_cjk(_right(m.string, m.end()))
    ):
        return None  # "..." in Latin context
    return "……"


def _dash(m: re.Match[str]) -> Result:
    s, text = m.string, m.group()
    if text == "——":
        return None
    before = s[m.start() - 1] if m.start() else ""
    after = s[m.end()] if m.end() < len(s) else ""
    if text == "—" and (before.isdigit() or after.isdigit()):
        return None  # 2026—2027年, 5月8日—10日: a range (一字线), not a dash
    if not (
        _is_han(before)
        or _is_han(after)
        or (before and before in "”）》")
        or (after and after in "“（《")
    ):
        return None
    return "——"


# -- half-width punctuation --------------------------------------------------------------
_RUN = SP + ",;:!?"
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def _paren_partner(s: str, i: int) -> int:
    """Index of the half-width paren paired with the one at ``i``, or -1."""
    if s[i] == "(":
        j = i + 1
        while j < len(s) and j - i <= 80:
            if s[j] == ")":
                return j
            if s[j] in "(\n":
                return -1
            j += 1
        return -1
    j = i - 1
    while j >= 0 and i - j <= 80:
        if s[j] == "(":
            return j
        if s[j] in ")\n":
            return -1
        j -= 1
    return -1


def _halfwidth(m: re.Match[str]) -> Result:
    s, i, ch = m.string, m.start(), m.group()
    if ch in "()":
        j = _paren_partner(s, i)
        if j >= 0:
            o, c = min(i, j), max(i, j)
            chinese = (
                _is_cjk(_left(s, o))
                or _is_cjk(_right(s, c + 1))
                or _HAN_RE.search(s, o + 1, c) is not None
            )
        else:
            chinese = _is_cjk(_left(s, i)) or _is_cjk(_right(s, i + 1))
        return _FULL[ch] if chinese else None
    if ch == '"':
        if _HAN_RE.search(s) is None:
            return None
        n = s.count('"')
        if n % 2:
            return FLAG  # unbalanced: pairing them up would be a guess
        return "“" if s.count('"', 0, i) % 2 == 0 else "”"
    # A run like ",,:" takes its context from what surrounds the whole run.
    left, right = _left(s, i, _RUN), _right(s, i + 1, _RUN)
    if ch == ".":
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if nxt == "." or not _is_han(prev):
            return None  # "..." is the ellipsis rule's
        return "。" if not (right.isascii() and right.isalnum()) else None
    if left.isdigit() and right.isdigit():
        return None  # 3,000 / 10:30
    return _FULL[ch] if (_is_cjk(left) or _is_cjk(right)) else None


# -- spaces -------------------------------------------------------------------------------
def _drop(m: re.Match[str]) -> Result:
    return ""


def _drop_unquoted(m: re.Match[str]) -> Result:
    return None if inside_quoted(m.string, m.start()) else ""


def _one_space(m: re.Match[str]) -> Result:
    return " "


# -- repeated punctuation -------------------------------------------------------------------
def _repeat(m: re.Match[str]) -> Result:
    return m.group(1)


# -- dates -----------------------------------------------------------------------------------
def _ymd(m: re.Match[str]) -> Result:
    y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2999):
        return None
    return f"{y}年{mo}月{d}日"


def _zero(m: re.Match[str]) -> Result:
    return m.group(1)


def _hao(m: re.Match[str]) -> Result:
    return m.group(1) + "日"


def _flag(m: re.Match[str]) -> Result:
    return FLAG


# -- number ranges ---------------------------------------------------------------------------
def _year_range(m: re.Match[str]) -> Result:
    return f"{m.group(1)}—{m.group(2)}"


def _pct_range(m: re.Match[str]) -> Result:
    return f"{m.group(1)}%～{m.group(3)}%"


def _tilde_range(m: re.Match[str]) -> Result:
    return f"{m.group(1)}～{m.group(2)}"


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_S = f"[{SP}]"
_ALNUM = "A-Za-z0-9%‰℃"


def _digits(t: str) -> int:
    return sum(map(t.count, "0123456789"))


def _zero_date(t: str) -> bool:
    return "0" in t and "月" in t and ("月0" in t or _ZERO_MONTH.search(t) is not None)


def _bad_dash(t: str) -> bool:
    if "--" in t or "－－" in t or "―" in t:
        return True
    n = t.count("—")
    return n != 2 * t.count("——") or "———" in t


# The emoji of the Basic Multilingual Plane (U+2600–27BF and a few more), or anything
# from U+1F000 up.
_EMOJI_GATE = re.compile("[\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d\U0001f000-\U0010ffff]")


def _emoji(t: str) -> bool:
    return _EMOJI_GATE.search(t) is not None


_BOILER = ("供稿", "撰稿", "通讯员", "联系人", "联系电话", "报送单位", "来源", "摄影", "审稿")
_YEAR_DIGIT = re.compile(r"年\d")
# Both year_abbrev patterns need two digits before 年; as a literal-led search it
# costs a twentieth of searching the pattern itself.
_TWO_DIGIT_YEAR = re.compile(r"年(?<=\d\d年)")


def _year_abbrev_gate(t: str) -> bool:
    return (
        "年" in t
        and ("’" in t or "'" in t or "‘" in t or "度" in t or _YEAR_DIGIT.search(t) is not None)
        and _TWO_DIGIT_YEAR.search(t) is not None
    )


def _year_abbrev_any(t: str) -> bool:
    """Any form of an abbreviated year could be in ``t`` (cheap tests first)."""
    return (
        "年" in t
        and (
            "’" in t or "'" in t or "‘" in t or "度" in t or "年底" in t or "年末" in t
            or "年初" in t or "半年" in t or "截至" in t or "截止" in t
            or _YEAR_DIGIT.search(t) is not None
            or (("-" in t or "－" in t or "—" in t or "～" in t or "~" in t) and "年" in t)
        )
        and _TWO_DIGIT_YEAR.search(t) is not None
    )  # fmt: skip


# Character-class gates as searches (same answers as intersecting the text's set).
_FW_GATE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_HALF_GATE = re.compile(r'[,;:!?.()"]')


_ZERO_MONTH = re.compile("0[1-9]月")


# Gates written out as chains of ``in``: the fastest test on short texts.
def _has_space(t: str) -> bool:
    return " " in t or "\t" in t or "\u3000" in t or "\u00a0" in t  # SP


def _doubled(t: str) -> bool:
    return (
        "，，" in t or "、、" in t or "；；" in t or "：：" in t or "！！" in t or "？？" in t
        or "。。" in t
    )  # fmt: skip


_DIGIT_SEP = re.compile(r"\d[-./]\d")
_RANGE_GATE = re.compile(r"\d[-－~～]")

RULE_LIST: tuple[InlineRule, ...] = (
    CONTROL,  # first: later rules must not see invisible characters
    InlineRule("number.fullwidth", ((_c("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"), _fullwidth),),
               lambda t: _FW_GATE.search(t) is not None),
    InlineRule("markup.emphasis", ((_c(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _emphasis),),
               lambda t: "**" in t or "__" in t),
    LIST_NUMBER,
    InlineRule("punct.ellipsis", ((_c(r"\.\.\.+|。。。+|……*|．．．+"), _ellipsis),),
               lambda t: "..." in t or "。。。" in t or "…" in t or "．．．" in t),
    InlineRule("punct.dash", ((_c(r"——*|---*|－－－*|――*"), _dash),), _bad_dash),
    DATE_NUMERALS,
    InlineRule(
        "date.form",
        (
            (_c(r"(?<![\d.\-/])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d.\-/])"), _ymd,
             lambda t: ("-" in t or "." in t or "/" in t) and _DIGIT_SEP.search(t) is not None),
            (_c(r"(?<![\d.])0([1-9])(?=月)|(?<=月)0([1-9])(?=[日号])"), lambda m: m.group(m.lastindex or 1),
             _zero_date),
            (_c(r"(?<=月)(\d{1,2})号"), _hao, lambda t: "号" in t),
            (_c(rf"(?<![\d月])\d{{1,2}}号(?={alternation(DAY_PARTS_NUMBERED)}|[，,]|至\d)"), _flag,
             lambda t: "号" in t),
        ),
    ),
    InlineRule(
        "number.range",
        (
            (_c(r"(?<![\d.])(\d{4})[-－~][ ]?(\d{4})(?=年)"), _year_range),
            RANGE_UNIT,
            (_c(r"(?<![\d.%])(\d+(?:\.\d+)?)([-－~～])(\d+(?:\.\d+)?)%"), _pct_range),
            (_c(r"(?<![\d.])(\d+(?:\.\d+)?%)[-－~](\d+(?:\.\d+)?%)"), _tilde_range),
            (_c(r"(?<![\d.\-/])(\d{1,3}(?:\.\d+)?)[-－~](\d{1,3}(?:\.\d+)?)(?=[个人名家项次天万亿元米吨岁件所场届条])"),
             _tilde_range),
        ),
        lambda t: ("-" in t or "－" in t or "~" in t or "～" in t) and _RANGE_GATE.search(t) is not None,
    ),
    DECIMAL,
    InlineRule("punct.halfwidth", ((_c(r'[,;:!?.()"]'), _halfwidth),), lambda t: _HALF_GATE.search(t) is not None),
    InlineRule(
        "space.cjk",
        ((_c(f"{_S}(?:(?<=[{HAN}]{_S}){_S}*(?=[{_ALNUM}])|(?<=[{_ALNUM}]{_S}){_S}*(?=[{HAN}]))"), _drop),),
        _has_space,
    ),
    InlineRule(
        "space.extra",
        (
            (_c(f"{_S}(?<=[{HAN}]{_S}){_S}*(?=[{HAN}])"), _drop_unquoted),
            (_c(f"{_S}(?:{_S}*(?=[{CJKP}])|(?<=[{CJKP}]{_S}){_S}*)"), _drop),
            (_c(f"^{_S}+|{_S}+$", re.M), _drop),
            (_c(f"(?<=[A-Za-z0-9]){_S}{{2,}}(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])[\u3000\u00a0\t](?=[A-Za-z0-9])"),
             _one_space, lambda t: "  " in t or "\u3000" in t or "\u00a0" in t or "\t" in t),
        ),
        _has_space,
    ),
    InlineRule("punct.repeat", ((_c(r"([，、；：！？])\1+|(?<!。)(。)。(?!。)"), lambda m: m.group(m.lastindex or 1)),),
               _doubled),
    BEFORE_DENG,
)  # fmt: skip

FIX_ORDER: tuple[str, ...] = tuple(r.id for r in RULE_LIST)
"""The order the fixer applies the in-line rules in."""

LINT_ONLY: tuple[InlineRule, ...] = (
    InlineRule(
        "date.year_abbrev",
        (
            (_c(r"[’'‘](\d{2})年|(?<![\d.])(\d{2})年(?=\d{1,2}月|度)"), _flag, _year_abbrev_gate),
            *YEAR_ABBREV_MORE,
        ),
        _year_abbrev_any,
    ),
    InlineRule(
        "content.url",
        ((_c(r"(?:https?|ftp)://[^\s，。；、）)》”]+|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s，。；、）)》”]*"), _flag),),
        lambda t: "://" in t or "www." in t,
    ),
    InlineRule("content.email", ((_c(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), _flag),),
               lambda t: "@" in t),
    InlineRule(
        "content.phone",
        ((_c(r"\d(?<![\d.\-]\d)(?<=[01234])(?:(?<=1)[3-9]\d{9}|(?<=0)\d{2,3}[-－ ]?\d{7,8}|(?<=4)00-?\d{3}-?\d{4})(?![\d.])|\d(?<![\d.\-]\d)\d{3}-\d{4}-\d{3,4}(?![\d.])"), _flag),),
        lambda t: _digits(t) >= 10,
    ),
    ID_CARD,
    InlineRule("content.emoji", ((_c("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d]+"), _flag),), _emoji),
    InlineRule(
        "markup.html",
        ((_c(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:nbsp|amp|lt|gt|quot|ensp|emsp|#\d+);"), _flag),),
        lambda t: "<" in t or "&" in t,
    ),
    InlineRule(
        "content.caption",
        ((_c(r"(?:^|(?<=[。！？）\n]))[（(]?(?:图为|图片为|[上下左右]图为|图\d*[：:])"), _flag),),
        lambda t: "图" in t,
    ),
    InlineRule(
        "content.boilerplate",
        ((_c(f"(?<![{HAN}])(?:{'|'.join(_BOILER)})(?:单位)?{_S}*[：:]"), _flag),),
        lambda t: ("：" in t or ":" in t) and any(w in t for w in _BOILER),
    ),
)  # fmt: skip

MARKDOWN = InlineRule(
    "markup.markdown",
    (
        (_c(r"^[ \t]*(?:[-*+][ \t]|\d{1,2}[.)][ \t]|#{1,6}[ \t]|>[ \t]?)", re.M), _flag),
        (_c(r"!?\[[^\]\n]+\]\([^)\n]+\)|`[^`\n]+`"), _flag, lambda t: "`" in t or "](" in t),
    ),
)

BY_ID: dict[str, InlineRule] = {r.id: r for r in (*RULE_LIST, *LINT_ONLY, MARKDOWN)}
