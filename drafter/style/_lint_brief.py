"""Linter findings about a whole brief: attribution, lead date, paragraph count, length.

Each check is given the brief's parts as the file or the Brief object holds them, so
one check serves both :func:`drafter.style.lint.lint` and
:func:`drafter.style.lint.lint_brief`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.schemas import Finding
from drafter.style._lint_text import WHITESPACE, Where, emit
from drafter.style.context import StyleContext
from drafter.style.document import (
    Block,
    BriefBlocks,
    attribution_only,
    ends_sentence,
)
from drafter.style.inline import SP
from drafter.style.rules import RULES
from drafter.text.lexicon import DAY_PARTS_WRITTEN, alternation

__all__ = ["Attr", "attribution_checks", "body_checks", "brief_block_checks", "dedupe", "find_attr"]

_LEAD_DATE = re.compile(
    rf"^(?:为[^。；\n]{{1,120}}?[，,][{SP}]*)?"
    rf"(?:\d{{4}}[{SP}]*年[{SP}]*)?\d{{1,2}}[{SP}]*月[{SP}]*\d{{1,2}}[{SP}]*[日号]"
    rf"(?:[{SP}]*[至到—～~-][{SP}]*(?:\d{{1,2}}[{SP}]*月[{SP}]*)?\d{{1,2}}[{SP}]*[日号])?"
    rf"{alternation(DAY_PARTS_WRITTEN)}?"
    rf"[{SP}]*[，,]"
)


@dataclass
class Attr:
    """An attribution found in a brief: its name, where it is, and whether it is well formed."""

    name: str
    where: Where
    text: str  # the paragraph text the attribution is in
    start: int
    end: int
    well_formed: bool


def find_attr(ctx: StyleContext, text: str, where: Where) -> Attr | None:
    """The attribution closing ``text``, if it has one."""
    m = ctx.attribution(text)
    if not m:
        return None
    name = m.group(2)
    well = m.group() == f"（{name}）"
    return Attr(name, where, text, m.start(), m.end(), well)


def attribution_checks(
    out: list[Finding],
    ctx: StyleContext,
    attr: Attr | None,
    *,
    lead: bool | None,
    last: tuple[str, Where],
    expected: str | None = None,
) -> None:
    """The attribution ``attr`` (None: there is none) of a brief whose last paragraph is ``last``."""
    text, where = last
    end = len(text)
    if attr is None:
        if lead is None:
            emit(out, ctx, "attribution.assumed_lead", where, text, end, end, excerpt="")
        elif not lead:
            emit(out, ctx, "attribution.missing", where, text, end, end, excerpt="")
        return
    if lead:
        emit(
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
        emit(
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
        emit(
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
        emit(
            out,
            ctx,
            "attribution.unknown",
            attr.where,
            attr.text,
            attr.start,
            attr.end,
            message=f"来源署名“{attr.name}”不在单位名录中，请核对",
        )


def body_checks(
    out: list[Finding],
    ctx: StyleContext,
    logical: list[str],
    first: tuple[str, Where] | None,
    *,
    lead: bool | None,
) -> None:
    """Lead sentence, paragraph count and body length (on the logical paragraphs)."""
    lim = ctx.profile.limits
    if first is not None and not _LEAD_DATE.match(first[0].lstrip(SP)):
        text, where = first
        emit(out, ctx, "lead.date", where, text, 0, min(len(text), 12))
    n = len(logical)
    if logical and not (lim.paragraphs_min <= n <= lim.paragraphs_max) and first is not None:
        emit(
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
    size = sum(len(WHITESPACE.sub("", p)) for p in logical)
    top = lim.lead_body_max if lead else lim.body_max
    if logical and first is not None and not (lim.body_min <= size <= top):
        emit(
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


def brief_block_checks(out: list[Finding], ctx: StyleContext, brief: BriefBlocks) -> None:
    """The brief-level rules for one brief of a file: headline, attribution, broken paragraphs, lead, length."""
    if brief.headline is None:
        anchor = brief.paras[0] if brief.paras else None
        if anchor is not None:
            emit(
                out,
                ctx,
                "headline.missing",
                Where(anchor.index, anchor.line),
                anchor.text,
                0,
                0,
                excerpt="",
            )
    paras = list(brief.paras)
    if not paras:
        return
    attr: Attr | None = None
    last = paras[-1]
    name = attribution_only(last.text) if len(paras) > 1 else None
    if name is not None:
        where = Where(last.index, last.line)
        attr = Attr(name, where, last.text, 0, len(last.text), False)
        emit(
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
        attr = find_attr(ctx, last.text, Where(last.index, last.line))
    # logical paragraphs: blocks joined across broken sentences
    logical: list[str] = []
    prev: Block | None = None
    for b in paras:
        if prev is not None and not ends_sentence(prev.text) and b.index == prev.index + 1:
            emit(
                out,
                ctx,
                "break.sentence",
                Where(prev.index, prev.line),
                prev.text,
                len(prev.text),
                len(prev.text),
                excerpt=prev.text[-8:] + "⏎⏎" + b.text[:8],
                message="句子被空行截断，应与下一段连成一段",
            )
            logical[-1] += b.segments[0].text if b.segments else b.text
        else:  # without the layout indent
            logical.append(b.segments[0].text if b.segments else b.text)
        prev = b
    for b in paras[:-1]:
        a = find_attr(ctx, b.text, Where(b.index, b.line))
        if a is not None and ctx.resolve_org(a.name) is not None:
            emit(out, ctx, "attribution.position", a.where, a.text, a.start, a.end)
    if logical:
        tail = logical[-1]
        if attr is not None and attr.text is last.text:
            tail = tail[: len(tail) - (len(last.text) - attr.start)]
            logical[-1] = tail
        if not ends_sentence(tail):
            emit(
                out,
                ctx,
                "punct.end",
                Where(last.index, last.line),
                last.text,
                len(last.text),
                len(last.text),
                excerpt=tail[-8:],
            )
    first = paras[0]
    attribution_checks(
        out, ctx, attr, lead=brief.lead, last=(last.text, Where(last.index, last.line))
    )
    body_checks(
        out, ctx, logical, (first.text, Where(first.index, first.line)), lead=bool(brief.lead)
    )


def dedupe(out: list[Finding]) -> list[Finding]:
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
