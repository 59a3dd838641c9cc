"""The facts the guard checks, located in a source and in its draft, for linking on screen.

Each fact-bearing item (number, date, name, title, organization, document) the guard
extracts is a segment; an item of the draft whose key is also in the source shares that
source item's id, so a page can highlight both places; one found only in the draft has
no id and is flagged (the guard's findings say why).
"""

from __future__ import annotations

from dataclasses import dataclass

from drafter.guard.entities import extract_entities
from drafter.profile import Profile

__all__ = ["FactSegment", "linked_facts"]


@dataclass(frozen=True)
class FactSegment:
    """A run of text; ``fact`` is the link id of a fact, ``""`` for a fact not in the source,
    ``None`` for plain text."""

    text: str
    fact: str | None = None


def _segments(text: str, spans: list[tuple[int, int, str]]) -> list[FactSegment]:
    out: list[FactSegment] = []
    at = 0
    for start, end, fact in sorted(spans):
        if start < at:
            continue  # overlapping items: the first one wins
        if start > at:
            out.append(FactSegment(text[at:start]))
        out.append(FactSegment(text[start:end], fact))
        at = end
    if at < len(text):
        out.append(FactSegment(text[at:]))
    return out


def _match(key: str, ids: dict[str, str]) -> str:
    if key in ids:
        return ids[key]
    if key.startswith("--"):  # a date without its year (5月8日) matches the dated source
        for source_key, fact in ids.items():
            if source_key.endswith(key[1:]):
                return fact
    return ""


def linked_facts(
    source: str, paragraphs: list[str], profile: Profile
) -> tuple[list[FactSegment], list[list[FactSegment]]]:
    """The source and each draft paragraph as segments, facts linked by a shared id."""
    ids: dict[str, str] = {}
    src_spans: list[tuple[int, int, str]] = []
    for ent in extract_entities(source, profile):
        fact = ids.setdefault(ent.key, f"f{len(ids) + 1}")
        src_spans.append((ent.span[0], ent.span[1], fact))
    drafted: list[list[FactSegment]] = []
    for para in paragraphs:
        spans = [
            (e.span[0], e.span[1], _match(e.key, ids)) for e in extract_entities(para, profile)
        ]
        drafted.append(_segments(para, spans))
    return _segments(source, src_spans), drafted
