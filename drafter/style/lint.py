"""The linter: house-style findings for a text file (brief or issue) or a Brief object.

Locations: for a file, ``paragraph`` is the blank-line separated block and ``line``
the 1-based file line; for a :class:`~drafter.schemas.Brief`, ``paragraph`` -1 is the
headline and 0.. the body paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Location
from drafter.style.context import StyleContext, context_for
from drafter.style.document import (
    Block,
    BriefBlocks,
    attr_tail,
    ends_sentence,
    parse_document,
)
from drafter.style.inline import (
    BY_ID,
    LINT_ONLY,
    MARKDOWN,
    RULE_LIST,
    SP,
    InlineRule,
    Plan,
    find,
    inside_quoted,
    plan,
)
from drafter.style.rules import RULES

__all__ = ["lint", "lint_brief"]

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
_LEAD_DATE = re.compile(
    rf"^(?:为[^。；\n]{{1,120}}?[，,][{SP}]*)?"
    rf"(?:\d{{4}}[{SP}]*年[{SP}]*)?\d{{1,2}}[{SP}]*月[{SP}]*\d{{1,2}}[{SP}]*[日号]"
    rf"(?:[{SP}]*[至到—～~-][{SP}]*(?:\d{{1,2}}[{SP}]*月[{SP}]*)?\d{{1,2}}[{SP}]*[日号])?"
    r"(?:上午|下午|晚上|晚间|晚|早上|中午|凌晨|夜间)?"
    rf"[{SP}]*[，,]"
)
_HAN_RE = re.compile("[\u3400-\u9fff]")
_WS = re.compile(f"[{SP}\n]")
_NEWLINE = re.compile("\n")

_LAYOUT_NO_EXTRA = tuple(r for r in RULE_LIST if r.id != "space.extra")
_HEADLINE_RULES = (*RULE_LIST, *LINT_ONLY)
_PARA_RULES = (*RULE_LIST, *LINT_ONLY, MARKDOWN)


class _Planner:
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
class _Where:
    """Where a piece of text sits: its paragraph, its first line, its offset."""

    paragraph: int
    line: int | None = None  # file line of the text's first character
    offset: int = 0  # offset of the text inside the paragraph

    def loc(self, text: str, start: int, end: int) -> Location:
        line = None if self.line is None else self.line + text.count("\n", 0, start)
        return Location(
            paragraph=self.paragraph, start=self.offset + start, end=self.offset + end, line=line
        )


def _emit(
    out: list[Finding],
    ctx: StyleContext,
    rule_id: str,
    where: _Where,
    text: str,
    start: int,
    end: int,
    *,
    replacement: str | None = None,
    message: str | None = None,
    excerpt: str | None = None,
) -> None:
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


def _inline(
    out: list[Finding],
    ctx: StyleContext,
    rules: tuple[InlineRule, ...],
    text: str,
    where: _Where,
    planner: _Planner,
) -> None:
    for h in find(rules, text, ctx.enabled, planner.get(rules)):
        _emit(out, ctx, h.rule, where, text, h.start, h.end, replacement=h.after)


def _pairs(out: list[Finding], ctx: StyleContext, text: str, where: _Where) -> None:
    stack: list[tuple[str, int]] = []
    for m in _PAIR_CHARS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if stack and stack[-1][0] == _CLOSE[ch]:
                stack.pop()
            else:
                _emit(
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
        _emit(
            out, ctx, "punct.pair", where, text, i, i + 1, message=f"“{ch}”没有对应的“{_PAIRS[ch]}”"
        )


def _words(out: list[Finding], ctx: StyleContext, text: str, where: _Where) -> None:
    p = ctx.profile
    if ctx.first_person is not None and ctx.on("person.first"):
        for m in ctx.first_person.finditer(text):
            if not inside_quoted(text, m.start()):
                _emit(
                    out,
                    ctx,
                    "person.first",
                    where,
                    text,
                    m.start(),
                    m.end(),
                    message=f"引文之外使用了第一人称“{m.group()}”，应改为单位简称",
                )
    if ctx.banned is not None and ctx.on("words.banned"):
        for m in ctx.banned.finditer(text):
            rep = p.banned[m.group()]
            _emit(
                out,
                ctx,
                "words.banned",
                where,
                text,
                m.start(),
                m.end(),
                replacement=rep,
                message=f"本刊不用“{m.group()}”，建议改为“{rep}”",
            )
    if ctx.confused is not None and ctx.on("words.confused"):
        for m in ctx.confused.finditer(text):
            rep = p.confused[m.group()]
            _emit(
                out,
                ctx,
                "words.confused",
                where,
                text,
                m.start(),
                m.end(),
                replacement=rep,
                message=f"“{m.group()}”应为“{rep}”",
            )


def _text_rules(
    out: list[Finding],
    ctx: StyleContext,
    text: str,
    where: _Where,
    planner: _Planner,
    *,
    headline: bool,
) -> None:
    """Every per-text rule for a headline or a body paragraph."""
    _inline(out, ctx, _HEADLINE_RULES if headline else _PARA_RULES, text, where, planner)
    _pairs(out, ctx, text, where)
    _words(out, ctx, text, where)
    if not headline and "\n" in text and ctx.on("break.sentence"):
        for m in _NEWLINE.finditer(text):
            _emit(
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


def _headline_rules(
    out: list[Finding], ctx: StyleContext, text: str, where: _Where, planner: _Planner
) -> None:
    _text_rules(out, ctx, text, where, planner, headline=True)
    plain = _STRAY_EMPH.sub("", text)
    paired = [m.span() for m in _PAIRED_EMPH.finditer(text)]
    for m in _STRAY_EMPH.finditer(text):
        if not any(a <= m.start() < b for a, b in paired):
            _emit(out, ctx, "markup.emphasis", where, text, m.start(), m.end(), replacement="")
    tail = _HEADLINE_END.search(_STRAY_EMPH.sub(lambda m: " " * len(m.group()), text).rstrip())
    if tail:
        fixable = all(c in _HEADLINE_DROP for c in tail.group())
        _emit(
            out,
            ctx,
            "headline.punct",
            where,
            text,
            tail.start(),
            tail.end(),
            replacement="" if fixable else None,
        )
    n = len(_WS.sub("", plain))
    lim = ctx.profile.limits
    if n > lim.headline_max or n < lim.headline_min:
        _emit(
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


@dataclass
class _Attr:
    name: str
    where: _Where
    text: str  # the paragraph text the attribution is in
    start: int
    end: int
    well_formed: bool


def _find_attr(ctx: StyleContext, text: str, where: _Where) -> _Attr | None:
    m = attr_tail(text)
    if not m:
        return None
    head = text[: m.start()].rstrip(SP)
    name = m.group(2)
    if not _HAN_RE.search(name):
        return None  # attributions are Chinese names; "(2023)" is not one
    if not (head and head[-1] in "。！？…”’）)]】.!?") and ctx.resolve_org(name) is None:
        return None
    well = m.group() == f"（{name}）"
    return _Attr(name, where, text, m.start(), m.end(), well)


def _attribution_checks(
    out: list[Finding],
    ctx: StyleContext,
    attr: _Attr | None,
    *,
    lead: bool | None,
    last: tuple[str, _Where],
    expected: str | None = None,
) -> None:
    text, where = last
    end = len(text)
    if attr is None:
        if lead is None:
            _emit(out, ctx, "attribution.assumed_lead", where, text, end, end, excerpt="")
        elif not lead:
            _emit(out, ctx, "attribution.missing", where, text, end, end, excerpt="")
        return
    if lead:
        _emit(
            out,
            ctx,
            "attribution.lead",
            attr.where,
            attr.text,
            attr.start,
            attr.end,
            replacement="",
            message=f"头条稿件不加来源署名：（{attr.name}）",
        )
        return
    if not attr.well_formed:
        _emit(
            out,
            ctx,
            "attribution.form",
            attr.where,
            attr.text,
            attr.start,
            attr.end,
            replacement=f"（{attr.name}）",
        )
    match = ctx.resolve_org(attr.name)
    want = expected
    if want is None and match is not None and match.short != attr.name:
        want = match.short
    if want is not None and want != attr.name:
        _emit(
            out,
            ctx,
            "attribution.name",
            attr.where,
            attr.text,
            attr.start,
            attr.end,
            replacement=f"（{want}）",
            message=f"来源署名应为“{want}”，而不是“{attr.name}”",
        )
    elif match is None and expected is None:
        _emit(
            out,
            ctx,
            "attribution.unknown",
            attr.where,
            attr.text,
            attr.start,
            attr.end,
            message=f"来源署名“{attr.name}”不在单位名录中，请核对",
        )


def _body_checks(
    out: list[Finding],
    ctx: StyleContext,
    logical: list[str],
    first: tuple[str, _Where] | None,
    *,
    lead: bool | None,
) -> None:
    """Lead sentence, paragraph count and body length (on the logical paragraphs)."""
    lim = ctx.profile.limits
    if first is not None and not _LEAD_DATE.match(first[0].lstrip(SP)):
        text, where = first
        _emit(out, ctx, "lead.date", where, text, 0, min(len(text), 12))
    n = len(logical)
    if logical and not (lim.paragraphs_min <= n <= lim.paragraphs_max) and first is not None:
        _emit(
            out,
            ctx,
            "brief.paragraphs",
            first[1],
            first[0],
            0,
            0,
            excerpt="",
            message=f"正文 {n} 段，应为 {lim.paragraphs_min}—{lim.paragraphs_max} 段",
        )
    size = sum(len(_WS.sub("", p)) for p in logical)
    top = lim.lead_body_max if lead else lim.body_max
    if logical and first is not None and not (lim.body_min <= size <= top):
        _emit(
            out,
            ctx,
            "brief.length",
            first[1],
            first[0],
            0,
            0,
            excerpt="",
            message=f"正文 {size} 字，应在 {lim.body_min}—{top} 字之间",
        )


# -- text files --------------------------------------------------------------------------------
def lint(text: str, profile: Profile | None = None, *, kind: str = "auto") -> list[Finding]:
    """Lint a brief or a whole issue given as Markdown/plain text.

    ``kind`` is ``"auto"`` (detect), ``"brief"`` or ``"issue"``.
    """
    ctx = context_for(profile)
    doc = parse_document(text, ctx.profile, kind)
    # Plan on exactly the pieces that get scanned, one a line (see inline.plan).
    planner = _Planner(ctx, "\n".join(seg.text for b in doc.blocks for seg in b.segments))
    out: list[Finding] = []
    for b in doc.blocks:
        if b.kind in ("masthead", "toc", "footer", "section"):
            rules = _LAYOUT_NO_EXTRA if b.kind == "masthead" else RULE_LIST
            for seg in b.segments:
                where = _Where(b.index, b.line + b.text.count("\n", 0, seg.offset), seg.offset)
                _inline(out, ctx, rules, seg.text, where, planner)
                _pairs(out, ctx, seg.text, where)
        elif b.kind == "headline":
            seg = b.segments[0]
            _headline_rules(out, ctx, seg.text, _Where(b.index, b.line, seg.offset), planner)
        elif b.kind == "para":
            _text_rules(out, ctx, b.text, _Where(b.index, b.line), planner, headline=False)
    for brief in doc.briefs:
        _lint_brief_blocks(out, ctx, brief)
    return _dedupe(out)


_ATTR_ONLY = re.compile(
    rf"[{SP}]*[（(][{SP}]*([^（）()\n，。,；;：:、]{{2,30}}?)[{SP}]*[）)][{SP}]*"
)


def _attr_only(ctx: StyleContext, b: Block) -> str | None:
    m = _ATTR_ONLY.fullmatch(b.text)
    return m.group(1) if m and _HAN_RE.search(m.group(1)) else None


def _lint_brief_blocks(out: list[Finding], ctx: StyleContext, brief: BriefBlocks) -> None:
    if brief.headline is None:
        anchor = brief.paras[0] if brief.paras else None
        if anchor is not None:
            _emit(
                out,
                ctx,
                "headline.missing",
                _Where(anchor.index, anchor.line),
                anchor.text,
                0,
                0,
                excerpt="",
            )
    paras = list(brief.paras)
    if not paras:
        return
    attr: _Attr | None = None
    last = paras[-1]
    name = _attr_only(ctx, last) if len(paras) > 1 else None
    if name is not None:
        where = _Where(last.index, last.line)
        attr = _Attr(name, where, last.text, 0, len(last.text), False)
        _emit(
            out,
            ctx,
            "attribution.form",
            where,
            last.text,
            0,
            len(last.text),
            replacement=f"（{name}）",
            message="来源署名另起了一段，应紧接在末段句号之后",
        )
        paras = paras[:-1]
        last = paras[-1]
    else:
        attr = _find_attr(ctx, last.text, _Where(last.index, last.line))
    # logical paragraphs: blocks joined across broken sentences
    logical: list[str] = []
    prev: Block | None = None
    for b in paras:
        if prev is not None and not ends_sentence(prev.text) and b.index == prev.index + 1:
            _emit(
                out,
                ctx,
                "break.sentence",
                _Where(prev.index, prev.line),
                prev.text,
                len(prev.text),
                len(prev.text),
                excerpt=prev.text[-8:] + "⏎⏎" + b.text[:8],
                message="句子被空行截断，应与下一段连成一段",
            )
            logical[-1] += b.text
        else:
            logical.append(b.text)
        prev = b
    for b in paras[:-1]:
        a = _find_attr(ctx, b.text, _Where(b.index, b.line))
        if a is not None and ctx.resolve_org(a.name) is not None:
            _emit(out, ctx, "attribution.position", a.where, a.text, a.start, a.end)
    if logical:
        tail = logical[-1]
        if attr is not None and attr.text is last.text:
            tail = tail[: len(tail) - (len(last.text) - attr.start)]
            logical[-1] = tail
        if not ends_sentence(tail):
            _emit(
                out,
                ctx,
                "punct.end",
                _Where(last.index, last.line),
                last.text,
                len(last.text),
                len(last.text),
                excerpt=tail[-8:],
            )
    first = paras[0]
    _attribution_checks(
        out, ctx, attr, lead=brief.lead, last=(last.text, _Where(last.index, last.line))
    )
    _body_checks(
        out, ctx, logical, (first.text, _Where(first.index, first.line)), lead=bool(brief.lead)
    )


def _dedupe(out: list[Finding]) -> list[Finding]:
    """Drop attribution.form where an in-line rule already reports the same span."""
    spans = {
        (f.location.paragraph, f.location.start)
        for f in out
        if f.location and f.rule in ("punct.halfwidth", "space.extra", "space.cjk")
    }
    kept = [
        f
        for f in out
        if not (
            f.rule == "attribution.form"
            and f.message == RULES["attribution.form"].message
            and f.location
            and any(
                (f.location.paragraph, s) in spans for s in range(f.location.start, f.location.end)
            )
        )
    ]
    kept.sort(key=lambda f: (f.location.paragraph, f.location.start) if f.location else (-9, 0))
    return kept


# -- Brief objects ------------------------------------------------------------------------------
def lint_brief(
    brief: Brief, profile: Profile | None = None, *, expected_attribution: str | None = None
) -> list[Finding]:
    """Lint a :class:`Brief`: headline (paragraph -1), body paragraphs and attribution.

    ``expected_attribution`` is the short name the brief must be signed with (from
    the report's sender); when None the profile's registry decides.
    """
    ctx = context_for(profile)
    out: list[Finding] = []
    planner = _Planner(ctx, brief.headline + "\n" + "\n".join(brief.paragraphs))
    _headline_rules(out, ctx, brief.headline, _Where(-1), planner)
    paras = brief.paragraphs
    for i, p in enumerate(paras):
        where = _Where(i)
        _text_rules(out, ctx, p, where, planner, headline=False)
        if i < len(paras) - 1 and not ends_sentence(p):
            _emit(
                out,
                ctx,
                "break.sentence",
                where,
                p,
                len(p),
                len(p),
                excerpt=p[-8:],
                message="段落不以句末标点结束：句子被截断，应与下一段连成一段",
            )
        a = _find_attr(ctx, p, where)
        if a is not None and ctx.resolve_org(a.name) is not None:
            _emit(
                out,
                ctx,
                "attribution.position",
                where,
                p,
                a.start,
                a.end,
                message="正文里写了来源署名；署名应放在 attribution 字段",
            )
    last_i = len(paras) - 1
    last = paras[last_i]
    if not ends_sentence(last):
        _emit(out, ctx, "punct.end", _Where(last_i), last, len(last), len(last), excerpt=last[-8:])
    attr: _Attr | None = None
    if brief.attribution is not None:
        raw = brief.attribution
        name = raw.strip(SP + "（）()")
        end = len(last)
        attr = _Attr(name, _Where(last_i), last, end, end, raw == name and bool(name))
    _attribution_checks(
        out,
        ctx,
        attr,
        lead=brief.lead,
        last=(last, _Where(last_i)),
        expected=None if brief.lead else expected_attribution,
    )
    _body_checks(out, ctx, list(paras), (paras[0], _Where(0)), lead=brief.lead)
    return _dedupe(out)
