"""Characters that must never reach print: control characters and direction marks.

C0/C1 control characters (U+009B is a terminal's escape introducer) and Unicode
direction marks (U+202E turns text around on screen) are invisible in most editors
but change what a terminal, a browser or a typesetter shows. Ingest strips them from a
report; :func:`find_control_characters` is the check a lint rule uses on a brief.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CONTROL_RE",
    "ControlChar",
    "describe_control",
    "find_control_characters",
    "strip_control_characters",
]

# C0 except tab and line feed (CR is a line ending, normalized before this runs), DEL,
# C1, and the bidirectional marks, embeddings, overrides and isolates.
CONTROL_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@dataclass(frozen=True)
class ControlChar:
    """One control character or direction mark: where it is, which it is."""

    offset: int
    char: str

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"


def describe_control(ch: str) -> str:
    """``U+202E（从右到左覆盖）`` — the code point and what it is, for a message."""
    names = {
        "\u202e": "从右到左覆盖",
        "\u202d": "从左到右覆盖",
        "\u202a": "从左到右嵌入",
        "\u202b": "从右到左嵌入",
        "\u202c": "方向格式结束",
        "\u200e": "从左到右标记",
        "\u200f": "从右到左标记",
        "\u061c": "阿拉伯字母标记",
        "\u2066": "从左到右隔离",
        "\u2067": "从右到左隔离",
        "\u2068": "首字符方向隔离",
        "\u2069": "方向隔离结束",
        "\x9b": "终端控制序列引导符",
        "\x1b": "终端转义符",
    }
    what = names.get(ch) or ("控制字符" if unicodedata.category(ch) == "Cc" else "格式字符")
    return f"U+{ord(ch):04X}（{what}）"


def find_control_characters(text: str) -> list[ControlChar]:
    """Every control character and direction mark in ``text``, in order."""
    return [ControlChar(m.start(), m.group()) for m in CONTROL_RE.finditer(text)]


# A whole terminal escape sequence ("\x1b[31m", "\x9b2J"): stripping only its
# introducer would leave "[31m" in the text.
_ESCAPE_SEQUENCE_RE = re.compile("(?:\x1b\\[|\x9b)[0-9;?]*[ -/]*[@-~]")


def strip_control_characters(text: str) -> tuple[str, int]:
    """``text`` without control characters, escape sequences and direction marks; how many."""
    text, sequences = _ESCAPE_SEQUENCE_RE.subn("", text)
    text, singles = CONTROL_RE.subn("", text)
    return text, sequences + singles
