"""Paste damage: what copying a report out of WeChat, a website, Word or a PDF leaves.

:func:`clean_text` removes the damage and keeps every other word as written (the
faithfulness guard treats the cleaned text as the source of truth):

1. characters: zero-width marks, BOM, NBSP, emoji; Markdown / HTML markup;
2. lines: page numbers and repeated page headers, web chrome (breadcrumbs, the
   ``时间：… 来源：…`` line, ``字体：大 中 小``, ``【打印本页】``, ``分享到``…),
   newspaper bylines, photo captions, contact lines (kept aside), ``供稿``/``报送单位``
   lines (kept as the org hint), editor/photographer credits;
3. paragraphs: hard line breaks inside sentences are joined (list items, headings and
   indented paragraph starts stay apart); duplicated paragraphs go; a closing
   ``（XX供稿）`` or a signature block (org line + date line) becomes the org hint;
4. the title: a short first line without sentence-final punctuation.

The line and fragment patterns live in :mod:`drafter.ingest.boilerplate`. Everything removed
is listed in :attr:`CleanResult.removed` as ``(reason, text)``. The passes are linear
in the text; the regexes are compiled once.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from drafter.ingest.boilerplate import (
    DATE_ONLY_RE,
    DIGITS_RE,
    FOLLOWING_LINKS_RE,
    INLINE_CAPTION_RE,
    JOINERS,
    LIST_START_RE,
    NEWS_PREFIX_RE,
    NEWSLETTER_RE,
    NO_START,
    ORG_LINE_RE,
    PROSE_RE,
    REASONS,
    REPORTER_PAREN_RE,
    SALUTATION_RE,
    SIGNATURE_ONE_LINE_RE,
    SOURCE_LINE_RE,
    SOURCE_SUFFIX_RE,
    TITLE_END_RE,
    TITLE_LABEL_RE,
    TITLE_VERB_RE,
    TRAILING_BYLINE_RE,
    TRAILING_CONTACT_RE,
    TRAILING_END_RE,
    TRAILING_SOURCE_BARE_RE,
    TRAILING_SOURCE_RE,
    WEB_SOURCE_RE,
    classify_line,
    ends_terminal,
    split_contact,
)
from drafter.text.dates import LEADING_DATE_RE

__all__ = ["REASONS", "CleanResult", "clean_text"]


@dataclass(frozen=True)
class CleanResult:
    """The cleaned text (paragraphs split by blank lines, title excluded), what was
    removed and why, the contact lines kept aside, the sender named by a 供稿/报送/落款
    line if any, and the title."""

    text: str
    removed: list[tuple[str, str]] = field(default_factory=list)
    contact: str | None = None
    org_hint: str | None = None
    title: str | None = None


# -- characters ----------------------------------------------------------------------
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES_RE = re.compile("[\u00a0\u2002-\u200a\u202f\u205f\t]")
_FULL_SPACES_RE = re.compile("\u3000+")
_EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u26ff\u2700-\u2775\u2794-\u27bf\u2b50\u2b55\ufe0f\u20e3\u200d]+"
)
_HTML_HINT_RE = re.compile(r"</?(?:p|br|div|span|strong|img|section)\b", re.IGNORECASE)
_HTML_BREAK_RE = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</section\s*>", re.IGNORECASE)
_HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ENTITY_RE = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{2,5});"
)
_HTML_TAG_RE = re.compile(r"<[^<>\n]{1,200}>")
_MD_IMAGE_RE = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)")
_MD_LINK_RE = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|www\.)[^)\n]{0,500}\)")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_MD_QUOTE_RE = re.compile(r"^>\s?")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


@dataclass
class _Line:
    text: str
    indented: bool  # a paragraph indent (two characters or so)
    centered: bool = False  # deeper indentation: a centred title or a signature


class _Removed:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, reason: str, text: str) -> None:
        text = text.strip()
        if text:
            self.items.append((reason, text))


def _visual_width(s: str) -> float:
    # Hard wraps happen at a visual width: ASCII letters and digits take half a cell.
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in s)


def _strip_markup(text: str, removed: _Removed) -> str:
    if _HTML_HINT_RE.search(text):
        for m in _HTML_IMG_RE.finditer(text):
            removed.add("markup", m.group(0))
        text = _HTML_IMG_RE.sub("", text)
        text = _HTML_BREAK_RE.sub("\n", text)
        text = _HTML_TAG_RE.sub("", text)
    if _HTML_ENTITY_RE.search(text):
        text = html.unescape(text)
    for m in _MD_IMAGE_RE.finditer(text):
        removed.add("caption", m.group(0))
    text = _MD_IMAGE_RE.sub("", text)
    return _MD_LINK_RE.sub(r"\1", text)


def _normalize(text: str, removed: _Removed) -> list[_Line]:
    # \f is a page break in pdftotext output; \v a manual line break in Word.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = _strip_markup(text, removed)
    text = text.translate(_INVISIBLE)
    text = _SPACES_RE.sub(" ", text.replace("\t", "    "))
    emoji = "".join(_EMOJI_RE.findall(text))
    if emoji:
        removed.add("emoji", emoji)
        text = _EMOJI_RE.sub("", text)
    lines: list[_Line] = []
    blank = _Line("", False)
    for raw in text.split("\n"):
        body = raw.rstrip(" \u3000")
        if not body:
            lines.append(blank)
            continue
        stripped = body.lstrip(" \u3000")
        lead = _visual_width(body[: len(body) - len(stripped)].replace("\u3000", "\u4e00"))
        indented, centered = 1.0 <= lead <= 2.5, lead > 2.5
        if stripped[0] in "#>":
            stripped = _MD_QUOTE_RE.sub("", _MD_HEADING_RE.sub("", stripped))
        if "**" in stripped or "__" in stripped:
            stripped = _MD_EMPHASIS_RE.sub(r"\2", stripped)
        if "\u3000" in stripped:
            # A run of full-width spaces inside a line separates fields (联系人：…　　电话：…).
            stripped = _FULL_SPACES_RE.sub(" ", stripped).strip()
        lines.append(_Line(stripped, indented, centered))
    return lines


class _Hints:
    """Org hints by strength: a 供稿/报送 line beats a signature, which beats 来源."""

    def __init__(self) -> None:
        self.best: tuple[int, str] | None = None

    def offer(self, strength: int, org: str) -> None:
        org = org.strip(" 。.，,")
        if len(org) >= 2 and (self.best is None or strength > self.best[0]):
            self.best = (strength, org)

    @property
    def org(self) -> str | None:
        return self.best[1] if self.best else None


def _drop_lines(
    lines: list[_Line], removed: _Removed, hints: _Hints, contacts: list[str]
) -> list[_Line]:
    kept: list[_Line] = []
    following_links = False
    n = len(lines)
    content_kept = 0  # the addressee line comes right after the sender and title lines
    for i, ln in enumerate(lines):
        s = ln.text
        if not s:
            kept.append(ln)
            continue
        if len(s) <= 80 and (m := SOURCE_LINE_RE.match(s) or SOURCE_SUFFIX_RE.match(s)):
            org, rest = split_contact(m.group("org") or m.groupdict().get("org2") or "")
            hints.offer(3, org)
            removed.add("source", s)
            if rest:
                contacts.append(rest)
            continue
        if following_links:
            removed.add("web_chrome", s)
            continue
        if i > n // 2 and FOLLOWING_LINKS_RE.match(s):
            # "推荐阅读" near the end: the rest is a list of other articles.
            following_links = True
            removed.add("web_chrome", s)
            continue
        if content_kept <= 3 and SALUTATION_RE.match(s):
            removed.add("salutation", s)
            continue
        reason = classify_line(s)
        if reason is None:
            kept.append(ln)
            content_kept += 1
            continue
        if reason == "contact":
            contacts.append(s)
        if reason == "web_chrome" and (m := WEB_SOURCE_RE.search(s)):
            hints.offer(1, m.group("org"))
        removed.add(reason, s)
    return kept


def _header_key(s: str) -> str:
    return DIGITS_RE.sub("#", s.replace(" ", ""))


def _drop_repeated_headers(lines: list[_Line], removed: _Removed, *, paged: bool) -> list[_Line]:
    """Short lines that recur (digits aside) are running page headers or footers: twice
    in a document that had page numbers, three times in any."""
    candidates = [
        _header_key(ln.text)
        for ln in lines
        if ln.text and len(ln.text) <= 50 and not ends_terminal(ln.text)
    ]
    counts = Counter(candidates)
    repeated = {
        k
        for k, c in counts.items()
        if c >= (2 if paged else 3) and len(re.findall(r"[\u4e00-\u9fff]", k)) >= 4
    }
    if not repeated:
        return lines
    content = [i for i, ln in enumerate(lines) if ln.text]
    first = content[0] if content else -1
    second = content[1] if len(content) > 1 else -1
    out: list[_Line] = []
    prev_key: str | None = None
    for i, ln in enumerate(lines):
        key = _header_key(ln.text) if ln.text and len(ln.text) <= 50 else None
        if key in repeated:
            # The first line may be the title that a PDF repeats on each page; keep it
            # unless the next line is itself title-like (then the first is a header).
            next_title_like = (
                second >= 0
                and len(lines[second].text) <= 50
                and not ends_terminal(lines[second].text)
            )
            if i == first and not next_title_like:
                out.append(ln)
            else:
                reason = "duplicate" if key == prev_key else "page_header"
                removed.add(reason, ln.text)
                continue
        else:
            out.append(ln)
        if key:
            prev_key = key
    return out


def _wrap_width(lines: list[_Line]) -> tuple[float, bool]:
    """The width lines were hard-wrapped at, and whether they were wrapped at all: the
    lines that another line follows are mostly of one width, some stop mid-sentence."""
    # An indented line starts a paragraph, so the line before it is no evidence.
    inner = [
        a.text
        for a, b in itertools.pairwise(lines)
        if b.text and not b.indented and len(a.text) >= 8 and not a.centered
    ]
    widths = sorted(_visual_width(t) for t in inner)
    if len(widths) < 2:
        return (widths[-1] if widths else 0.0), False
    width = widths[min(len(widths) - 1, int(len(widths) * 0.8))]
    tolerance = max(1.5, 0.08 * width)
    near = sum(1 for w in widths if abs(w - width) <= tolerance)
    open_ended = any(
        not ends_terminal(t) and t[-1] not in "：:" and _visual_width(t) >= 0.85 * width
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


def _layout(lines: list[_Line]) -> _Layout:
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


def _assemble(lines: list[_Line]) -> list[str]:
    """Join hard-wrapped lines into paragraphs."""
    layout = _layout(lines)
    paragraphs: list[str] = []
    cur: str | None = None
    prev: _Line | None = None
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


def _joins(prev: _Line, cur: _Line, layout: _Layout, *, title_position: bool) -> bool:
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
    full = _visual_width(a) >= 0.75 * width
    if ends_terminal(a):
        # In wrapped text a line filled to the margin that happens to end a sentence is
        # more often mid-paragraph than a paragraph end, when a flush line follows that
        # is itself full or ends a sentence (not a signature or heading).
        brim = _visual_width(a) >= width - max(1.5, 0.08 * width)
        return wrapped and brim and (ends_terminal(b) or _visual_width(b) >= 0.75 * width)
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
        return wrapped and _visual_width(a) >= width - max(1.5, 0.08 * width)
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


def _merge_broken_paragraphs(paragraphs: list[str]) -> list[str]:
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


def _clean_inline(p: str, removed: _Removed) -> str:
    """Newspaper lead-ins and photo captions inside a paragraph."""
    m = NEWS_PREFIX_RE.match(p)
    if m and m.end() < len(p):
        removed.add("newspaper", m.group(0))
        p = p[m.end() :]
    m = REPORTER_PAREN_RE.match(p)
    if m and m.end() < len(p):
        removed.add("newspaper", m.group(0))
        p = p[m.end() :]
    for m in INLINE_CAPTION_RE.finditer(p):
        removed.add("caption", m.group(0))
    return INLINE_CAPTION_RE.sub("", p).strip()


def _clean_ending(p: str, removed: _Removed, hints: _Hints, contacts: list[str]) -> str:
    """A closing （XX供稿） / 供稿：XX / （文/XX） / 联系人：… on the last paragraph."""
    m = TRAILING_CONTACT_RE.search(p)
    if m:
        contacts.append(m.group("c").strip())
        removed.add("contact", m.group("c"))
        p = p[: m.start()]
    m = TRAILING_END_RE.search(p)
    if m:
        removed.add("separator", m.group(0))
        p = p[: m.start()]
    for rx in (TRAILING_SOURCE_RE, TRAILING_SOURCE_BARE_RE):
        m = rx.search(p)
        if m:
            hints.offer(3, m.group("a") or m.groupdict().get("b") or "")
            removed.add("source", m.group(0))
            p = p[: m.start()]
    m = TRAILING_BYLINE_RE.search(p)
    if m:
        removed.add("byline", m.group(0))
        p = p[: m.start()]
    return p.strip()


def _drop_duplicates(paragraphs: list[str], removed: _Removed) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for p in paragraphs:
        key = re.sub(r"\s+", "", p)
        if len(key) >= 8 and key in seen:
            removed.add("duplicate", p)
            continue
        seen.add(key)
        out.append(p)
    return out


def _drop_signature(paragraphs: list[str], removed: _Removed, hints: _Hints) -> list[str]:
    """A closing ``北京气象学会`` / ``2026年5月8日`` block: the org is a hint, the block goes."""
    if len(paragraphs) < 2:
        return paragraphs
    tail = paragraphs[-1]
    lines = tail.split("\n")
    if (
        len(lines) == 1
        and (m := SIGNATURE_ONE_LINE_RE.match(tail))
        and DATE_ONLY_RE.match(m.group("date").replace(" ", ""))
    ):
        hints.offer(2, m.group("org"))
        removed.add("signature", tail)
        return paragraphs[:-1]
    if DATE_ONLY_RE.match(tail.replace(" ", "")):
        removed.add("signature", tail)
        paragraphs = paragraphs[:-1]
        if len(paragraphs) >= 2 and ORG_LINE_RE.match(paragraphs[-1]):
            hints.offer(2, paragraphs[-1])
            removed.add("signature", paragraphs[-1])
            paragraphs = paragraphs[:-1]
    elif len(tail) <= 40 and ORG_LINE_RE.match(tail) and ends_terminal(paragraphs[-2]):
        hints.offer(2, tail)
        removed.add("signature", tail)
        paragraphs = paragraphs[:-1]
    return paragraphs


def _title_like(p: str) -> bool:
    return bool(
        p
        and len(p) <= 60
        and "\n" not in p
        and not ends_terminal(p)
        and p[-1] not in "：:，,、"
        and not LIST_START_RE.match(p)
        and not LEADING_DATE_RE.match(p)
    )


def _sender_line(p: str) -> bool:
    """``北京气象学会`` alone on a line — not ``…走进北京科学中心`` (a title with a verb)."""
    return bool(ORG_LINE_RE.match(p)) and not TITLE_VERB_RE.search(p)


def _take_title(
    paragraphs: list[str], removed: _Removed, hints: _Hints
) -> tuple[str | None, list[str]]:
    """The title: a short first paragraph without sentence-final punctuation."""
    paragraphs = list(paragraphs)
    if paragraphs:
        paragraphs[0] = TITLE_LABEL_RE.sub("", paragraphs[0]).strip()
    # A sender line or a newsletter name above the title ("北京气象学会" / "XX工作简报").
    while (
        len(paragraphs) >= 3
        and _title_like(paragraphs[0])
        and _title_like(paragraphs[1])
        and (
            _sender_line(paragraphs[0])
            or (len(paragraphs[0]) <= 20 and NEWSLETTER_RE.search(paragraphs[0]))
        )
    ):
        if _sender_line(paragraphs[0]):
            hints.offer(2, paragraphs[0])
        removed.add("masthead", paragraphs.pop(0))
    # A sender line over an untitled report is not its title.
    if len(paragraphs) >= 2 and _sender_line(paragraphs[0]) and not _title_like(paragraphs[1]):
        hints.offer(2, paragraphs[0])
        removed.add("masthead", paragraphs.pop(0))
        return None, paragraphs
    if len(paragraphs) < 2 or not _title_like(paragraphs[0]):
        return None, paragraphs
    first, rest = paragraphs[0], paragraphs[1:]
    # A title wrapped onto a second short line: "关于召开……的" / "情况报告".
    if (
        len(rest) >= 2
        and _title_like(rest[0])
        and len(first) + len(rest[0]) <= 60
        and TITLE_END_RE.search(rest[0])
        and not TITLE_END_RE.search(first)
    ):
        first, rest = first + rest[0], rest[1:]
    # A subtitle line ("——记……") belongs to the title.
    if len(rest) >= 2 and rest[0].startswith(("——", "—")) and len(rest[0]) <= 40:
        first, rest = first + rest[0], rest[1:]
    return first, rest


def clean_text(text: str) -> CleanResult:
    """Remove paste damage from a raw report; see the module docstring for the rules."""
    removed = _Removed()
    hints = _Hints()
    contacts: list[str] = []
    lines = _normalize(text, removed)
    lines = _drop_lines(lines, removed, hints, contacts)
    paged = any(reason == "page_number" for reason, _ in removed.items)
    lines = _drop_repeated_headers(lines, removed, paged=paged)
    paragraphs = [p for p in (_clean_inline(p, removed) for p in _assemble(lines)) if p]
    cleaned = _merge_broken_paragraphs(paragraphs)
    if cleaned:
        cleaned[-1] = _clean_ending(cleaned[-1], removed, hints, contacts)
        cleaned = [p for p in cleaned if p]
    cleaned = _drop_duplicates(cleaned, removed)
    cleaned = _drop_signature(cleaned, removed, hints)
    while len(cleaned) > 1 and DATE_ONLY_RE.match(cleaned[0].replace(" ", "")):
        removed.add("masthead", cleaned.pop(0))  # the date a page was published
    title, body = _take_title(cleaned, removed, hints)
    while len(body) > 1 and DATE_ONLY_RE.match(body[0].replace(" ", "")):
        removed.add("masthead", body.pop(0))
    return CleanResult(
        text="\n\n".join(body),
        removed=removed.items,
        contact="；".join(dict.fromkeys(contacts)) or None,
        org_hint=hints.org,
        title=title,
    )
