"""Linter findings inside one text: a headline, a paragraph, a layout line.

The in-line rules (:mod:`drafter.style.inline_rules`), paired brackets and quotes,
first-person and banned words, line breaks inside a paragraph, and the headline's
own rules (closing punctuation, length). Shared by :func:`drafter.style.lint.lint`
(files) and :func:`drafter.style.lint.lint_brief` (Brief objects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.schemas import Finding, Location
from drafter.style.context import StyleContext
from drafter.style.inline import SP, InlineRule, Plan, find, inside_quoted, plan
from drafter.style.inline_rules import BY_ID, LINT_ONLY, MARKDOWN, RULE_LIST
from drafter.style.rules import RULES

__all__ = [
    "WHITESPACE",
    "Planner",
    "Where",
    "emit",
    "headline_checks",
    "inline_checks",
    "pair_checks",
    "text_checks",
]

_PAIRS = {
    "“": "”",
    "《": "》",
    "（": "）",
    "【": "】",
    "‘": "’",
    "〔": "〕",
    "「": "」",
    "『": "』",
}
_CLOSE = {v: k for k, v in _PAIRS.items()}
_PAIR_CHARS = re.compile("[" + "".join(_PAIRS) + "".join(_CLOSE) + "]")
_HEADLINE_END = re.compile(r"[。，；：、.,;:！？!?]+$")
_HEADLINE_DROP = "。，；：、.,;:"
_STRAY_EMPH = re.compile(r"\*{2,}|_{2,}")
_PAIRED_EMPH = BY_ID["markup.emphasis"].patterns[0][0]
WHITESPACE = re.compile(f"[{SP}\n]")
_NEWLINE = re.compile("\n")

_HEADLINE_RULES = (*RULE_LIST, *LINT_ONLY)
_PARA_RULES = (*RULE_LIST, *LINT_ONLY, MARKDOWN)


class Planner:
    """Per-document plans: which patterns can match anywhere in it, per rule set."""

    def __init__(self, ctx: StyleContext, text: str) -> None:
        self.ctx, self.text = ctx, text
        self.plans: dict[int, Plan] = {}

    def get(self, rules: tuple[InlineRule, ...]) -> Plan:
        got = self.plans.get(id(rules))
        if got is None:
            full = self.plans.get(id(_PARA_RULES))
            if full is None:  # every other rule set is a subset: plan once, filter
                full = self.plans[id(_PARA_RULES)] = plan(_PARA_RULES, self.text, self.ctx.enabled)
            ids = {r.id for r in rules}
            got = self.plans[id(rules)] = [p for p in full if p[0] in ids]
        return got


@dataclass(frozen=True)
class Where:
    """Where a piece of text sits: its paragraph, its first line, its offset."""

    paragraph: int
    line: int | None = None  # file line of the text's first character
    offset: int = 0  # offset of the text inside the paragraph

    def loc(self, text: str, start: int, end: int) -> Location:
        line = None if self.line is None else self.line + text.count("\n", 0, start)
        return Location(
            paragraph=self.paragraph, start=self.offset + start, end=self.offset + end, line=line
        )


def emit(
    out: list[Finding],
    ctx: StyleContext,
    rule_id: str,
    where: Where,
    text: str,
    start: int,
    end: int,
    *,
    replacement: str | None = None,
    message: str | None = None,
    excerpt: str | None = None,
) -> None:
    """A finding of ``rule_id`` at ``text[start:end]``, unless the profile turns the rule off."""
    sev = ctx.severity.get(rule_id, "off")
    if sev == "off":
        return
    out.append(
        Finding(
            rule=rule_id,
            severity=sev,  # type: ignore[arg-type]
            message=message or RULES[rule_id].message,
            location=where.loc(text, start, end),
            excerpt=excerpt if excerpt is not None else text[start:end],
            replacement=replacement,
        )
    )


def inline_checks(
    out: list[Finding],
    ctx: StyleContext,
    rules: tuple[InlineRule, ...],
    text: str,
    where: Where,
    planner: Planner,
) -> None:
    """The in-line rules ``rules`` on ``text``."""
    for h in find(rules, text, ctx.enabled, planner.get(rules)):
        emit(out, ctx, h.rule, where, text, h.start, h.end, replacement=h.after)


def pair_checks(out: list[Finding], ctx: StyleContext, text: str, where: Where) -> None:
    """Brackets and quotes without their partner."""
    stack: list[tuple[str, int]] = []
    for m in _PAIR_CHARS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if stack and stack[-1][0] == _CLOSE[ch]:
                stack.pop()
            else:
                emit(
                    out,
                    ctx,
                    "punct.pair",
                    where,
                    text,
                    i,
                    i + 1,
                    message=f"“{ch}”没有对应的“{_CLOSE[ch]}”",
                )
    for ch, i in stack:
        emit(
            out, ctx, "punct.pair", where, text, i, i + 1, message=f"“{ch}”没有对应的“{_PAIRS[ch]}”"
        )


def _words(out: list[Finding], ctx: StyleContext, text: str, where: Where) -> None:
    """First person outside quotations, banned words and confused words of the profile."""
    p = ctx.profile
    if ctx.first_person is not None and ctx.on("person.first"):
        for m in ctx.first_person.finditer(text):
            if not inside_quoted(text, m.start()):
                emit(
                    out,
                    ctx,
                    "person.first",
                    where,
                    text,
                    m.start(),
                    m.end(),
                    message=f"引文之外使用了第一人称“{m.group()}”，应改为单位简称",
                )
    if p.confused_in_context and ctx.on("words.confused"):
        for word, entry in p.confused_in_context.items():
            good, context = (entry[0], entry[1:]) if entry else ("", [])
            if good and word in text and any(c in text for c in context):
                i = text.index(word)
                emit(out, ctx, "words.confused", where, text, i, i + len(word), replacement=good,
                     message=f"此处讲法治，“{word}”应为“{good}”")  # fmt: skip
    if "截止" in text and ctx.on("words.jiezhi"):
        for m in ctx.jiezhi.finditer(text):
            emit(out, ctx, "words.jiezhi", where, text, m.start(), m.end(), replacement="截至",
                 message="“截止”后接时间，应为“截至”")  # fmt: skip
    if ctx.formulaic is not None and ctx.on("words.formulaic"):
        for m in ctx.formulaic.finditer(text):
            emit(out, ctx, "words.formulaic", where, text, m.start(), m.end(),
                 message=f"套话堆砌：“{m.group()}”，应写具体做法")  # fmt: skip
    for rule_id, rx, table, says in (
        ("words.banned", ctx.banned, p.banned, "本刊不用“{}”，建议改为“{}”"),
        ("words.confused", ctx.confused, p.confused, "“{}”应为“{}”"),
    ):
        if rx is None or not ctx.on(rule_id):
            continue
        for m in rx.finditer(text):
            rep = table[m.group()]
            message = says.format(m.group(), rep)
            emit(
                out, ctx, rule_id, where, text, m.start(), m.end(), replacement=rep, message=message
            )


def text_checks(
    out: list[Finding],
    ctx: StyleContext,
    text: str,
    where: Where,
    planner: Planner,
    *,
    headline: bool,
) -> None:
    """Every per-text rule for a headline or a body paragraph."""
    inline_checks(out, ctx, _HEADLINE_RULES if headline else _PARA_RULES, text, where, planner)
    pair_checks(out, ctx, text, where)
    _words(out, ctx, text, where)
    if not headline and "\n" in text and ctx.on("break.sentence"):
        for m in _NEWLINE.finditer(text):
            emit(
                out,
                ctx,
                "break.sentence",
                where,
                text,
                m.start(),
                m.end(),
                excerpt="⏎",
                message="段落内换行：句子被截断，应连成一行",
            )


def headline_checks(
    out: list[Finding], ctx: StyleContext, text: str, where: Where, planner: Planner
) -> None:
    """Every rule for a headline: the per-text rules, stray emphasis, closing punctuation, length."""
    text_checks(out, ctx, text, where, planner, headline=True)
    plain = _STRAY_EMPH.sub("", text)
    paired = [m.span() for m in _PAIRED_EMPH.finditer(text)]
    for m in _STRAY_EMPH.finditer(text):
        if not any(a <= m.start() < b for a, b in paired):
            emit(out, ctx, "markup.emphasis", where, text, m.start(), m.end(), replacement="")
    tail = _HEADLINE_END.search(_STRAY_EMPH.sub(lambda m: " " * len(m.group()), text).rstrip())
    if tail:
        fixable = all(c in _HEADLINE_DROP for c in tail.group())
        emit(
            out,
            ctx,
            "headline.punct",
            where,
            text,
            tail.start(),
            tail.end(),
            replacement="" if fixable else None,
        )
    n = len(WHITESPACE.sub("", plain))
    lim = ctx.profile.limits
    if n > lim.headline_max or n < lim.headline_min:
        emit(
            out,
            ctx,
            "headline.length",
            where,
            text,
            0,
            len(text),
            excerpt=text,
            message=f"标题 {n} 字，应在 {lim.headline_min}—{lim.headline_max} 字之间",
        )
