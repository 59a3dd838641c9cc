"""The linter: house-style findings for a text file (brief or issue) or a Brief object.

Locations: for a file, ``paragraph`` is the blank-line separated block and ``line``
the 1-based file line; for a :class:`~drafter.schemas.Brief`, ``paragraph`` -1 is the
headline and 0.. the body paragraphs.
"""

from __future__ import annotations

from drafter.profile import Profile
from drafter.schemas import Brief, Finding
from drafter.style._lint_brief import (
    Attr,
    attribution_checks,
    body_checks,
    brief_block_checks,
    dedupe,
    find_attr,
)
from drafter.style._lint_text import (
    Planner,
    Where,
    emit,
    headline_checks,
    inline_checks,
    pair_checks,
    text_checks,
)
from drafter.style.context import context_for
from drafter.style.document import (
    ends_sentence,
    parse_document,
)
from drafter.style.inline import SP
from drafter.style.inline_rules import RULE_LIST

__all__ = ["lint", "lint_brief"]

_LAYOUT_NO_EXTRA = tuple(r for r in RULE_LIST if r.id != "space.extra")


def lint(text: str, profile: Profile | None = None, *, kind: str = "auto") -> list[Finding]:
    """Lint a brief or a whole issue given as Markdown/plain text.

    ``kind`` is ``"auto"`` (detect), ``"brief"`` or ``"issue"``.
    """
    ctx = context_for(profile)
    doc = parse_document(text, ctx.profile, kind)
    # Plan on exactly the pieces that get scanned, one a line (see inline.plan).
    planner = Planner(ctx, "\n".join(seg.text for b in doc.blocks for seg in b.segments))
    out: list[Finding] = []
    for b in doc.blocks:
        if b.kind in ("masthead", "toc", "footer", "section"):
            rules = _LAYOUT_NO_EXTRA if b.kind == "masthead" else RULE_LIST
            for seg in b.segments:
                where = Where(b.index, b.line + b.text.count("\n", 0, seg.offset), seg.offset)
                inline_checks(out, ctx, rules, seg.text, where, planner)
                pair_checks(out, ctx, seg.text, where)
        elif b.kind == "headline":
            seg = b.segments[0]
            headline_checks(out, ctx, seg.text, Where(b.index, b.line, seg.offset), planner)
        elif b.kind == "para":
            seg = b.segments[0]  # the paragraph without its layout indent
            text_checks(
                out, ctx, seg.text, Where(b.index, b.line, seg.offset), planner, headline=False
            )
    for brief in doc.briefs:
        brief_block_checks(out, ctx, brief)
    return dedupe(out)


def lint_brief(
    brief: Brief, profile: Profile | None = None, *, expected_attribution: str | None = None
) -> list[Finding]:
    """Lint a :class:`Brief`: headline (paragraph -1), body paragraphs and attribution.

    ``expected_attribution`` is the short name the brief must be signed with (from
    the report's sender); when None the profile's registry decides.
    """
    ctx = context_for(profile)
    out: list[Finding] = []
    planner = Planner(ctx, brief.headline + "\n" + "\n".join(brief.paragraphs))
    headline_checks(out, ctx, brief.headline, Where(-1), planner)
    paras = brief.paragraphs
    for i, p in enumerate(paras):
        where = Where(i)
        text_checks(out, ctx, p, where, planner, headline=False)
        if i < len(paras) - 1 and not ends_sentence(p):
            emit(
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
        a = find_attr(ctx, p, where)
        if a is not None and ctx.resolve_org(a.name) is not None:
            emit(
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
        emit(out, ctx, "punct.end", Where(last_i), last, len(last), len(last), excerpt=last[-8:])
    attr: Attr | None = None
    if brief.attribution is not None:
        raw = brief.attribution
        name = raw.strip(SP + "（）()")
        end = len(last)
        attr = Attr(name, Where(last_i), last, end, end, raw == name and bool(name))
    attribution_checks(
        out,
        ctx,
        attr,
        lead=brief.lead,
        last=(last, Where(last_i)),
        expected=None if brief.lead else expected_attribution,
    )
    body_checks(out, ctx, list(paras), (paras[0], Where(0)), lead=brief.lead)
    return dedupe(out)
