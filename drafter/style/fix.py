"""The safe fixer: mechanical changes only, every one listed, words never changed.

Fixes punctuation width, spacing, date forms, dash and ellipsis forms, repeated
punctuation, number ranges, full-width digits, Markdown emphasis, trailing headline
punctuation, sentences broken across lines or blank lines (also inside a word), and
the form of the attribution. It never adds, drops or reorders a Chinese character,
digit or Latin letter, except in date forms (``2023-05-08`` → ``2023年5月8日``,
``05月`` → ``5月``, ``8号`` → ``8日``, ``二〇二六年一月`` → ``2026年1月``), full-width
digits (``１`` → ``1``), bare decimals (``.5`` → ``0.5``) and ranges with 万/亿
(``3～5万`` → ``3万～5万``).
Running it twice changes nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from drafter.profile import Profile
from drafter.schemas import Brief, Location
from drafter.style.context import StyleContext, context_for
from drafter.style.document import (
    Block,
    attribution_only,
    detect_kind,
    ends_sentence,
    indent,
    parse_document,
    safe_to_join,
)
from drafter.style.inline import (
    SP,
    Plan,
    Recorder,
    Stable,
    apply_rules,
    apply_rules_stable,
    plan,
)
from drafter.style.inline_rules import FIX_ORDER, RULE_LIST

__all__ = ["Change", "FixResult", "fix", "fix_brief", "fix_paragraph"]

_ALL_INLINE = frozenset(FIX_ORDER)
_MASTHEAD_INLINE = frozenset(r for r in FIX_ORDER if r != "space.extra")
_STRAY_EMPH = re.compile(r"\*{2,}|_{2,}")
_HEADLINE_END = re.compile(r"[。，；：、.,;:]+$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_JOINS = ("break.sentence", "attribution.form")

# Texts the in-line rules are known to leave alone (see inline.Stable), for one fix()
# call: a second pass over joined text then skips the blocks the first pass settled.
_Memo = dict[tuple[str, frozenset[str]], Stable]


class _Pos(NamedTuple):
    """Where the fixer is working: a paragraph (block) index and its first file line."""

    paragraph: int
    line: int | None


@dataclass(frozen=True)
class Change:
    """One change the fixer made. Offsets refer to the text as that step saw it."""

    rule: str
    location: Location
    before: str
    after: str


@dataclass
class FixResult:
    text: str
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def fix_paragraph(s: str) -> str:
    """The mechanical in-line fixes on one paragraph (line breaks are left alone)."""
    return apply_rules(s, RULE_LIST, _ALL_INLINE)


def join_pieces(a: str, b: str) -> str:
    """Join two pieces of one sentence: no separator, except between two Latin words."""
    a, b = a.rstrip(SP), b.lstrip(SP)
    if a and b and _ASCII_WORD.match(a[-1]) and _ASCII_WORD.match(b[0]):
        return a + " " + b
    return a + b


def _inline(
    text: str,
    enabled: frozenset[str],
    where: _Pos,
    changes: list[Change] | None,
    planned: Plan | None = None,
    memo: _Memo | None = None,
) -> str:
    if planned is not None:
        planned = [p for p in planned if p[0] in enabled]
    if memo is not None:
        known = memo.get((text, enabled))
        if known is not None and _settled(text, known, planned):
            return text  # exactly what apply_rules would return, with no changes
    rec = Recorder() if changes is not None else None
    new, stable = apply_rules_stable(text, RULE_LIST, enabled, rec, planned)
    if rec is not None and changes is not None:
        for h in rec.hits:
            changes.append(_change(h.rule, where, h.start, h.end, h.before, h.after or ""))
    if memo is not None and stable is not None:
        memo[(new, enabled)] = stable
    return new


def _inline_para(
    text: str,
    enabled: frozenset[str],
    where: _Pos,
    changes: list[Change] | None,
    planned: Plan | None = None,
    memo: _Memo | None = None,
) -> str:
    """:func:`_inline` on a paragraph, keeping its layout indent (左空二字)."""
    k = indent(text)
    return text[:k] + _inline(text[k:], enabled, where, changes, planned, memo)


def _settled(text: str, known: Stable, planned: Plan | None) -> bool:
    """Whether apply_rules(text, …, planned) would replace nothing, given ``known``."""
    tested, full = known
    if planned is None:
        return full  # an unplanned round runs exactly the patterns a full round ran
    # A planned round runs only ``planned``; a pattern not tested must find nothing.
    return all(rx in tested or rx.search(text) is None for _, rx, _ in planned)


def _change(rule: str, where: _Pos, start: int, end: int, before: str, after: str) -> Change:
    loc = Location(paragraph=where.paragraph, start=start, end=end, line=where.line)
    return Change(rule=rule, location=loc, before=before, after=after)


def _fix_headline(
    text: str,
    ctx: StyleContext,
    where: _Pos,
    changes: list[Change] | None,
    planned: Plan | None = None,
    memo: _Memo | None = None,
) -> str:
    outer, changes = changes, ([] if changes is not None else None)
    new = _inline(text, ctx.fixable, where, changes, planned, memo)
    if "markup.emphasis" in ctx.fixable:
        for m in reversed(list(_STRAY_EMPH.finditer(new))):
            if changes is not None:
                changes.append(_change("markup.emphasis", where, m.start(), m.end(), m.group(), ""))
            new = new[: m.start()] + new[m.end() :]
        new = new.strip(SP)
    if ctx.on("headline.punct"):
        tail = _HEADLINE_END.search(new)
        if tail:
            if changes is not None:
                changes.append(
                    _change("headline.punct", where, tail.start(), tail.end(), tail.group(), "")
                )
            new = new[: tail.start()].rstrip(SP)
    if not new.strip(SP):
        return text  # nothing but markup or punctuation: leave it for the editor
    if outer is not None and changes is not None:
        outer.extend(changes)
    return new


def _fix_attribution(
    text: str, ctx: StyleContext, where: _Pos, changes: list[Change] | None
) -> str:
    if not ctx.on("attribution.form"):
        return text
    m = ctx.attribution(text)
    if not m:
        return text
    good = f"（{m.group(2)}）"
    if m.group() == good:
        return text
    if changes is not None:
        changes.append(_change("attribution.form", where, m.start(), m.end(), m.group(), good))
    return text[: m.start()] + good


def _join_lines(text: str, ctx: StyleContext, where: _Pos, changes: list[Change] | None) -> str:
    if "\n" not in text or not ctx.on("break.sentence"):
        return text
    parts = text.split("\n")
    out = parts[0]
    for p in parts[1:]:
        joined = join_pieces(out, p)
        if changes is not None:
            changes.append(
                _change(
                    "break.sentence",
                    where,
                    len(out),
                    len(out) + 1,
                    out[-6:] + "⏎" + p[:6],
                    joined[len(out.rstrip(SP)) - min(6, len(out.rstrip(SP))) :][:13],
                )
            )
        out = joined
    return out


@dataclass
class _Unit:
    """One output block: one or more input blocks joined, and its new text."""

    blocks: list[Block]
    text: str


def fix(text: str, profile: Profile | None = None, *, kind: str = "auto") -> FixResult:
    """Fix a brief or a whole issue given as text; returns the new text and the changes."""
    ctx = context_for(profile)
    changes: list[Change] = []
    current = text
    if kind == "auto":
        kind = detect_kind(text, ctx.profile)
    memo: _Memo = {}
    for _ in range(3):
        n = len(changes)
        current = _fix_once(current, ctx, kind, changes, memo)
        # Each block is fixed to a fixpoint already; only joined blocks can change how
        # the next pass classifies the text (a headline, an attribution), so only then
        # look again.
        if not any(c.rule in _JOINS for c in changes[n:]):
            break
    return FixResult(text=current, changes=changes)


def _fix_once(text: str, ctx: StyleContext, kind: str, changes: list[Change], memo: _Memo) -> str:
    doc = parse_document(text, ctx.profile, kind)
    if not doc.blocks:
        return text
    # Fix every block on its own first, then decide joins on the fixed text: the next
    # pass sees fixed text, so deciding on it keeps the fixer idempotent.
    # Text from the document as it stands may use the document's plan (see plan()).
    pieces = "\n".join(seg.text for b in doc.blocks for seg in b.segments)
    planned = plan(RULE_LIST, pieces, ctx.fixable)
    fixed = {b.index: _fix_block(b, ctx, changes, planned, memo) for b in doc.blocks}
    units: list[_Unit] = []
    joinable = ctx.on("break.sentence")
    brief_last = {b.paras[-1].index for b in doc.briefs if b.paras}
    lead_of = {p.index: brief.lead for brief in doc.briefs for p in brief.paras}
    for b in doc.blocks:
        prev = units[-1].blocks[-1] if units else None
        where = _Pos(b.index, b.line)
        mine = fixed[b.index]
        if (
            b.kind == "para"
            and prev is not None
            and prev.kind == "para"
            and prev.brief == b.brief
            and prev.index == b.index - 1
        ):
            u = units[-1]
            if joinable and not ends_sentence(u.text) and safe_to_join(u.text):
                changes.append(
                    _change("break.sentence", where, 0, 0, u.text[-6:] + "⏎⏎" + mine[:6], "")
                )
                joined = join_pieces(u.text, mine)
                u.text = _inline_para(joined, ctx.fixable, where, changes, None, memo)
                u.blocks.append(b)
                continue
        units.append(_Unit([b], mine))
    units = _merge_attribution(units, ctx, brief_last, changes)
    for u in units:
        first = u.blocks[0]
        if (
            first.kind == "para"
            and any(x.index in brief_last for x in u.blocks)
            and lead_of.get(first.index) is not True
        ):
            where = _Pos(first.index, first.line)
            new = _fix_attribution(u.text, ctx, where, changes)
            if new != u.text:
                new = _inline_para(new, ctx.fixable, where, changes, None, memo)
            u.text = new
    out = [text[: units[0].blocks[0].start]]
    for i, u in enumerate(units):
        out.append(u.text)
        nxt = units[i + 1].blocks[0].start if i + 1 < len(units) else len(text)
        out.append(text[u.blocks[-1].end : nxt])
    return "".join(out)


def _merge_attribution(
    units: list[_Unit], ctx: StyleContext, brief_last: set[int], changes: list[Change]
) -> list[_Unit]:
    """An attribution alone in the last paragraph joins the one before it."""
    if not ctx.on("attribution.form"):
        return units
    out: list[_Unit] = []
    for u in units:
        b = u.blocks[0]
        prev = out[-1] if out else None
        name = attribution_only(u.text) if u.blocks[-1].index in brief_last else None
        if (
            name is not None
            and prev is not None
            and b.kind == "para"
            and prev.blocks[-1].kind == "para"
            and prev.blocks[-1].brief == b.brief
            and prev.blocks[-1].index == b.index - 1
            and ends_sentence(prev.text)
        ):
            good = f"（{name}）"
            changes.append(
                _change("attribution.form", _Pos(b.index, b.line), 0, len(u.text), u.text, good)
            )
            prev.text = prev.text.rstrip(SP) + good
            prev.blocks.extend(u.blocks)
            continue
        out.append(u)
    return out


def _fix_block(
    b: Block, ctx: StyleContext, changes: list[Change], planned: Plan, memo: _Memo
) -> str:
    where = _Pos(b.index, b.line)
    if b.kind == "rule":
        return b.text
    if b.kind == "para":
        new = _join_lines(b.text, ctx, where, changes)
        same = planned if new is b.text else None
        return _inline_para(new, ctx.fixable, where, changes, same, memo)
    enabled = ctx.fixable & _MASTHEAD_INLINE if b.kind == "masthead" else ctx.fixable
    new = b.text
    for seg in reversed(b.segments):
        if b.kind == "headline":
            fixed = _fix_headline(seg.text, ctx, where, changes, planned, memo)
        else:
            fixed = _inline(seg.text, enabled, where, changes, planned, memo)
            if b.kind == "section" and "markup.emphasis" in enabled:
                fixed = _STRAY_EMPH.sub("", fixed)
        new = new[: seg.offset] + fixed + new[seg.offset + len(seg.text) :]
    return new


def fix_brief(brief: Brief, profile: Profile | None = None) -> tuple[Brief, list[Change]]:
    """Fix a :class:`Brief`'s headline, paragraphs and attribution form."""
    ctx = context_for(profile)
    changes: list[Change] = []
    headline = _fix_headline(brief.headline, ctx, _Pos(-1, None), changes)
    paras: list[str] = []
    for i, p in enumerate(brief.paragraphs):
        where = _Pos(i, None)
        p = _join_lines(p, ctx, where, changes)
        if (
            paras
            and ctx.on("break.sentence")
            and not ends_sentence(paras[-1])
            and safe_to_join(paras[-1])
            and p.strip()
        ):
            changes.append(
                _change("break.sentence", where, 0, 0, paras[-1][-6:] + "⏎⏎" + p[:6], "")
            )
            paras[-1] = join_pieces(paras[-1], p)
            paras[-1] = _inline(paras[-1], ctx.fixable, where, changes)
            continue
        paras.append(_inline(p, ctx.fixable, where, changes))
    paras = [p for p in paras if p.strip()] or list(brief.paragraphs)
    attribution = brief.attribution
    if attribution is not None and ctx.on("attribution.form"):
        clean = attribution.strip(SP + "（）()")
        if clean and clean != attribution:
            changes.append(
                _change(
                    "attribution.form",
                    _Pos(len(paras) - 1, None),
                    0,
                    0,
                    attribution,
                    clean,
                )
            )
            attribution = clean
    new = brief.model_copy(
        update={
            "headline": headline or brief.headline,
            "paragraphs": paras,
            "attribution": attribution,
        }
    )
    return new, changes
