"""Where a finding stands in the file a person opened.

A finding's :class:`~drafter.schemas.Location` counts blocks of a document (or, for a
parsed brief, -1 for the headline and 0.. for body paragraphs). People read files by
line and character; these functions translate, for every front end alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from drafter.schemas import Brief, Finding, Location
from drafter.style.document import block_starts

__all__ = ["finding_offset", "locate_in_file"]


def finding_offset(text: str, finding: Finding) -> int | None:
    """The character offset in ``text`` where ``finding`` starts, or None when unknown."""
    loc = finding.location
    if loc is None:
        return None
    starts = block_starts(text)
    if not 0 <= loc.paragraph < len(starts):
        return None
    return starts[loc.paragraph] + loc.start


def locate_in_file(findings: Sequence[Finding], text: str, brief: Brief) -> list[Finding]:
    """Brief locations (-1 headline, 0.. body) → blocks and lines of the brief's file.

    Where the file's blocks do not line up with the parsed brief (JSON input, a headline
    run into the first paragraph), locations are dropped rather than misplaced.
    """
    starts = block_starts(text)
    aligned = not text.lstrip().startswith("{") and len(starts) == 1 + len(brief.paragraphs)
    head_at = text.find(brief.headline, starts[0]) if starts else -1
    mapped: list[Finding] = []
    for f in findings:
        loc = f.location
        if loc is None:
            mapped.append(f)
            continue
        if not aligned or (loc.paragraph < 0 and head_at < 0):
            mapped.append(f.model_copy(update={"location": None}))
            continue
        block = max(loc.paragraph, -1) + 1
        shift = head_at - starts[0] if loc.paragraph < 0 else 0
        pos = starts[block] + shift + loc.start
        new = Location(
            paragraph=block,
            start=shift + loc.start,
            end=shift + loc.end,
            line=text.count("\n", 0, pos) + 1,
        )
        mapped.append(f.model_copy(update={"location": new}))
    return mapped
