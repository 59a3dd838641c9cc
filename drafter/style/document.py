"""A text file as blocks: masthead, 目录提要, section headings, headlines, paragraphs, footer.

Splits a file on blank lines, decides whether it is one brief or a whole issue, and
gives every block a kind and the brief it belongs to. Tolerant of the damage a text
extraction of a printed issue carries: any heading level for a headline, ``**bold**``
inside headings, sentences broken across blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from drafter.profile import Profile
from drafter.style.inline import SP

__all__ = [
    "ATTR_ONLY",
    "Block",
    "BriefBlocks",
    "Document",
    "DocumentKind",
    "Segment",
    "attr_tail",
    "attribution_only",
    "block_starts",
    "detect_kind",
    "ends_sentence",
    "parse_document",
    "safe_to_join",
]

DocumentKind = Literal["brief", "issue"]
BlockKind = Literal["masthead", "rule", "toc", "section", "headline", "para", "footer"]

_HEADING = re.compile(r"^(#{1,6}[ \t]+)([^\s#].*?)[ \t]*#*[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*[-*+][ \t]+|[ \t\u3000]*)(.*)$")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|—{3,}|─{3,})[ \t]*$")
_COLUMNS = re.compile("\u3000{2,}")
_SECTION = re.compile(r"^【[^【】]{1,30}】$")
_FOOTER = re.compile(r"^[ \t]*(?:编辑|审核|责任编辑|签发|分送|报送|抄送|主送|印发)[ \t]*[：:]")
_EMPH = re.compile(r"\*\*|__")
_TOC = "目录提要"
# A trailing attribution in full- or half-width parentheses (form is checked elsewhere).
ATTR_TAIL = re.compile(
    r"([ \t\u3000]*)[（(][ \t\u3000]*([^（）()\n，。,；;：:、“”]{2,30}?)[ \t\u3000]*[）)][ \t\u3000]*$"
)
# A paragraph that is nothing but an attribution: （北京气象学会）.
ATTR_ONLY = re.compile(
    rf"[{SP}]*[（(][{SP}]*([^（）()\n，。,；;：:、]{{2,30}}?)[{SP}]*[）)][{SP}]*"
)
_HAN = re.compile("[\u3400-\u9fff]")
_CLOSERS = "”’）)》】」』\"'"
_TERMINAL = "。！？…；：!?;.:"


def indent(text: str) -> int:
    """Length of a paragraph's layout indent: two ideographic spaces (左空二字), else 0."""
    return 2 if text.startswith("\u3000\u3000") and text[2:3] not in ("", " ", "\u3000") else 0


def attr_tail(text: str) -> re.Match[str] | None:
    """``ATTR_TAIL.search(text)``, without the search where the text cannot end so."""
    # A match ends in a parenthesis, then spaces, then at most the final line break.
    if not text.rstrip(" \t\u3000\n").endswith(("）", ")")):
        return None
    return ATTR_TAIL.search(text)


def attribution_only(text: str) -> str | None:
    """The name when ``text`` is nothing but an attribution in parentheses, else None
    (attributions are Chinese names: ``(2023)`` is not one)."""
    m = ATTR_ONLY.fullmatch(text)
    return m.group(1) if m and _HAN.search(m.group(1)) else None


def ends_sentence(text: str) -> bool:
    """Whether a paragraph ends where a sentence may end (attribution ignored)."""
    t = text.rstrip()
    m = attr_tail(t)
    if m:
        head = t[: m.start()].rstrip()
        if head and head[-1] in _TERMINAL + _CLOSERS:
            t = head
    t = t.rstrip(_CLOSERS + " \t\u3000")
    return bool(t) and t[-1] in _TERMINAL


_LAST_CLAUSE = re.compile(r"[^。！？!?]*$")


def safe_to_join(text: str) -> bool:
    """Whether an unfinished paragraph may be joined to the next one mechanically.

    Not when its unfinished clause is a label line (联系人：…, 电话:…): joining a
    contact line to the next paragraph would glue two unrelated things together.
    """
    m = _LAST_CLAUSE.search(text.rstrip())
    return m is None or not any(c in m.group() for c in "：:")


@dataclass
class Segment:
    """A piece of a block to lint and fix: its text and offset inside the block."""

    offset: int
    text: str


@dataclass
class Block:
    index: int
    start: int  # offset in the file
    end: int
    line: int  # 1-based line of the block's first character
    text: str
    kind: BlockKind = "para"
    brief: int | None = None
    segments: list[Segment] = field(default_factory=list)

    def heading_text(self) -> str:
        return self.segments[0].text if self.segments else self.text


@dataclass
class BriefBlocks:
    headline: Block | None
    paras: list[Block]
    lead: bool | None  # None: unknown (a single brief file)
    section: str | None = None


@dataclass
class Document:
    kind: DocumentKind
    text: str
    blocks: list[Block]
    briefs: list[BriefBlocks]


def _split(text: str) -> list[Block]:
    blocks: list[Block] = []
    pos = 0
    lines = text.split("\n")
    cur_start = -1
    cur_line = 0
    offsets: list[int] = []
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    for i, ln in enumerate([*lines, ""]):
        blank = not ln.strip(" \t\u3000") if i < len(lines) else True
        if not blank and cur_start < 0:
            cur_start, cur_line = offsets[i], i + 1
        elif blank and cur_start >= 0:
            end = offsets[i] - 1 if i < len(lines) else len(text)
            end = min(end, len(text))
            blocks.append(Block(len(blocks), cur_start, end, cur_line, text[cur_start:end]))
            cur_start = -1
    # A heading line directly followed by text: split it off as its own block.
    out: list[Block] = []
    for b in blocks:
        first, nl, rest = b.text.partition("\n")
        if nl and _HEADING.match(first) and rest.strip():
            hb = Block(0, b.start, b.start + len(first), b.line, first)
            rb = Block(0, b.start + len(first) + 1, b.end, b.line + 1, rest)
            out.extend([hb, rb])
        else:
            out.append(b)
    for i, b in enumerate(out):
        b.index = i
    return out


def block_starts(text: str) -> list[int]:
    """The file offset where each block begins (block index = Location.paragraph)."""
    return [b.start for b in _split(text)]


def _heading(block: Block) -> tuple[str, str] | None:
    """(prefix, text) of a one-line Markdown heading, emphasis kept in text."""
    if "\n" in block.text:
        return None
    m = _HEADING.match(block.text)
    if not m:
        return None
    return m.group(1), m.group(2)


def _plain(s: str) -> str:
    return _EMPH.sub("", s).strip()


def detect_kind(text: str, profile: Profile | None = None) -> DocumentKind:
    """'issue' for a whole issue (masthead, 目录提要, sections, footer), else 'brief'."""
    headings = 0
    for ln in text.split("\n"):
        s = ln.strip()
        if not s:
            continue
        if s[0] != "#" and "【" not in s and "目" not in s:
            continue  # not a heading, a section title or 目录提要: nothing to learn
        m = _HEADING.match(s)
        body = _plain(m.group(2)) if m else _plain(s)
        if body == _TOC or _SECTION.match(body):
            return "issue"
        if profile is not None and m and body == profile.bulletin:
            return "issue"
        if m:
            headings += 1
            if headings > 1:
                return "issue"
    return "brief"


def _looks_like_headline(block: Block | str) -> bool:
    # Judged on the mechanically fixed text, so a fix never changes the verdict.
    from drafter.style.inline import apply_rules
    from drafter.style.inline_rules import FIX_ORDER, RULE_LIST

    raw = block if isinstance(block, str) else block.text
    # Trailing marks the headline fix would strip do not count (、，；： but not 。).
    t = apply_rules(raw, RULE_LIST, frozenset(FIX_ORDER)).strip().rstrip("、，；：,;:")
    return (
        "\n" not in t
        and len(t) <= 60
        and not ends_sentence(t)
        and not any(c in t for c in "，。；,;")
    )


def parse_document(text: str, profile: Profile | None = None, kind: str = "auto") -> Document:
    """Split ``text`` into classified blocks and group them into briefs."""
    doc_kind: DocumentKind = (
        detect_kind(text, profile) if kind == "auto" else ("issue" if kind == "issue" else "brief")
    )
    blocks = _split(text)
    briefs: list[BriefBlocks] = []
    if doc_kind == "brief" and blocks and "\n" in blocks[0].text and not _heading(blocks[0]):
        # "headline⏎body" with no blank line: the first line is the headline.
        b = blocks[0]
        first, _, rest = b.text.partition("\n")
        if rest.strip() and _looks_like_headline(first):
            blocks[:1] = [
                Block(0, b.start, b.start + len(first), b.line, first),
                Block(0, b.start + len(first) + 1, b.end, b.line + 1, rest),
            ]
            for i, blk in enumerate(blocks):
                blk.index = i
    if doc_kind == "brief":
        _classify_brief(blocks, briefs)
    else:
        _classify_issue(blocks, briefs, profile)
    return Document(doc_kind, text, blocks, briefs)


def _set_heading(block: Block, kind: BlockKind, prefix: str, body: str) -> None:
    block.kind = kind
    block.segments = [Segment(len(prefix), body)]


def _classify_brief(blocks: list[Block], briefs: list[BriefBlocks]) -> None:
    brief = BriefBlocks(headline=None, paras=[], lead=None)
    briefs.append(brief)
    for i, b in enumerate(blocks):
        b.brief = 0
        h = _heading(b)
        if i == 0 and (h or _looks_like_headline(b)):
            prefix, body = h if h else ("", b.text)
            _set_heading(b, "headline", prefix, body)
            brief.headline = b
            continue
        if _RULE.match(b.text):
            b.kind = "rule"
            continue
        b.kind = "para"
        k = indent(b.text)
        b.segments = [Segment(k, b.text[k:])]
        brief.paras.append(b)


def _classify_issue(
    blocks: list[Block], briefs: list[BriefBlocks], profile: Profile | None
) -> None:
    state = "masthead"
    section: str | None = None
    previous_complete = True
    # Plain-text headlines are guessed only where the file uses no Markdown headings.
    guess_headlines = not any(_heading(b) for b in blocks[1:])
    expect_headline = False  # the first block after 目录提要's rule or a section title
    for b in blocks:
        if _RULE.match(b.text):
            b.kind = "rule"
            if state == "toc":
                state, expect_headline = "body", True
            continue
        h = _heading(b)
        first_line = b.text.strip()
        plain = _plain(h[1]) if h else _plain(first_line)
        if state == "footer" or (not h and _FOOTER.match(b.text)):
            state = "footer"
            b.kind = "footer"
            b.segments = _line_segments(b.text)
            continue
        if plain == _TOC:
            state = "toc"
            prefix, body = h if h else ("", b.text)
            _set_heading(b, "toc", prefix, body)
            continue
        if "\n" not in first_line and _SECTION.match(plain):
            state = "body"
            section = _section_key(plain, profile)
            prefix, body = h if h else ("", b.text)
            _set_heading(b, "section", prefix, body)
            expect_headline = True
            continue
        if h:
            if state == "masthead" and (
                b.index == 0 or (profile is not None and plain == profile.bulletin)
            ):
                _set_heading(b, "masthead", h[0], h[1])
                continue
            state = "body"
            _set_heading(b, "headline", h[0], h[1])
            briefs.append(BriefBlocks(headline=b, paras=[], lead=section is None, section=section))
            b.brief = len(briefs) - 1
            previous_complete = True
            continue
        if state == "masthead":
            b.kind = "masthead"
            b.segments = _line_segments(b.text)
            continue
        if state == "toc":
            b.kind = "toc"
            b.segments = _line_segments(b.text, strip_list=True)
            continue
        # body text: a plain-text headline is a short unpunctuated line after a full stop
        first_of_run, expect_headline = expect_headline, False
        if (
            guess_headlines
            and previous_complete
            and ((briefs and briefs[-1].paras) or first_of_run)
            and _looks_like_headline(b)
        ):
            _set_heading(b, "headline", "", b.text)
            briefs.append(BriefBlocks(headline=b, paras=[], lead=section is None, section=section))
            b.brief = len(briefs) - 1
            continue
        if not briefs:
            briefs.append(
                BriefBlocks(headline=None, paras=[], lead=section is None, section=section)
            )
        b.kind = "para"
        k = indent(b.text)
        b.segments = [Segment(k, b.text[k:])]
        b.brief = len(briefs) - 1
        briefs[-1].paras.append(b)
        previous_complete = ends_sentence(b.text)


def _line_segments(text: str, *, strip_list: bool = False) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for ln in text.split("\n"):
        if strip_list:
            m = _LIST_ITEM.match(ln)
            assert m is not None  # the pattern matches any line
            out.append(Segment(pos + len(m.group(1)), m.group(2)))
        else:  # columns set apart by ideographic spaces (编辑：…　　审核：…)
            at = 0
            for m in _COLUMNS.finditer(ln):
                if m.start() > at:
                    out.append(Segment(pos + at, ln[at : m.start()]))
                at = m.end()
            out.append(Segment(pos + at, ln[at:]))
        pos += len(ln) + 1
    return out


def _section_key(title: str, profile: Profile | None) -> str:
    if profile is not None:
        for s in profile.sections:
            if _plain(s.title) == title or s.toc_title == title.strip("【】"):
                return s.key
    return title.strip("【】")
