"""In-line rules: patterns inside one paragraph, shared by the linter and the fixer.

Each :class:`InlineRule` is a list of compiled patterns with a callback. The linter
runs ``finditer`` on the original text and reports every match whose callback does
not return ``None``; the fixer runs ``sub`` with the same callbacks, so what is
reported as fixable is exactly what gets fixed. A callback returns the replacement,
:data:`FLAG` (a finding with no safe fix: the text is left alone) or ``None`` (not a
problem in this context).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "CJK",
    "FIX_ORDER",
    "FLAG",
    "HAN",
    "InlineHit",
    "InlineRule",
    "Recorder",
    "apply_rules",
    "find",
    "inside_quoted",
    "plan",
]

# Character classes (as regex fragments). HAN: Chinese characters; CJKP: Chinese
# punctuation; CJK: either, i.e. "Chinese context".
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJKP = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—…·～"
CJK = HAN + CJKP
SP = " \t\u3000\u00a0"
_HAN_RE = re.compile(f"[{HAN}]")
_CJK_CH = re.compile(f"[{CJK}]")


class _Flag:
    def __repr__(self) -> str:
        return "FLAG"


FLAG = _Flag()
"""Callback result: a problem with no safe mechanical fix."""

Result = str | _Flag | None
Callback = Callable[[re.Match[str]], Result]


Gate = Callable[[str, set[str]], bool]


def _always(t: str, cs: set[str]) -> bool:
    return True


@dataclass(frozen=True)
class InlineRule:
    """An in-line rule. ``gate`` is a cheap test on the text and its character set
    that must pass before the (slower) patterns run: most paragraphs skip most rules."""

    id: str
    patterns: tuple[tuple[re.Pattern[str], Callback] | tuple[re.Pattern[str], Callback, Gate], ...]
    gate: Gate = _always

    def active(self, text: str, cs: set[str]) -> list[tuple[re.Pattern[str], Callback]]:
        """The patterns whose gates pass for ``text`` (character set ``cs``)."""
        if not self.gate(text, cs):
            return []
        return [(p[0], p[1]) for p in self.patterns if len(p) == 2 or p[2](text, cs)]  # type: ignore[misc]


@dataclass(frozen=True)
class InlineHit:
    rule: str
    start: int
    end: int
    before: str
    after: str | None  # None: no safe fix


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


def inside_quoted(s: str, pos: int) -> bool:
    """Whether ``pos`` lies inside 《…》 or “…” (original wording is kept there)."""
    head = s[:pos]
    return head.count("《") > head.count("》") or head.count("“") > head.count("”")


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


_FW_CHARS = frozenset(
    chr(c) for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)
)
_HALF = frozenset(',;:!?.()"')
_DOUBLES = ("，，", "、、", "；；", "：：", "！！", "？？", "。。")


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_S = f"[{SP}]"
_ALNUM = "A-Za-z0-9%‰℃"


def _digits(t: str) -> int:
    return sum(t.count(d) for d in "0123456789")


def _zero_date(t: str, cs: set[str]) -> bool:
    return "0" in cs and "月" in cs and ("月0" in t or any(f"0{d}月" in t for d in "123456789"))


def _bad_dash(t: str, cs: set[str]) -> bool:
    if "--" in t or "－－" in t or "―" in cs:
        return True
    n = t.count("—")
    return n != 2 * t.count("——") or "———" in t


_EMOJI_BMP = frozenset(
    [chr(c) for c in range(0x2600, 0x27C0)] + ["\u2b50", "\u2b55", "\ufe0f", "\u200d"]
)


def _emoji(t: str, cs: set[str]) -> bool:
    return bool(cs) and (not cs.isdisjoint(_EMOJI_BMP) or max(cs) >= "\U0001f000")


_BOILER = ("供稿", "撰稿", "通讯员", "联系人", "联系电话", "报送单位", "来源", "摄影", "审稿")
_YEAR_DIGIT = re.compile(r"年\d")
_DIGIT_SEP = re.compile(r"\d[-./]\d")
_RANGE_GATE = re.compile(r"\d[-－~～]")

RULE_LIST: tuple[InlineRule, ...] = (
    InlineRule("number.fullwidth", ((_c("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"), _fullwidth),),
               lambda t, cs: not cs.isdisjoint(_FW_CHARS)),
    InlineRule("markup.emphasis", ((_c(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _emphasis),),
               lambda t, cs: "**" in t or "__" in t),
    InlineRule("punct.ellipsis", ((_c(r"\.\.\.+|。。。+|……*|．．．+"), _ellipsis),),
               lambda t, cs: "..." in t or "。。。" in t or "…" in cs or "．．．" in t),
    InlineRule("punct.dash", ((_c(r"——*|---*|－－－*|――*"), _dash),), _bad_dash),
    InlineRule(
        "date.form",
        (
            (_c(r"(?<![\d.\-/])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d.\-/])"), _ymd,
             lambda t, cs: not cs.isdisjoint("-./") and _DIGIT_SEP.search(t) is not None),
            (_c(r"(?<![\d.])0([1-9])(?=月)|(?<=月)0([1-9])(?=[日号])"), lambda m: m.group(m.lastindex or 1),
             _zero_date),
            (_c(r"(?<=月)(\d{1,2})号"), _hao, lambda t, cs: "号" in cs),
            (_c(r"(?<![\d月])\d{1,2}号(?=上午|下午|晚上|晚|早上|凌晨|中午|[，,]|至\d)"), _flag,
             lambda t, cs: "号" in cs),
        ),
    ),
    InlineRule(
        "number.range",
        (
            (_c(r"(?<![\d.])(\d{4})[-－~][ ]?(\d{4})(?=年)"), _year_range),
            (_c(r"(?<![\d.%])(\d+(?:\.\d+)?)([-－~～])(\d+(?:\.\d+)?)%"), _pct_range),
            (_c(r"(?<![\d.])(\d+(?:\.\d+)?%)[-－~](\d+(?:\.\d+)?%)"), _tilde_range),
            (_c(r"(?<![\d.\-/])(\d{1,3}(?:\.\d+)?)[-－~](\d{1,3}(?:\.\d+)?)(?=[个人名家项次天万亿元米吨岁件所场届条])"),
             _tilde_range),
        ),
        lambda t, cs: not cs.isdisjoint("-－~～") and _RANGE_GATE.search(t) is not None,
    ),
    InlineRule("punct.halfwidth", ((_c(r'[,;:!?.()"]'), _halfwidth),), lambda t, cs: not cs.isdisjoint(_HALF)),
    InlineRule(
        "space.cjk",
        ((_c(f"{_S}(?:(?<=[{HAN}]{_S}){_S}*(?=[{_ALNUM}])|(?<=[{_ALNUM}]{_S}){_S}*(?=[{HAN}]))"), _drop),),
        lambda t, cs: not cs.isdisjoint(SP),
    ),
    InlineRule(
        "space.extra",
        (
            (_c(f"{_S}(?<=[{HAN}]{_S}){_S}*(?=[{HAN}])"), _drop_unquoted),
            (_c(f"{_S}(?:{_S}*(?=[{CJKP}])|(?<=[{CJKP}]{_S}){_S}*)"), _drop),
            (_c(f"^{_S}+|{_S}+$", re.M), _drop),
            (_c(f"(?<=[A-Za-z0-9]){_S}{{2,}}(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])[\u3000\u00a0\t](?=[A-Za-z0-9])"),
             _one_space, lambda t, cs: "  " in t or not cs.isdisjoint("\u3000\u00a0\t")),
        ),
        lambda t, cs: not cs.isdisjoint(SP),
    ),
    InlineRule("punct.repeat", ((_c(r"([，、；：！？])\1+|(?<!。)(。)。(?!。)"), lambda m: m.group(m.lastindex or 1)),),
               lambda t, cs: any(d in t for d in _DOUBLES)),
)  # fmt: skip

FIX_ORDER: tuple[str, ...] = tuple(r.id for r in RULE_LIST)
"""The order the fixer applies the in-line rules in."""

LINT_ONLY: tuple[InlineRule, ...] = (
    InlineRule(
        "date.year_abbrev",
        ((_c(r"[’'‘](\d{2})年|(?<![\d.])(\d{2})年(?=\d{1,2}月|度)"), _flag),),
        lambda t, cs: "年" in cs and (not cs.isdisjoint("’'‘度") or _YEAR_DIGIT.search(t) is not None),
    ),
    InlineRule(
        "content.url",
        ((_c(r"(?:https?|ftp)://[^\s，。；、）)》”]+|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s，。；、）)》”]*"), _flag),),
        lambda t, cs: "://" in t or "www." in t,
    ),
    InlineRule("content.email", ((_c(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), _flag),),
               lambda t, cs: "@" in cs),
    InlineRule(
        "content.phone",
        ((_c(r"\d(?<![\d.\-]\d)(?<=[01234])(?:(?<=1)[3-9]\d{9}|(?<=0)\d{2,3}[-－ ]?\d{7,8}|(?<=4)00-?\d{3}-?\d{4})(?![\d.])|\d(?<![\d.\-]\d)\d{3}-\d{4}-\d{3,4}(?![\d.])"), _flag),),
        lambda t, cs: _digits(t) >= 10,
    ),
    InlineRule("content.emoji", ((_c("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\ufe0f\u200d]+"), _flag),), _emoji),
    InlineRule(
        "markup.html",
        ((_c(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:nbsp|amp|lt|gt|quot|ensp|emsp|#\d+);"), _flag),),
        lambda t, cs: "<" in cs or "&" in cs,
    ),
    InlineRule(
        "content.caption",
        ((_c(r"(?:^|(?<=[。！？）\n]))[（(]?(?:图为|图片为|[上下左右]图为|图\d*[：:])"), _flag),),
        lambda t, cs: "图" in cs,
    ),
    InlineRule(
        "content.boilerplate",
        ((_c(f"(?<![{HAN}])(?:{'|'.join(_BOILER)})(?:单位)?{_S}*[：:]"), _flag),),
        lambda t, cs: ("：" in cs or ":" in cs) and any(w in t for w in _BOILER),
    ),
)  # fmt: skip

MARKDOWN = InlineRule(
    "markup.markdown",
    (
        (_c(r"^[ \t]*(?:[-*+][ \t]|\d{1,2}[.)][ \t]|#{1,6}[ \t]|>[ \t]?)", re.M), _flag),
        (_c(r"!?\[[^\]\n]+\]\([^)\n]+\)|`[^`\n]+`"), _flag, lambda t, cs: "`" in cs or "](" in t),
    ),
)

BY_ID: dict[str, InlineRule] = {r.id: r for r in (*RULE_LIST, *LINT_ONLY, MARKDOWN)}


Plan = list[tuple[str, re.Pattern[str], Callback]]


def plan(rules: Iterable[InlineRule], text: str, enabled: frozenset[str]) -> Plan:
    """The patterns worth running on any part of ``text``.

    Gates only ask whether a character or substring occurs, so a gate that fails on a
    whole document fails on each of its paragraphs; likewise a pattern with no match in
    the whole document (paragraphs are joined by line breaks, which no pattern spans)
    has none in a paragraph. One search per pattern per document is much cheaper than
    one per paragraph.
    """
    cs = set(text)
    return [
        (r.id, rx, cb)
        for r in rules
        if r.id in enabled
        for rx, cb in r.active(text, cs)
        if rx.search(text) is not None
    ]


def find(
    rules: Iterable[InlineRule], text: str, enabled: frozenset[str], planned: Plan | None = None
) -> list[InlineHit]:
    """Every problem the given rules see in ``text`` (spans refer to ``text``)."""
    out: list[InlineHit] = []
    for rule_id, rx, cb in planned if planned is not None else plan(rules, text, enabled):
        for m in rx.finditer(text):
            res = cb(m)
            if res is None or res == m.group():
                continue
            after = None if isinstance(res, _Flag) else res
            out.append(InlineHit(rule_id, m.start(), m.end(), m.group(), after))
    return out


class Recorder:
    """Collects the changes the fixer makes (rule id, span in the step's input, before, after)."""

    def __init__(self) -> None:
        self.hits: list[InlineHit] = []


def _sub(rule_id: str, rx: re.Pattern[str], cb: Callback, text: str, rec: Recorder | None) -> str:
    def repl(m: re.Match[str]) -> str:
        res = cb(m)
        if res is None or isinstance(res, _Flag):
            return m.group()
        if rec is not None and res != m.group():
            rec.hits.append(InlineHit(rule_id, m.start(), m.end(), m.group(), res))
        return res

    return rx.sub(repl, text)


def apply_rules(
    text: str, enabled: frozenset[str], rec: Recorder | None = None, planned: Plan | None = None
) -> str:
    """Apply every enabled fixable in-line rule, repeating until nothing changes.

    ``planned`` (from :func:`plan` on the whole document) narrows the first round; a
    round that changes something is always followed by a full one.
    """
    if planned is not None:
        before = text
        for rule_id, rx, cb in planned:
            text = _sub(rule_id, rx, cb, text, rec)
        if text == before:
            return text
    for _ in range(4):
        before = text
        cs = set(text)
        for r in RULE_LIST:
            if r.id in enabled:
                for rx, cb in r.active(text, cs):
                    new = _sub(r.id, rx, cb, text, rec)
                    if new != text:
                        text = new
                        cs = set(text)
        if text == before:
            break
    return text
