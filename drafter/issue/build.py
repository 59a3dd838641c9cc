"""Assemble an issue from briefs: masthead, lead stories, sections, footer, 目录提要.

:func:`build_issue` is pure (no files, no clock but the default date, no numbering
state): the CLI and the editorial store decide the numbers with
:mod:`drafter.issue.numbering` and pass them in.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from drafter.errors import IssueError
from drafter.issue.parse import infer_event_date
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, Footer, Issue, IssueSection, Masthead
from drafter.style import lint_brief

__all__ = [
    "DUPLICATE_RATIO",
    "LEAD",
    "Problem",
    "assemble_issue",
    "brief_label",
    "build_issue",
    "find_duplicates",
    "place_briefs",
    "review_problems",
    "today",
]

log = logging.getLogger(__name__)

DUPLICATE_RATIO = 90.0
"""rapidfuzz ratio (0–100) of two briefs' text above which they are the same brief."""


_SHOWN = 8  # problems named in one message; the rest are counted


@dataclass(frozen=True)
class Problem:
    """A brief that may not go into an issue without ``force``, and why."""

    index: int
    brief: Brief
    reasons: list[str]

    def describe(self) -> str:
        return f"{brief_label(self.index, self.brief)}：{'；'.join(self.reasons)}"


def today(profile: Profile) -> dt.date:
    """Today's date where the bulletin is published (``profile.timezone``)."""
    return dt.datetime.now(ZoneInfo(profile.timezone)).date()


def brief_label(index: int, brief: Brief) -> str:
    """How a message names a brief: its position, headline and file when known."""
    where = f"，{brief.provenance.source_file}" if brief.provenance.source_file else ""
    return f"第{index + 1}篇“{brief.headline}”{where}"


def _fingerprint(brief: Brief) -> str:
    return brief.headline + "".join(brief.paragraphs)


def find_duplicates(briefs: list[Brief]) -> list[tuple[int, int, str]]:
    """Pairs ``(i, j, why)`` of briefs that are the same: same source or near-identical text."""
    from rapidfuzz import fuzz

    pairs: list[tuple[int, int, str]] = []
    texts = [_fingerprint(b) for b in briefs]
    for j, b in enumerate(briefs):
        for i in range(j):
            a = briefs[i]
            if a.source_id and a.source_id == b.source_id:
                pairs.append((i, j, f"来源相同（{a.source_id}）"))
            elif fuzz.ratio(texts[i], texts[j]) >= DUPLICATE_RATIO:
                pairs.append((i, j, "内容几乎相同"))
    return pairs


def review_problems(briefs: list[Brief], profile: Profile) -> list[Problem]:
    """Briefs that need review or have lint errors: refused unless forced."""
    problems: list[Problem] = []
    for i, brief in enumerate(briefs):
        reasons: list[str] = []
        if brief.status == "needs_review":
            reasons.append("状态为“待审核”（needs_review）")
        expected = None
        if brief.attribution and not _is_lead(brief, profile):
            # The short form the registry knows, e.g. 北京市海淀区科学技术协会 → 海淀区科协.
            match = profile.resolve_org(brief.attribution)
            expected = match.short if match else None
        findings = lint_brief(brief, profile, expected_attribution=expected)
        errors: list[Finding] = [f for f in findings if f.severity == "error"]
        if errors:
            shown = "、".join(dict.fromkeys(f"{f.rule}（{f.message}）" for f in errors[:3]))
            more = f"等{len(errors)}处" if len(errors) > 3 else ""
            reasons.append(f"规范检查有错误：{shown}{more}")
        if reasons:
            problems.append(Problem(index=i, brief=brief, reasons=reasons))
    return problems


def _is_lead(brief: Brief, profile: Profile) -> bool:
    return profile.is_lead(brief.kind, flagged=brief.lead or brief.section == "lead")


def _section_key(brief: Brief, profile: Profile, keys: set[str], index: int) -> str:
    if brief.section in keys:
        return brief.section
    if brief.kind is not None:
        key = profile.section_of(brief.kind)
        if key in keys:
            return key
    raise IssueError(
        f"{brief_label(index, brief)}的栏目“{brief.section}”不在版式配置中",
        hint=f"可用栏目：{'、'.join(sorted(keys))}",
        section=brief.section,
    )


def _sort_key(brief: Brief, issue_date: dt.date) -> tuple[int, dt.date]:
    when = brief.event_date or infer_event_date(brief.paragraphs[0], issue_date)
    return (0, when) if when else (1, dt.date.max)


def build_issue(
    briefs: list[Brief],
    *,
    profile: Profile | None = None,
    date: dt.date | None = None,
    number: int | None = None,
    total: int | None = None,
    editor: str | None = None,
    reviewer: str | None = None,
    force: bool = False,
) -> Issue:
    """Make an issue from ``briefs``.

    Lead stories (flagged lead, section ``lead`` or a lead kind such as ``office``)
    come first in the order given; then the profile's sections in order, briefs by
    event date; empty sections are left out. ``number`` defaults to 1 and ``total``
    to ``number`` (the CLI passes the remembered numbering). The same brief twice
    is always refused; briefs that need review or have lint errors are refused
    unless ``force``. Raises :class:`IssueError`.
    """
    p = profile or load_profile()
    if not briefs:
        raise IssueError("没有可编排的稿件", hint="请至少提供一篇简讯（Markdown 或 JSON）")
    issue_date = date or today(p)
    dups = find_duplicates(briefs)
    if dups:
        lines = [
            f"{brief_label(i, briefs[i])}与{brief_label(j, briefs[j])}重复（{why}）"
            for i, j, why in dups[:_SHOWN]
        ]
        more = f"；另有{len(dups) - _SHOWN}处重复" if len(dups) > _SHOWN else ""
        raise IssueError(
            "同一篇稿件出现了两次：" + "；".join(lines) + more,
            hint="请去掉其中一篇后重新组稿",
            duplicates=[(i, j) for i, j, _ in dups],
        )
    problems = review_problems(briefs, p)
    if problems and not force:
        more = f"；另有{len(problems) - _SHOWN}篇" if len(problems) > _SHOWN else ""
        raise IssueError(
            f"有{len(problems)}篇稿件未通过检查："
            + "；".join(x.describe() for x in problems[:_SHOWN])
            + more,
            hint="请修改这些稿件（drafter lint / drafter fix）后重试，或加 --force 强制编入",
            problems=[x.index for x in problems],
        )
    for x in problems:
        log.info("forced into the issue: %s", x.describe())

    placed = place_briefs(briefs, p, issue_date)
    return assemble_issue(
        {key: [briefs[i] for i in idx] for key, idx in placed.items()},
        profile=p,
        date=issue_date,
        number=number,
        total=total,
        editor=editor,
        reviewer=reviewer,
    )


LEAD = "lead"
"""The placement key of the lead stories (头条), before the profile's sections."""


def place_briefs(
    briefs: list[Brief], profile: Profile, issue_date: dt.date
) -> dict[str, list[int]]:
    """Where each brief goes by default: ``{"lead": [...], section key: [...]}`` of indexes.

    Lead stories keep the order given; the profile's sections follow in order, their
    briefs by event date. Keys with no brief are left out.
    """
    keys = {s.key for s in profile.ordered_sections()}
    placed: dict[str, list[int]] = {LEAD: []}
    placed.update({s.key: [] for s in profile.ordered_sections()})
    for i, brief in enumerate(briefs):
        key = LEAD if _is_lead(brief, profile) else _section_key(brief, profile, keys, i)
        placed[key].append(i)
    for key, idx in placed.items():
        if key != LEAD:
            idx.sort(key=lambda i: _sort_key(briefs[i], issue_date))
    return {key: idx for key, idx in placed.items() if idx}


def assemble_issue(
    placed: dict[str, list[Brief]],
    *,
    profile: Profile,
    date: dt.date,
    number: int | None = None,
    total: int | None = None,
    editor: str | None = None,
    reviewer: str | None = None,
) -> Issue:
    """An issue with the briefs exactly where ``placed`` puts them (see :func:`place_briefs`).

    Sections print in the profile's order, empty ones left out; the 目录提要 is the
    offline lines (callers replace ``toc`` with edited ones).
    """
    p = profile
    specs = p.ordered_sections()
    unknown = set(placed) - {LEAD, *(s.key for s in specs)}
    if unknown:
        raise IssueError(
            f"栏目“{'、'.join(sorted(unknown))}”不在版式配置中",
            hint=f"可用栏目：{'、'.join(s.key for s in specs)}",
        )
    leads = [b.model_copy(update={"lead": True, "section": LEAD}) for b in placed.get(LEAD, [])]
    sections = [
        IssueSection(
            key=s.key,
            title=s.title,
            briefs=[b.model_copy(update={"lead": False, "section": s.key}) for b in placed[s.key]],
        )
        for s in specs
        if placed.get(s.key)
    ]
    n = number or 1
    issue = Issue(
        masthead=Masthead(
            name=p.bulletin,
            year=date.year,
            number=n,
            total=total or n,
            office=p.office,
            date=date,
        ),
        leads=leads,
        sections=sections,
        footer=Footer(
            editor=editor or p.footer.editor or None,
            reviewer=reviewer or p.footer.reviewer or None,
            distribution=list(p.footer.distribution),
        ),
    )
    from drafter.issue.toc import toc_lines

    return issue.model_copy(update={"toc": toc_lines(issue, profile=p)})
