"""An issue as plain text, for pasting into e-mail and office automation systems.

No Markdown marks: headings are bare lines, rules are lines of ``─``, paragraphs
start with two ideographic spaces as Chinese documents do, and a blank line
separates every block so that a mail client that rewraps lines keeps the layout.
"""

from __future__ import annotations

from drafter.brieftext import join_attribution
from drafter.issue.render_md import issue_line, masthead_date, total_line
from drafter.schemas import Brief, Issue

__all__ = ["render_txt"]

_RULE = "─" * 28
_INDENT = "\u3000\u3000"


def _brief(brief: Brief) -> list[str]:
    paras = list(brief.paragraphs)
    paras[-1] = join_attribution(paras[-1], brief.attribution)
    return [brief.headline, *(_INDENT + p for p in paras)]


def render_txt(issue: Issue, toc: list[str]) -> str:
    """The plain text of ``issue`` with ``toc`` as its 目录提要."""
    m = issue.masthead
    blocks: list[str] = [
        "\n".join([m.name, issue_line(m), total_line(m), m.office, masthead_date(m)]),
        _RULE,
    ]
    if toc:
        blocks += ["目录提要", "\n".join(_INDENT + line for line in toc), _RULE]
    for lead in issue.leads:
        blocks += _brief(lead)
    for section in issue.sections:
        if not section.briefs:
            continue
        blocks.append(section.title)
        for brief in section.briefs:
            blocks += _brief(brief)
    f = issue.footer
    names = "\u3000\u3000".join(
        part
        for part in (
            f"编辑：{f.editor}" if f.editor else "",
            f"审核：{f.reviewer}" if f.reviewer else "",
        )
        if part
    )
    if names:
        blocks.append(names)
    if f.distribution:
        pad = "\u3000" * 3
        dist = [f"分送：{f.distribution[0]}", *(pad + d for d in f.distribution[1:])]
        blocks += [_RULE, "\n".join(dist), _RULE]
    return "\n\n".join(blocks) + "\n"
