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
    "Stable",
    "apply_rules",
    "apply_rules_stable",
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


# A gate looks at the text only. It used to get the text's character set as well,
# but building a set of a Chinese text allocates a string per character and cost
# more than all the gates together; every test below is on the text itself.
Gate = Callable[[str], bool]


def _always(t: str) -> bool:
    return True


@dataclass(frozen=True)
class InlineRule:
    """An in-line rule. ``gate`` is a cheap test on the text that must pass before
    the (slower) patterns run: most paragraphs skip most rules."""

    id: str
    patterns: tuple[tuple[re.Pattern[str], Callback] | tuple[re.Pattern[str], Callback, Gate], ...]
    gate: Gate = _always

    def active(
        self, text: str, cs: set[str] | None = None
    ) -> list[tuple[re.Pattern[str], Callback]]:
        """The patterns whose gates pass for ``text`` (``cs`` is no longer needed)."""
        if not self.gate(text):
            return []
        return [(p[0], p[1]) for p in self.patterns if len(p) == 2 or p[2](text)]  # type: ignore[misc]


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
    InlineRule("number.fullwidth", ((_c("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"), _fullwidth),),
               lambda t: _FW_GATE.search(t) is not None),
    InlineRule("markup.emphasis", ((_c(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _emphasis),),
               lambda t: "**" in t or "__" in t),
    InlineRule("punct.ellipsis", ((_c(r"\.\.\.+|。。。+|……*|．．．+"), _ellipsis),),
               lambda t: "..." in t or "。。。" in t or "…" in t or "．．．" in t),
    InlineRule("punct.dash", ((_c(r"——*|---*|－－－*|――*"), _dash),), _bad_dash),
    InlineRule(
        "date.form",
        (
            (_c(r"(?<![\d.\-/])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d.\-/])"), _ymd,
             lambda t: ("-" in t or "." in t or "/" in t) and _DIGIT_SEP.search(t) is not None),
            (_c(r"(?<![\d.])0([1-9])(?=月)|(?<=月)0([1-9])(?=[日号])"), lambda m: m.group(m.lastindex or 1),
             _zero_date),
            (_c(r"(?<=月)(\d{1,2})号"), _hao, lambda t: "号" in t),
            (_c(r"(?<![\d月])\d{1,2}号(?=上午|下午|晚上|晚|早上|凌晨|中午|[，,]|至\d)"), _flag,
             lambda t: "号" in t),
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
        lambda t: ("-" in t or "－" in t or "~" in t or "～" in t) and _RANGE_GATE.search(t) is not None,
    ),
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
)  # fmt: skip

FIX_ORDER: tuple[str, ...] = tuple(r.id for r in RULE_LIST)
"""The order the fixer applies the in-line rules in."""

LINT_ONLY: tuple[InlineRule, ...] = (
    InlineRule(
        "date.year_abbrev",
        ((_c(r"[’'‘](\d{2})年|(?<![\d.])(\d{2})年(?=\d{1,2}月|度)"), _flag),),
        _year_abbrev_gate,
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


Plan = list[tuple[str, re.Pattern[str], Callback]]

# A rule set compiled for one set of enabled ids: (rule id, rule gate or None,
# ((pattern, callback, pattern gate or None), ...)), in rule order. Built once per
# rule set and profile, so the hot loops below neither filter nor allocate.
_Compiled = tuple[
    tuple[str, Gate | None, tuple[tuple[re.Pattern[str], Callback, Gate | None], ...]], ...
]
_compiled_cache: dict[tuple[int, frozenset[str]], tuple[object, _Compiled]] = {}


def _compile(rules: Iterable[InlineRule], enabled: frozenset[str]) -> _Compiled:
    key = (id(rules), enabled)
    hit = _compiled_cache.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1]
    out = tuple(
        (
            r.id,
            None if r.gate is _always else r.gate,
            tuple((p[0], p[1], p[2] if len(p) == 3 else None) for p in r.patterns),  # type: ignore[misc]
        )
        for r in rules
        if r.id in enabled
    )
    if isinstance(rules, tuple):  # only stable rule sets are worth keeping
        if len(_compiled_cache) > 64:
            _compiled_cache.clear()
        _compiled_cache[key] = (rules, out)
    return out


def plan(rules: Iterable[InlineRule], text: str, enabled: frozenset[str]) -> Plan:
    """The patterns worth running on any part of ``text``.

    Gates only ask whether a character or substring occurs, so a gate that fails on a
    whole document fails on each of its paragraphs; likewise a pattern with no match in
    the whole document (paragraphs are joined by line breaks, which no pattern spans)
    has none in a paragraph. One search per pattern per document is much cheaper than
    one per paragraph.
    """
    out: Plan = []
    for rule_id, gate, patterns in _compile(rules, enabled):
        if gate is not None and not gate(text):
            continue
        for rx, cb, pgate in patterns:
            if (pgate is None or pgate(text)) and rx.search(text) is not None:
                out.append((rule_id, rx, cb))
    return out


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


def _sub(
    rule_id: str,
    rx: re.Pattern[str],
    cb: Callback,
    text: str,
    rec: Recorder | None,
    count: list[int] | None = None,
) -> str:
    def repl(m: re.Match[str]) -> str:
        res = cb(m)
        if res is None or isinstance(res, _Flag):
            return m.group()
        if res != m.group():
            if rec is not None:
                rec.hits.append(InlineHit(rule_id, m.start(), m.end(), m.group(), res))
            if count is not None:
                count[0] += 1
        return res

    return rx.sub(repl, text)


Stable = tuple[frozenset[re.Pattern[str]], bool]
"""What is known of a text :func:`apply_rules_stable` returned: one round of these
patterns replaces nothing in it; the flag says whether they are every enabled pattern
whose gates pass on it (what an unplanned round would run)."""


def apply_rules(
    text: str, enabled: frozenset[str], rec: Recorder | None = None, planned: Plan | None = None
) -> str:
    """Apply every enabled fixable in-line rule, repeating until nothing changes.

    ``planned`` (from :func:`plan` on the whole document) narrows the first round; a
    round that changes something is always followed by a full one.
    """
    return apply_rules_stable(text, enabled, rec, planned)[0]


def apply_rules_stable(
    text: str, enabled: frozenset[str], rec: Recorder | None = None, planned: Plan | None = None
) -> tuple[str, Stable | None]:
    """:func:`apply_rules`, also telling which patterns are known to leave the result be
    (None when the last round replaced something)."""
    count = [0]
    if planned is not None:
        before = text
        for rule_id, rx, cb in planned:
            text = _sub(rule_id, rx, cb, text, rec, count)
        if text == before:
            stable = None if count[0] else (frozenset(p[1] for p in planned), False)
            return text, stable
    compiled = _compile(RULE_LIST, enabled)
    for _ in range(4):
        before = text
        count[0] = 0
        ran: list[re.Pattern[str]] = []
        for rule_id, gate, patterns in compiled:
            if gate is not None and not gate(text):
                continue
            # Every pattern gate of a rule sees the text as the rule found it.
            active = [(rx, cb) for rx, cb, pgate in patterns if pgate is None or pgate(text)]
            for rx, cb in active:
                ran.append(rx)
                text = _sub(rule_id, rx, cb, text, rec, count)
        if text == before:
            return text, None if count[0] else (frozenset(ran), True)
    return text, None
