"""Paste damage in characters and whole lines: the first passes of cleaning a paste.

Characters: zero-width marks, BOM, NBSP, emoji, Markdown and HTML markup. Lines: web
chrome, bylines, captions, contact and 供稿 lines (see :mod:`drafter.ingest.boilerplate`),
and running page headers. What is removed is recorded with its reason; a line naming
the sender is kept as a hint. The later passes: :mod:`drafter.ingest.paste`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from drafter.ingest.boilerplate import (
    DIGITS_RE,
    FOLLOWING_LINKS_RE,
    SALUTATION_RE,
    SOURCE_LINE_RE,
    SOURCE_SUFFIX_RE,
    WEB_SOURCE_RE,
    classify_line,
    ends_terminal,
    split_contact,
)
from drafter.ingest.chrome import is_site_name

__all__ = [
    "Hints",
    "Line",
    "Removed",
    "drop_lines",
    "drop_repeated_headers",
    "normalize",
    "visual_width",
]


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
class Line:
    """One line of the paste, without its indent."""

    text: str
    indented: bool  # a paragraph indent (two characters or so)
    centered: bool = False  # deeper indentation: a centred title or a signature


class Removed:
    """What cleaning removed, as (reason, text) in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, reason: str, text: str) -> None:
        text = text.strip()
        if text:
            self.items.append((reason, text))


def visual_width(s: str) -> float:
    """Width in character cells: hard wraps happen at a visual width, and ASCII letters
    and digits take half a cell."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in s)


def _strip_markup(text: str, removed: Removed) -> str:
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


def normalize(text: str, removed: Removed) -> list[Line]:
    # \f is a page break in pdftotext output; \v a manual line break in Word.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    text = _strip_markup(text, removed)
    text = text.translate(_INVISIBLE)
    text = _SPACES_RE.sub(" ", text.replace("\t", "    "))
    emoji = "".join(_EMOJI_RE.findall(text))
    if emoji:
        removed.add("emoji", emoji)
        text = _EMOJI_RE.sub("", text)
    lines: list[Line] = []
    blank = Line("", False)
    for raw in text.split("\n"):
        body = raw.rstrip(" \u3000")
        if not body:
            lines.append(blank)
            continue
        stripped = body.lstrip(" \u3000")
        lead = visual_width(body[: len(body) - len(stripped)].replace("\u3000", "\u4e00"))
        indented, centered = 1.0 <= lead <= 2.5, lead > 2.5
        if stripped[0] in "#>":
            stripped = _MD_QUOTE_RE.sub("", _MD_HEADING_RE.sub("", stripped))
        if "**" in stripped or "__" in stripped:
            stripped = _MD_EMPHASIS_RE.sub(r"\2", stripped)
        if "\u3000" in stripped:
            # A run of full-width spaces inside a line separates fields (联系人：…　　电话：…).
            stripped = _FULL_SPACES_RE.sub(" ", stripped).strip()
        lines.append(Line(stripped, indented, centered))
    return lines


class Hints:
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


def drop_lines(
    lines: list[Line], removed: Removed, hints: Hints, contacts: list[str]
) -> list[Line]:
    kept: list[Line] = []
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
        if (
            reason == "web_chrome"
            and (m := WEB_SOURCE_RE.search(s))
            and not is_site_name(m.group("org"))
        ):
            hints.offer(1, m.group("org"))
        removed.add(reason, s)
    return kept


def _header_key(s: str) -> str:
    return DIGITS_RE.sub("#", s.replace(" ", ""))


def drop_repeated_headers(lines: list[Line], removed: Removed, *, paged: bool) -> list[Line]:
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
    out: list[Line] = []
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
