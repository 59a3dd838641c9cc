"""Where a report's YAML front matter block ends, found without parsing it.

Ingest parses the block (:func:`drafter.ingest.report.split_front_matter`); ``fix
--write`` only needs to leave it exactly as it is. Both use this one pattern.
"""

from __future__ import annotations

import re

__all__ = ["FRONT_MATTER_RE", "split_front_matter_block"]

FRONT_MATTER_RE = re.compile(r"\A[ \t\u3000]*---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
"""A leading ``---`` line, the YAML (group 1), and a closing ``---`` or ``...`` line."""


def split_front_matter_block(text: str) -> tuple[str, str]:
    """``text`` → (its front matter block verbatim, possibly "", the rest)."""
    m = FRONT_MATTER_RE.match(text.removeprefix("\ufeff"))
    if m is None:
        return "", text
    end = m.end() + (1 if text.startswith("\ufeff") else 0)
    return text[:end], text[end:]
