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

Steps 1–2 live in :mod:`drafter.ingest._lines`, the joining of lines in
:mod:`drafter.ingest._paragraphs`, the line and fragment patterns in
:mod:`drafter.ingest.boilerplate`. Everything removed is listed in
:attr:`CleanResult.removed` as ``(reason, text)``. The passes are linear in the text;
the regexes are compiled once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.ingest._lines import Hints, Removed, drop_lines, drop_repeated_headers, normalize
from drafter.ingest._paragraphs import assemble, merge_broken_paragraphs
from drafter.ingest.boilerplate import (
    DATE_ONLY_RE,
    INLINE_CAPTION_RE,
    LIST_START_RE,
    NEWS_PREFIX_RE,
    NEWSLETTER_RE,
    ORG_LINE_RE,
    REASONS,
    REPORTER_PAREN_RE,
    SIGNATURE_ONE_LINE_RE,
    TITLE_END_RE,
    TITLE_LABEL_RE,
    TITLE_VERB_RE,
    TRAILING_BYLINE_RE,
    TRAILING_CONTACT_RE,
    TRAILING_END_RE,
    TRAILING_SOURCE_BARE_RE,
    TRAILING_SOURCE_RE,
    ends_terminal,
)
from drafter.ingest.chrome import strip_leading_chrome
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


def _clean_inline(p: str, removed: Removed) -> str:
    """Newspaper lead-ins and photo captions inside a paragraph."""
    chrome, p = strip_leading_chrome(p)
    removed.add("web_chrome", chrome)
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


def _clean_ending(p: str, removed: Removed, hints: Hints, contacts: list[str]) -> str:
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


def _drop_duplicates(paragraphs: list[str], removed: Removed) -> list[str]:
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


def _drop_signature(paragraphs: list[str], removed: Removed, hints: Hints) -> list[str]:
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
    paragraphs: list[str], removed: Removed, hints: Hints
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
    removed = Removed()
    hints = Hints()
    contacts: list[str] = []
    lines = normalize(text, removed)
    lines = drop_lines(lines, removed, hints, contacts)
    paged = any(reason == "page_number" for reason, _ in removed.items)
    lines = drop_repeated_headers(lines, removed, paged=paged)
    paragraphs = [p for p in (_clean_inline(p, removed) for p in assemble(lines)) if p]
    cleaned = merge_broken_paragraphs(paragraphs)
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
