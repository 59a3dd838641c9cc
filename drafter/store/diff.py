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

__all__ = ["brief_text", "diff_blocks", "format_diff", "sentence_diff", "split_sentences"]


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


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) in reading order: the diff's units with their paragraph."""
    lines = [line for line in text.splitlines() if line.strip()]
    return [(n, s) for n, line in enumerate(lines) for s in split_sentences(line)]


def diff_blocks(before: str, after: str, *, tail: str | None = None) -> list[dict[str, Any]]:
    """:func:`sentence_diff` laid out as the text reads: the headline, then each paragraph.

    ``[{"headline": bool, "tail": bool, "parts": [{"op": equal|delete|insert, "text": ..}]}]``;
    the first line of either text is the headline. A removed sentence stays in the paragraph
    it was removed from (a whole removed paragraph is a block of its own), an added one in
    the paragraph it was added to; paragraphs an editor joined or split read as in ``after``;
    a sentence rewritten in part is marked within (:func:`_words`). ``tail`` (the
    attribution, as the text closes with it) ends both texts: it is set apart, last.
    """
    if tail and before.rstrip().endswith(tail) and after.rstrip().endswith(tail):
        body = diff_blocks(before.rstrip()[: -len(tail)], after.rstrip()[: -len(tail)])
        return [*body, {"headline": False, "tail": True, "parts": [{"op": "equal", "text": tail}]}]
    a, b = _lines(before), _lines(after)
    ops = difflib.SequenceMatcher(
        None, [s for _, s in a], [s for _, s in b], autojunk=False
    ).get_opcodes()
    blocks: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None  # the open block, with the lines it last took from

    def put(op: str, text: str, line_a: int | None, line_b: int | None) -> None:
        nonlocal cur
        if cur is None:
            new = True
        elif line_b is not None and cur["b"] is not None:
            new = line_b != cur["b"]
        else:  # a removal, or the open block holds only removals: follow the old text
            new = line_a is not None and cur["a"] is not None and line_a != cur["a"]
        if new or cur is None:
            cur = {"headline": False, "parts": [], "a": None, "b": None}
            blocks.append(cur)
        cur["headline"] = cur["headline"] or line_a == 0 or line_b == 0
        cur["a"] = line_a if line_a is not None else cur["a"]
        cur["b"] = line_b if line_b is not None else cur["b"]
        cur["parts"].append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            for (la, s), (lb, _) in zip(a[i1:i2], b[j1:j2], strict=True):
                put("equal", s, la, lb)
            continue
        # A replacement spanning paragraphs: each old paragraph's sentences against the new
        # paragraph at the same place (so the headline stays apart), shown where they now are.
        old = _by_line(a[i1:i2])
        new = _by_line(b[j1:j2])
        for k in range(max(len(old), len(new))):
            olds = old[k] if k < len(old) else []
            news = new[k] if k < len(new) else []
            if olds and news:
                for op, text in _words("".join(s for _, s in olds), "".join(s for _, s in news)):
                    put(op, text, olds[0][0] if op != "insert" else None, news[0][0])
                continue
            for la, s in olds:
                put("delete", s, la, None)
            for lb, s in news:
                put("insert", s, None, lb)
    return [{"headline": blk["headline"], "tail": False, "parts": blk["parts"]} for blk in blocks]


def _words(before: str, after: str) -> list[tuple[str, str]]:
    """A rewritten sentence, marked within: the words changed, when most of it stayed.

    Character-level, as Chinese has no spaces; a kept run of one character between two
    changes is folded into them (a lone shared “的” is no match). A mostly rewritten
    sentence is shown removed and added whole.
    """
    m = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if m.ratio() < 0.5:
        return [("delete", before), ("insert", after)]
    ops = m.get_opcodes()
    out: list[tuple[str, str]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        inner = 0 < n < len(ops) - 1
        if tag == "equal" and not (inner and i2 - i1 < 2):
            out.append(("equal", before[i1:i2]))
            continue
        if i2 > i1:
            out.append(("delete", before[i1:i2]))
        if j2 > j1:
            out.append(("insert", after[j1:j2]))
    # Neighbouring removals and additions read as one removal, then one addition.
    merged: list[tuple[str, str]] = []
    for op, text in out:
        if op != "equal" and merged and merged[-1][0] != "equal":
            run = [merged.pop()]
            while merged and merged[-1][0] != "equal":
                run.insert(0, merged.pop())
            run.append((op, text))
            gone = "".join(t for o, t in run if o == "delete")
            came = "".join(t for o, t in run if o == "insert")
            merged += [(o, t) for o, t in (("delete", gone), ("insert", came)) if t]
        else:
            merged.append((op, text))
    return merged


def _by_line(units: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    groups: list[list[tuple[int, str]]] = []
    for unit in units:
        if groups and groups[-1][0][0] == unit[0]:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


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
