"""The Markdown layout of an issue follows the published bulletin."""

from __future__ import annotations

import pytest

from drafter.errors import InputError
from drafter.issue import format_for, render
from drafter.profile import Profile
from drafter.schemas import Issue


def _blocks(issue: Issue, profile: Profile) -> list[str]:
    text = render(issue, "md", profile=profile)
    assert isinstance(text, str) and text.endswith("\n")
    return text.strip("\n").split("\n\n")


def test_masthead_and_toc(built_issue: Issue, profile: Profile) -> None:
    blocks = _blocks(built_issue, profile)
    m = built_issue.masthead
    assert blocks[:6] == [
        f"# {m.name}",
        f"{m.year}年 第{m.number}期",
        f"（总第{m.total}期）",
        m.office,
        f"{m.date.year}年{m.date.month}月{m.date.day}日",
        "---",
    ]
    assert blocks[6] == "## 目录提要"
    assert blocks[7].split("\n") == [f"- {line}" for line in built_issue.toc]


def test_leads_sections_and_briefs(built_issue: Issue, profile: Profile) -> None:
    blocks = _blocks(built_issue, profile)
    headings = [b for b in blocks if b.startswith("#")]
    expected = [f"## {b.headline}" for b in built_issue.leads]
    for section in built_issue.sections:
        expected.append(f"## {section.title}")
        expected += [f"### {b.headline}" for b in section.briefs]
    assert headings[2:] == expected
    for brief in built_issue.briefs():
        i = blocks.index(f"{'##' if brief.lead else '###'} {brief.headline}")
        body = blocks[i + 1 : i + 1 + len(brief.paragraphs)]
        last = brief.paragraphs[-1] + (f"（{brief.attribution}）" if brief.attribution else "")
        assert body == [*brief.paragraphs[:-1], last]


def test_footer(built_issue: Issue, profile: Profile) -> None:
    blocks = _blocks(built_issue, profile)
    f = built_issue.footer
    start = blocks.index(f"编辑：{f.editor}")
    assert blocks[start:] == [
        f"编辑：{f.editor}",
        f"审核：{f.reviewer}",
        "---",
        f"分送：{f.distribution[0]}",
        *f.distribution[1:],
        "---",
    ]


def test_footer_without_names_or_distribution(built_issue: Issue, profile: Profile) -> None:
    bare = built_issue.model_copy(update={"footer": built_issue.footer.model_copy(
        update={"editor": None, "reviewer": None, "distribution": []})})  # fmt: skip
    blocks = _blocks(bare, profile)
    assert not any(b.startswith(("编辑", "审核", "分送")) for b in blocks)
    assert blocks[-1].endswith(f"（{built_issue.sections[-1].briefs[-1].attribution}）")


def test_missing_toc_is_computed(built_issue: Issue, profile: Profile) -> None:
    blocks = _blocks(built_issue.model_copy(update={"toc": []}), profile)
    assert blocks[7].split("\n") == [f"- {line}" for line in built_issue.toc]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.md", "md"), ("A.MD", "md"), ("x/issue.txt", "txt"), ("i.docx", "docx"), ("p.htm", "html"), ("i.json", "json"), ("p.PDF", "pdf")],
)  # fmt: skip
def test_format_for(name: str, fmt: str) -> None:
    assert format_for(name) == fmt


@pytest.mark.parametrize("name", ["issue", "issue.odt", "issue."])
def test_unknown_extension(name: str) -> None:
    with pytest.raises(InputError, match="格式"):
        format_for(name)


def test_unknown_format(built_issue: Issue, profile: Profile) -> None:
    with pytest.raises(InputError):
        render(built_issue, "odt", profile=profile)
