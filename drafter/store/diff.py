"""A draft as the store keeps it, and what an editor changed: plain text, sentence diffs.

A draft and each of its revisions are stored as :func:`brief_text` (the plain-text
rendering); a revision records the sentence-level diff from the text it replaced.
How *much* changed is :func:`drafter.brieftext.edit_ratio`, measured on the briefs.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from drafter.brieftext import render_brief_txt
from drafter.schemas import Brief
from drafter.text.sentences import split_sentences as _split

__all__ = ["brief_text", "format_diff", "sentence_diff", "split_sentences"]


def brief_text(brief: Brief) -> str:
    """The text a draft or revision is stored and diffed as: headline, paragraphs, attribution."""
    return render_brief_txt(brief)


def split_sentences(text: str) -> list[str]:
    """The units a revision diff compares, in reading order.

    :func:`drafter.text.sentences.split_sentences` with the diff's settings: a sentence
    also ends at ``；`` and half-width ``!?``, taking any closing quote or bracket with
    it; quotation marks are ordinary characters; a line break always ends a sentence.
    """
    return _split(text, stops="。！？!?；", quotes=False, lines=True)


def sentence_diff(before: str, after: str) -> list[dict[str, Any]]:
    """Sentence-level diff: ``[{"op": equal|replace|delete|insert, "before": [..], "after": [..]}]``."""
    a, b = split_sentences(before), split_sentences(after)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [{"op": tag, "before": a[i1:i2], "after": b[j1:j2]} for tag, i1, i2, j1, j2 in ops]


def format_diff(diff: Sequence[dict[str, Any]], *, context: bool = False) -> list[str]:
    """Readable lines: ``- removed sentence`` / ``+ added sentence`` (``  kept`` if context)."""
    lines: list[str] = []
    for op in diff:
        if op["op"] == "equal":
            if context:
                lines.extend(f"  {s}" for s in op["before"])
            continue
        lines.extend(f"- {s}" for s in op["before"])
        lines.extend(f"+ {s}" for s in op["after"])
    return lines
