"""An issue as Markdown, in the layout of the published bulletin.

Masthead lines, a rule, ``## 目录提要`` with ``- `` lines, lead stories as ``##``,
each section as a ``## 【…】`` heading with its briefs as ``###``, then the footer:
``编辑：``, ``审核：``, a rule, ``分送：`` and one recipient group a line.
"""

from __future__ import annotations

from drafter.brieftext import join_attribution
from drafter.schemas import Brief, Issue, Masthead

__all__ = ["issue_line", "masthead_date", "render_md", "total_line"]


def issue_line(m: Masthead) -> str:
    return f"{m.year}年 第{m.number}期"


def total_line(m: Masthead) -> str:
    return f"（总第{m.total}期）"


def masthead_date(m: Masthead) -> str:
    return f"{m.date.year}年{m.date.month}月{m.date.day}日"


def _brief(brief: Brief, level: int) -> list[str]:
    paras = list(brief.paragraphs)
    paras[-1] = join_attribution(paras[-1], brief.attribution)
    return ["#" * level + " " + brief.headline, *paras]


def render_md(issue: Issue, toc: list[str]) -> str:
    """The Markdown text of ``issue`` with ``toc`` as its 目录提要."""
    m = issue.masthead
    blocks: list[str] = [
        f"# {m.name}",
        issue_line(m),
        total_line(m),
        m.office,
        masthead_date(m),
        "---",
    ]
    if toc:
        blocks += ["## 目录提要", "\n".join(f"- {line}" for line in toc)]
    for lead in issue.leads:
        blocks += _brief(lead, 2)
    for section in issue.sections:
        if not section.briefs:
            continue
        blocks.append(f"## {section.title}")
        for brief in section.briefs:
            blocks += _brief(brief, 3)
    f = issue.footer
    if f.editor:
        blocks.append(f"编辑：{f.editor}")
    if f.reviewer:
        blocks.append(f"审核：{f.reviewer}")
    if f.distribution:
        blocks += ["---", f"分送：{f.distribution[0]}", *f.distribution[1:], "---"]
    return "\n\n".join(blocks) + "\n"
