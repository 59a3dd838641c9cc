"""Read a published issue (Markdown or plain text) back into an :class:`Issue`.

Issues come back from the printer as text extractions with damage: headings at
inconsistent levels (``##`` or ``###`` for a brief), ``**bold**`` inside headings,
half-width punctuation, spaces around digits and sentences broken across blank
lines. The parser undoes the damage that is mechanical (the style fixer cleans each
paragraph) so the briefs it returns are clean, and splits each brief's attribution
off its last paragraph.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from drafter.brieftext import split_attribution
from drafter.errors import IssueError
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Footer, Issue, IssueSection, Masthead, OrgKind, Provenance
from drafter.style import fix_paragraph
from drafter.style.inline import inside_quoted

__all__ = ["clean_headline", "clean_paragraph", "infer_event_date", "parse_issue"]

log = logging.getLogger(__name__)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_HAN_CHAR = re.compile(f"[{_CJK}]")
_WIDE = _CJK + "\u3000-\u303f\uff01-\uff60“”‘’—…"
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*(?:[-—─━=_*]\s*){3,}$")
_ITEM = re.compile(r"^\s*(?:[-*+•·]|\d+[.、])\s+(.*)$")
_ISSUE_LINE = re.compile(r"(\d{4})\s*年\s*第\s*(\d+)\s*期")
_TOTAL = re.compile(r"[（(]\s*总\s*第\s*(\d+)\s*期\s*[）)]")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_EVENT_DATE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FOOTER_START = re.compile(r"^\s*(编辑|审核|分送)\s*[：:]")
_EDITOR = re.compile(r"编辑\s*[：:]\s*(.+?)\s*(?=审核\s*[：:]|$)")
_REVIEWER = re.compile(r"审核\s*[：:]\s*(.+?)\s*$")
_SECTION = re.compile(r"^[【\[](.+)[】\]]$")
# A paragraph is complete when it ends a sentence (possibly inside a closing quote
# or bracket); anything else was broken by the extraction and continues below.
_COMPLETE = re.compile(r"[。！？!?…；;：:][”’」』）)]*$")
_SENTENCE_MARKS = re.compile(r"[，。；！？,;!?]")
_TOC_TITLE = "目录提要"


@dataclass
class _Block:
    lines: list[str]
    heading: int = 0  # Markdown heading level, 0 for text
    indented: bool = False

    @property
    def text(self) -> str:
        return "".join(line.strip() for line in self.lines)


@dataclass
class _Draft:
    headline: str
    section: IssueSection | None
    blocks: list[str] = field(default_factory=list)


def _strip_marks(s: str) -> str:
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", s).replace("**", "").strip(" \t\u3000*_")


def clean_paragraph(s: str) -> str:
    """One body paragraph repaired: spaces next to digits and Latin, punctuation."""
    s = _strip_marks(s)
    s = re.sub(
        rf"(?<=[{_WIDE}])[ \t\u3000]+(?=[0-9A-Za-z{_WIDE}(])|(?<=[0-9A-Za-z),.])[ \t\u3000]+(?=[{_WIDE}])",
        lambda m: m.group(0) if _keeps_space(s, m.start(), m.end()) else "",
        s,
    )
    return fix_paragraph(s).strip()


def _keeps_space(s: str, start: int, end: int) -> bool:
    # A space between two Chinese characters is kept in body text: official titles
    # such as 《关于实施… 打造…》 separate their parts that way.
    before, after = s[start - 1], s[end] if end < len(s) else ""
    return bool(re.match(f"[{_CJK}]", before) and re.match(f"[{_CJK}]", after))


def clean_headline(s: str) -> str:
    """A headline repaired: marks gone, line-break spaces closed, punctuation fixed."""
    s = _strip_marks(s)
    s = re.sub(rf"(?<=[{_WIDE}0-9A-Za-z])[ \t\u3000]+(?=[{_WIDE}])", lambda m: _quoted_gap(s, m), s)
    s = re.sub(rf"(?<=[{_WIDE}])[ \t\u3000]+(?=[0-9A-Za-z])", "", s)
    return fix_paragraph(s).strip()


def _quoted_gap(s: str, m: re.Match[str]) -> str:
    """One space kept between two Chinese words inside 《》 or “” (a title, a slogan)."""
    i, j = m.start(), m.end()
    han = _HAN_CHAR.match(s, i - 1) and j < len(s) and _HAN_CHAR.match(s, j)
    return " " if han and inside_quoted(s, i) else ""


def infer_event_date(paragraph: str, issue_date: dt.date) -> dt.date | None:
    """The event date a lead sentence starts with (``5月8日，…``), in the issue's year."""
    m = _EVENT_DATE.search(paragraph[:80])
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    # An event reported in January for a December issue belongs to the previous year.
    year = issue_date.year - 1 if month > issue_date.month + 1 else issue_date.year
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _blocks(text: str) -> list[_Block]:
    out: list[_Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            indented = current[0][:1] in (" ", "\t", "\u3000")
            out.append(_Block(lines=list(current), indented=indented))
            current.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        m = _MD_HEADING.match(line)
        if m or _RULE.match(line):
            flush()
            if m:
                out.append(_Block(lines=[m.group(2)], heading=len(m.group(1))))
            else:
                out.append(_Block(lines=["---"], heading=-1))
            continue
        current.append(line)
    flush()
    return out


def _is_rule(b: _Block) -> bool:
    return b.heading == -1


def _parse_masthead(blocks: list[_Block], profile: Profile) -> Masthead:
    lines = [line.strip() for b in blocks for line in b.lines if not _is_rule(b)]
    joined = "\n".join(lines)
    issue_m = _ISSUE_LINE.search(joined)
    total_m = _TOTAL.search(joined)
    missing = [
        label
        for label, found in (("“YYYY年 第N期”期号行", issue_m), ("“（总第N期）”", total_m))
        if not found
    ]
    date: dt.date | None = None
    office: str | None = None
    name: str | None = None
    for b in blocks:
        if b.heading == 1 and name is None:
            name = _strip_marks(b.text)
    for line in lines:
        bare = _strip_marks(line)
        if _ISSUE_LINE.search(bare) or _TOTAL.fullmatch(bare):
            continue
        dm = _DATE.fullmatch(bare)
        if dm:
            date = _date_or_error(dm)
            continue
        if name is None:
            name = bare
        elif bare != name and office is None:
            office = bare
    if date is None:
        missing.append("“YYYY年M月D日”出刊日期")
    if missing or issue_m is None or total_m is None or date is None:
        raise IssueError(
            f"报头不完整，找不到{'、'.join(missing)}",
            hint="报头依次为：刊名、“2023年 第15期”、“（总第68期）”、编发单位、出刊日期",
        )
    return Masthead(
        name=name or profile.bulletin,
        year=int(issue_m.group(1)),
        number=int(issue_m.group(2)),
        total=int(total_m.group(1)),
        office=office or profile.office,
        date=date,
    )


def _date_or_error(m: re.Match[str]) -> dt.date:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise IssueError(f"报头日期无效：{m.group(0)}", hint="请改为真实存在的日期") from exc


def _norm_title(s: str) -> str:
    return re.sub(r"[【】\[\]“”\"「」\s]", "", s)


def _section_for(title: str, profile: Profile) -> IssueSection:
    key = _norm_title(title)
    for spec in profile.ordered_sections():
        if _norm_title(spec.title) == key:
            return IssueSection(key=spec.key, title=spec.title)
    return IssueSection(key=key, title=f"【{title}】")


def _join_broken(blocks: list[str]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if out and not _complete(out[-1]):
            out[-1] += block
        else:
            out.append(block)
    return out


def _complete(paragraph: str) -> bool:
    p = paragraph.rstrip()
    return bool(_COMPLETE.search(p)) or split_attribution(p)[1] is not None


def _looks_like_headline(b: _Block, previous_complete: bool, indented_body: bool) -> bool:
    """In plain text, a short unindented line after a finished paragraph is a headline.

    Where the body paragraphs are indented (as drafter's .txt is), indentation alone
    tells, so a headline may carry a comma; otherwise it may carry no sentence marks.
    """
    text = b.text
    return (
        len(b.lines) == 1
        and not b.indented
        and previous_complete
        and 2 <= len(text) <= 60
        and not _COMPLETE.search(text)
        and (indented_body or not _SENTENCE_MARKS.search(text))
    )


def parse_issue(
    text: str, *, profile: Profile | None = None, source_file: str | None = None
) -> Issue:
    """Parse an issue's Markdown or plain text (with extraction damage) into an Issue."""
    p = profile or load_profile()
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = _blocks(body)
    if not blocks:
        raise IssueError("简报文本为空", hint="请提供一期简报的 Markdown 或纯文本")
    markdown = any(b.heading > 0 for b in blocks)
    indented_body = sum(b.indented for b in blocks) > len(blocks) // 4

    # Masthead: everything before the first rule, 目录提要 or story heading.
    i = 0
    masthead_blocks: list[_Block] = []
    while i < len(blocks):
        b = blocks[i]
        if _is_rule(b) or _strip_marks(b.text) == _TOC_TITLE or b.heading >= 2:
            break
        if not markdown and masthead_blocks and _SECTION.match(b.text):
            break
        masthead_blocks.append(b)
        i += 1
        if not markdown and len(masthead_blocks) >= 5 and _DATE.search(b.text):
            break
    masthead = _parse_masthead(masthead_blocks, p)

    toc: list[str] = []
    leads: list[_Draft] = []
    sections: list[IssueSection] = []
    drafts: list[_Draft] = []
    current: _Draft | None = None
    section: IssueSection | None = None
    footer_lines: list[str] = []
    in_toc = False

    for b in blocks[i:]:
        if footer_lines:
            if not _is_rule(b):
                footer_lines.extend(line.strip() for line in b.lines)
            continue
        if _is_rule(b):
            in_toc = False
            continue
        title = _strip_marks(b.text)
        if title == _TOC_TITLE:
            in_toc = True
            continue
        if _FOOTER_START.match(b.lines[0]):
            footer_lines.extend(line.strip() for line in b.lines)
            continue
        if in_toc:
            if markdown and b.heading == 0:
                toc.extend(_toc_entries(b))
                continue
            if not markdown:
                toc.extend(_toc_entries(b))
                in_toc = False
                continue
            in_toc = False
        heading = b.heading > 0 or (
            not markdown
            and (
                _SECTION.match(title) is not None
                or _looks_like_headline(
                    b,
                    current is None or (bool(current.blocks) and _complete(current.blocks[-1])),
                    indented_body,
                )
            )
        )
        if heading:
            headline = clean_headline(title)
            sm = _SECTION.match(headline)
            if sm:
                section = _section_for(sm.group(1), p)
                sections.append(section)
                current = None
                continue
            current = _Draft(headline=headline, section=section)
            (leads if section is None else drafts).append(current)
            continue
        if current is None:
            log.warning("text outside any brief ignored: %.30s", b.text)
            continue
        current.blocks.append(b.text)

    for d in drafts:
        if d.section is not None:
            parsed = _brief(d, masthead, p, lead=False, source_file=source_file)
            if parsed is not None:
                d.section.briefs.append(parsed)
    lead_briefs = [
        brief
        for d in leads
        if (brief := _brief(d, masthead, p, lead=True, source_file=source_file)) is not None
    ]
    return Issue(
        masthead=masthead,
        toc=[clean_headline(t) for t in toc],
        leads=lead_briefs,
        sections=sections,
        footer=_footer(footer_lines),
    )


def _toc_entries(b: _Block) -> list[str]:
    out = []
    for line in b.lines:
        m = _ITEM.match(line)
        entry = (m.group(1) if m else line).strip(" \t\u3000")
        if entry:
            out.append(entry)
    return out


def _brief(
    d: _Draft,
    masthead: Masthead,
    profile: Profile,
    *,
    lead: bool,
    source_file: str | None,
) -> Brief | None:
    paragraphs = [clean_paragraph(x) for x in _join_broken(d.blocks)]
    paragraphs = [x for x in paragraphs if x]
    if not paragraphs:
        log.warning("brief without body skipped: %s", d.headline)
        return None
    body, attribution = split_attribution(paragraphs[-1])
    if body:
        paragraphs[-1] = body
    else:
        paragraphs.pop()
    if not paragraphs:
        raise IssueError(f"稿件“{d.headline}”只有署名，没有正文", hint="请检查该稿件的正文是否缺失")
    kind: OrgKind | None = "office" if lead else None
    if attribution:
        match = profile.resolve_org(attribution)
        if match:
            kind = match.kind
    section_key = "lead" if lead or d.section is None else d.section.key
    return Brief(
        headline=d.headline,
        event_date=infer_event_date(paragraphs[0], masthead.date),
        paragraphs=paragraphs,
        attribution=attribution,
        section=section_key,
        lead=lead,
        kind=kind,
        provenance=Provenance(engine="parsed", source_file=source_file),
    )


def _footer(lines: list[str]) -> Footer:
    editor = reviewer = None
    distribution: list[str] = []
    in_dist = False
    for raw in lines:
        line = raw.strip(" \t\u3000")
        if not line:
            continue
        if line.startswith(("分送：", "分送:")):
            in_dist = True
            first = line[3:].strip(" \t\u3000")
            if first:
                distribution.append(first)
            continue
        if in_dist:
            distribution.append(line)
            continue
        em = _EDITOR.search(line)
        if em:
            editor = em.group(1).strip(" \t\u3000")
        rm = _REVIEWER.search(line)
        if rm:
            reviewer = rm.group(1).strip(" \t\u3000")
    return Footer(editor=editor or None, reviewer=reviewer or None, distribution=distribution)
