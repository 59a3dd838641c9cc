"""Plain text for e-mail and OA systems: no Markdown marks, sensible spacing."""

from __future__ import annotations

import re

from drafter.issue import render
from drafter.profile import Profile
from drafter.schemas import Issue


def _text(issue: Issue, profile: Profile) -> str:
    text = render(issue, "txt", profile=profile)
    assert isinstance(text, str)
    return text


def test_no_markdown_marks(built_issue: Issue, profile: Profile) -> None:
    text = _text(built_issue, profile)
    assert not re.search(r"^\s*(#|- |\* |---|>)", text, re.M)
    assert "**" not in text


def test_everything_is_there_in_order(built_issue: Issue, profile: Profile) -> None:
    text = _text(built_issue, profile)
    m = built_issue.masthead
    wanted = [m.name, f"第{m.number}期", f"总第{m.total}期", m.office, "目录提要", *built_issue.toc]
    for brief in built_issue.briefs():
        wanted += [brief.headline, *brief.paragraphs]
    wanted += [
        f"编辑：{built_issue.footer.editor}",
        f"审核：{built_issue.footer.reviewer}",
        "分送：",
    ]
    wanted += built_issue.footer.distribution
    positions = []
    start = 0
    for item in wanted:
        pos = text.find(item, start)
        assert pos >= 0, item
        positions.append(pos)
        start = pos + 1
    assert positions == sorted(positions)


def test_paragraphs_indented_and_separated(built_issue: Issue, profile: Profile) -> None:
    lines = _text(built_issue, profile).split("\n")
    for brief in built_issue.briefs():
        for paragraph in brief.paragraphs:
            line = next(x for x in lines if paragraph in x)
            assert line.startswith("\u3000\u3000" + paragraph)
        i = lines.index(brief.headline)
        assert lines[i - 1] == "" and lines[i + 1] == ""
    assert "\n\n\n" not in _text(built_issue, profile)
