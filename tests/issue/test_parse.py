"""Parsing a published issue, damage and all, into an Issue."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from drafter.errors import IssueError
from drafter.issue import parse_issue, render
from drafter.issue.parse import clean_headline, infer_event_date
from drafter.profile import Profile
from drafter.schemas import Issue

_HALF_BETWEEN_CJK = re.compile(r"[\u4e00-\u9fff][,;:!?()][\u4e00-\u9fff]")
_SPACED_DIGIT = re.compile(r"[\u4e00-\u9fff] +\d|\d +[\u4e00-\u9fff]")


def test_reference_masthead(reference_issue: str, profile: Profile) -> None:
    m = parse_issue(reference_issue, profile=profile).masthead
    assert (m.name, m.year, m.number, m.total) == ("科协每周动态", 2023, 15, 68)
    assert m.office == "北京市科协办公室"
    assert m.date == dt.date(2023, 5, 15)


def test_reference_structure(reference_issue: str, profile: Profile) -> None:
    issue = parse_issue(reference_issue, profile=profile)
    assert len(issue.leads) == 2
    assert all(b.lead and b.attribution is None and b.section == "lead" for b in issue.leads)
    assert [s.key for s in issue.sections] == [s.key for s in profile.ordered_sections()]
    assert [len(s.briefs) for s in issue.sections] == [2, 3, 2]
    attributions = [b.attribution for s in issue.sections for b in s.briefs]
    assert attributions == [
        "北京抗癌协会", "北京气象学会", "怀柔区科协", "通州区科协", "平谷区科协", "科普部", "办公室",
    ]  # fmt: skip
    for section in issue.sections:
        assert all(b.section == section.key for b in section.briefs)


def test_reference_footer(reference_issue: str, profile: Profile) -> None:
    footer = parse_issue(reference_issue, profile=profile).footer
    assert footer.editor and footer.reviewer
    assert len(footer.distribution) == 4
    assert footer.distribution[0].startswith("市科协第十届委员会")
    assert not any(d.startswith(("分送", "-")) for d in footer.distribution)


def test_reference_damage_is_repaired(reference_issue: str, profile: Profile) -> None:
    issue = parse_issue(reference_issue, profile=profile)
    for brief in issue.briefs():
        assert "**" not in brief.headline and " " not in brief.headline
        for paragraph in brief.paragraphs:
            assert not _HALF_BETWEEN_CJK.search(paragraph), paragraph[:40]
            assert not _SPACED_DIGIT.search(paragraph), paragraph[:40]
            # A sentence broken across blank lines is joined again.
            assert re.search(r"[。！？…”）]$", paragraph), paragraph[-20:]
            assert not paragraph.endswith(f"（{brief.attribution}）")
    first_lead = issue.leads[0]
    assert first_lead.headline.startswith("2023中关村论坛系列活动——")
    assert not any(p == "揭牌。" for p in first_lead.paragraphs)


def test_damaged_fixture(damaged_issue: str, profile: Profile) -> None:
    issue = parse_issue(damaged_issue, profile=profile, source_file="damaged_issue.md")
    assert (issue.masthead.number, issue.masthead.total) == (9, 142)
    assert [b.headline for b in issue.leads] == ["市科协召开2026年学会党建工作会"]
    assert issue.leads[0].paragraphs[-1].endswith("发挥更大作用。")
    assert [len(s.briefs) for s in issue.sections] == [2, 1]
    weather = issue.sections[0].briefs[1]
    assert weather.headline == "北京气象学会举办冬季气象服务科普讲座"
    assert weather.attribution == "北京气象学会"
    shunyi = issue.sections[1].briefs[0]
    assert shunyi.headline == "顺义区科协召开科普工作座谈会"
    assert shunyi.kind == "district"
    assert shunyi.paragraphs == [
        "2月24日，顺义区科协召开科普工作座谈会，各镇街科协负责同志15人参加。"
        "会议交流了2025年科普工作经验，研究了2026年重点任务。"
    ]
    assert shunyi.event_date == dt.date(2026, 2, 24)
    assert issue.footer.editor == "王小明" and issue.footer.reviewer == "陈大海"
    assert issue.footer.distribution == ["市科协驻会领导", "市学会、基金会，区科协，基层组织"]
    assert all(b.provenance.engine == "parsed" for b in issue.briefs())
    assert all(b.provenance.source_file == "damaged_issue.md" for b in issue.briefs())


def test_plain_text_rendering_parses_back(built_issue: Issue, profile: Profile) -> None:
    text = render(built_issue, "txt", profile=profile)
    assert isinstance(text, str)
    parsed = parse_issue(text, profile=profile)
    assert [b.headline for b in parsed.briefs()] == [b.headline for b in built_issue.briefs()]
    assert [b.attribution for b in parsed.briefs()] == [b.attribution for b in built_issue.briefs()]
    assert parsed.toc == built_issue.toc
    assert parsed.footer == built_issue.footer


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "# 科协每周动态\n\n北京市科协办公室\n\n## 某条新闻\n\n正文。\n"],
)
def test_bad_input_is_a_chinese_error(text: str, profile: Profile) -> None:
    with pytest.raises(IssueError) as info:
        parse_issue(text, profile=profile)
    assert re.search(r"[\u4e00-\u9fff]", info.value.message)
    assert info.value.hint


def test_impossible_masthead_date(profile: Profile) -> None:
    text = "# 科协每周动态\n\n2026年 第1期\n\n（总第1期）\n\n北京市科协办公室\n\n2026年2月30日\n"
    with pytest.raises(IssueError, match="日期"):
        parse_issue(text, profile=profile)


def test_unknown_section_is_kept_with_its_title(profile: Profile) -> None:
    text = (
        "# 科协每周动态\n\n2026年 第1期\n\n（总第1期）\n\n北京市科协办公室\n\n2026年3月2日\n\n---\n\n"
        "## 【基层动态】\n\n### 某大学科协举办讲座\n\n3月1日，某大学科协举办科普讲座。（某大学科协）\n"
    )
    issue = parse_issue(text, profile=profile)
    assert issue.sections[0].title == "【基层动态】"
    assert issue.sections[0].briefs[0].attribution == "某大学科协"


def test_clean_headline() -> None:
    assert clean_headline("**平谷区科协组织“千人进千企”暨 农业 对接会**") == (
        "平谷区科协组织“千人进千企”暨农业对接会"
    )
    assert clean_headline("怀柔区 2023 年工作会召开") == "怀柔区2023年工作会召开"


@pytest.mark.parametrize(
    ("paragraph", "issue_date", "expected"),
    [
        ("5月8日，某会召开。", dt.date(2023, 5, 15), dt.date(2023, 5, 8)),
        ("为进一步推动工作，5月9日，某会召开。", dt.date(2023, 5, 15), dt.date(2023, 5, 9)),
        ("12月28日，某会召开。", dt.date(2024, 1, 8), dt.date(2023, 12, 28)),
        ("近日，某会召开。", dt.date(2023, 5, 15), None),
        ("2月30日，某会召开。", dt.date(2023, 5, 15), None),
    ],
)
def test_infer_event_date(paragraph: str, issue_date: dt.date, expected: dt.date | None) -> None:
    assert infer_event_date(paragraph, issue_date) == expected


def test_plain_text_headline_with_a_comma(built_issue: Issue, profile: Profile) -> None:
    lead = built_issue.leads[1].model_copy(
        update={"headline": "聚焦科技服务，市科技局到市科协调研"}
    )
    issue = built_issue.model_copy(update={"leads": [built_issue.leads[0], lead]})
    text = render(issue, "txt", profile=profile)
    assert isinstance(text, str)
    parsed = parse_issue(text, profile=profile)
    assert [b.headline for b in parsed.leads] == [b.headline for b in issue.leads]
    assert parsed.leads[1].paragraphs == lead.paragraphs
