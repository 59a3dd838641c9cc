"""Splitting a file into blocks and telling a brief from an issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.profile import Profile
from drafter.style import detect_kind, lint
from drafter.style.document import block_starts, ends_sentence, parse_document

from .cases import brief

DATA = Path(__file__).parent / "data"


def test_detects_brief_and_issue(profile: Profile) -> None:
    assert detect_kind(brief(), profile) == "brief"
    assert detect_kind((DATA / "issue_clean.md").read_text(encoding="utf-8"), profile) == "issue"
    assert detect_kind("## 【学会动态】\n\n" + brief()) == "issue"


def test_issue_blocks_are_classified(profile: Profile) -> None:
    doc = parse_document((DATA / "issue_clean.md").read_text(encoding="utf-8"), profile)
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:6] == ["masthead"] * 5 + ["rule"]
    assert kinds.count("section") == 2
    assert "toc" in kinds and kinds[-1] == "footer"
    assert [(b.lead, b.section) for b in doc.briefs] == [
        (True, None),
        (False, "societies"),
        (False, "districts"),
    ]


def test_tolerates_bold_and_any_heading_level(profile: Profile) -> None:
    text = (
        "# 科协每周动态\n\n## 【区科协动态】\n\n## **延庆区科协开展科技助农服务活动**\n\n"
        "6月9日，延庆区科协组织专家深入乡镇开展服务活动。（延庆区科协）\n\n"
        "#### 密云区科协举办科普讲座\n\n6月10日，密云区科协举办科普讲座。（密云区科协）\n"
    )
    doc = parse_document(text, profile)
    heads = [b.heading_text() for b in doc.blocks if b.kind == "headline"]
    assert heads == ["**延庆区科协开展科技助农服务活动**", "密云区科协举办科普讲座"]
    assert all(b.section == "districts" and not b.lead for b in doc.briefs)


def test_plain_text_brief_headline(profile: Profile) -> None:
    text = brief().replace("### ", "")
    doc = parse_document(text, profile)
    assert doc.kind == "brief"
    assert doc.briefs[0].headline is not None
    assert "headline.missing" not in {f.rule for f in lint(text, profile)}


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("会议召开。", True),
        ("会议召开。（北京园艺学会）", True),
        ("他说：“要加强协作。”", True),
        ("与会领导为“院士专家服务中心”", False),
        ("会议由北京城市气象研究院副院长主持，来", False),
        ("会议召开", False),
    ],
)
def test_ends_sentence(text: str, complete: bool) -> None:
    assert ends_sentence(text) is complete


def test_block_starts_match_locations(profile: Profile) -> None:
    text = (DATA / "brief_damaged.md").read_text(encoding="utf-8")
    starts = block_starts(text)
    for f in lint(text, profile):
        assert f.location is not None
        if f.excerpt:
            pos = starts[f.location.paragraph] + f.location.start
            assert text[pos : pos + len(f.excerpt)] == f.excerpt or "⏎" in f.excerpt
