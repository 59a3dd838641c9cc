"""Paste damage in line breaks: hard-wrapped lines joined back into paragraphs.

Whether a line break ends a paragraph is read from the whole paste (its wrap width,
indents, blank lines) and from the two lines around it; a sentence that a blank line
cut in two is rejoined only on firm evidence.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from drafter.ingest._lines import Line, visual_width
from drafter.ingest.boilerplate import (
    DATE_ONLY_RE,
    JOINERS,
    LIST_START_RE,
    NO_START,
    PROSE_RE,
    ends_terminal,
)
from drafter.text.dates import LEADING_DATE_RE

__all__ = ["assemble", "merge_broken_paragraphs"]


def _wrap_width(lines: list[Line]) -> tuple[float, bool]:
    """The width lines were hard-wrapped at, and whether they were wrapped at all: the
    lines that another line follows are mostly of one width, some stop mid-sentence."""
    # An indented line starts a paragraph, so the line before it is no evidence.
    inner = [
        a.text
        for a, b in itertools.pairwise(lines)
        if b.text and not b.indented and len(a.text) >= 8 and not a.centered
    ]
    widths = sorted(visual_width(t) for t in inner)
    if len(widths) < 2:
        return (widths[-1] if widths else 0.0), False
    width = widths[min(len(widths) - 1, int(len(widths) * 0.8))]
    tolerance = max(1.5, 0.08 * width)
    near = sum(1 for w in widths if abs(w - width) <= tolerance)
    open_ended = any(
        not ends_terminal(t) and t[-1] not in "：:" and visual_width(t) >= 0.85 * width
        for t in inner
    )
    return width, width >= 10 and open_ended and near >= max(2, 0.5 * len(widths))


def _glue(a: str, b: str) -> str:
    # Words of Latin script broken at a line end keep a space; digits and Chinese do not.
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


@dataclass(frozen=True)
class _Layout:
    """What the whole paste says about its line breaks."""

    width: float  # the margin hard-wrapped lines reach
    wrapped: bool  # lines were hard-wrapped at that margin
    indented: bool  # paragraphs start with an indent
    blank_lines: bool  # paragraphs are separated by blank lines


def _layout(lines: list[Line]) -> _Layout:
    width, wrapped = _wrap_width(lines)
    indents = sum(1 for ln in lines if ln.text and ln.indented)
    flush = sum(1 for ln in lines if ln.text and not ln.indented and not ln.centered)
    blocks = sum(1 for a, b in itertools.pairwise(lines) if a.text and not b.text)
    return _Layout(
        width=width,
        wrapped=wrapped,
        indented=(indents >= 2 and flush >= 2) or (indents >= 1 and flush >= 1 and wrapped),
        blank_lines=blocks >= 2,
    )


def assemble(lines: list[Line]) -> list[str]:
    """Join hard-wrapped lines into paragraphs."""
    layout = _layout(lines)
    paragraphs: list[str] = []
    cur: str | None = None
    prev: Line | None = None
    first = next((i for i, ln in enumerate(lines) if ln.text), -1)
    for i, ln in enumerate(lines):
        if not ln.text:
            if cur is not None:
                paragraphs.append(cur)
            cur, prev = None, None
            continue
        if cur is None or prev is None:
            cur, prev = ln.text, ln
            continue
        if _joins(prev, ln, layout, title_position=i - 1 == first):
            cur = _glue(cur, ln.text)
        else:
            paragraphs.append(cur)
            cur = ln.text
        prev = ln
    if cur is not None:
        paragraphs.append(cur)
    return paragraphs


def _joins(prev: Line, cur: Line, layout: _Layout, *, title_position: bool) -> bool:
    """Whether ``cur`` continues the sentence or paragraph of ``prev``."""
    a, b = prev.text, cur.text
    width, wrapped = layout.width, layout.wrapped
    if b[0] in NO_START:
        return True
    if prev.centered or cur.centered or (layout.indented and cur.indented):
        return False
    if a[-1] in "，、,":
        return True  # 一是…二是… after a comma is an enumeration inside the sentence
    if LIST_START_RE.match(b):
        return False
    full = visual_width(a) >= 0.75 * width
    if ends_terminal(a):
        # In wrapped text a line filled to the margin that happens to end a sentence is
        # more often mid-paragraph than a paragraph end, when a flush line follows that
        # is itself full or ends a sentence (not a signature or heading).
        brim = visual_width(a) >= width - max(1.5, 0.08 * width)
        return wrapped and brim and (ends_terminal(b) or visual_width(b) >= 0.75 * width)
    if a[-1] in "：:":
        return False
    if prev.indented and not cur.indented:
        return True  # an indented paragraph start continued flush left
    if a[-1] in JOINERS:
        return True
    sentence = ("，" in a or "," in a) and not LIST_START_RE.match(a)
    if sentence and not LEADING_DATE_RE.match(b) and not DATE_ONLY_RE.match(b):
        if wrapped and full:
            return True  # a long line with a comma: a sentence under way, not a heading
        if layout.blank_lines and not title_position:
            # Blank lines separate this paste's paragraphs: a single break inside a
            # sentence is a soft wrap from a phone or a narrow editor.
            return True
    if LIST_START_RE.match(a):  # a numbered heading continues only if filled to the margin
        return wrapped and visual_width(a) >= width - max(1.5, 0.08 * width)
    return wrapped and full


_PAIRS: tuple[tuple[str, str], ...] = (
    ("《", "》"),
    ("“", "”"),
    ("（", "）"),
    ("(", ")"),
    ("【", "】"),
)


def _opens(s: str) -> bool:
    return any(s.count(a) > s.count(b) for a, b in _PAIRS)


def _closes(s: str) -> bool:
    return any(s.count(b) > s.count(a) for a, b in _PAIRS)


def merge_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Rejoin a sentence that a blank line cut in two (``…为“院士专家服务中心”`` / ``揭牌。``).

    Only on firm evidence: a paragraph missing its final 。 is more often a careless
    ending than a cut, so the join needs a bracket left open (or closed from nowhere), a
    comma or particle at the cut, punctuation that cannot start a sentence, or a tiny
    tail fragment after a paragraph of prose."""
    out: list[str] = []
    for p in paragraphs:
        if out:
            q = out[-1]
            cut = not ends_terminal(q) and q[-1] not in "：:"
            if cut and (
                p[0] in NO_START
                or q[-1] in JOINERS
                or (_opens(q) and _closes(p))
                or (
                    PROSE_RE.search(q)
                    and len(p) <= 12
                    and ends_terminal(p)
                    and not LIST_START_RE.match(p)
                )
            ):
                out[-1] = _glue(q, p)
                continue
        out.append(p)
    return out
