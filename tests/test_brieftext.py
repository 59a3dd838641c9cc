"""A single brief as text: attribution splitting, rendering, parsing."""

from __future__ import annotations

import pytest

from drafter.brieftext import (
    join_attribution,
    parse_brief,
    render_brief_md,
    render_brief_txt,
    split_attribution,
    split_paragraphs,
)
from drafter.errors import InputError
from drafter.profile import Profile

BRIEF_MD = """### 延庆区科协举办冰雪科普进校园活动

3月2日，延庆区科协在区第二中学举办冰雪科普进校园活动，300余名师生参加。

活动设置了5个体验项目，学生们在互动中了解了冰雪运动中的力学知识。（延庆区科协）
"""


@pytest.mark.parametrize(
    ("text", "body", "attr"),
    [
        ("贡献力量。（北京抗癌协会）", "贡献力量。", "北京抗癌协会"),
        ("贡献力量。 (通州区科协)", "贡献力量。", "通州区科协"),
        ("他说“好”。（科普部）", "他说“好”。", "科普部"),
        ("没有署名。", "没有署名。", None),
        ("括号在中间（注）的句子。", "括号在中间（注）的句子。", None),
        ("结尾括号不是署名（见附件，共3页）", "结尾括号不是署名（见附件，共3页）", None),
    ],
)
def test_split_attribution(text: str, body: str, attr: str | None) -> None:
    assert split_attribution(text) == (body, attr)


def test_join_attribution_has_no_space() -> None:
    assert join_attribution("贡献力量。 ", "北京抗癌协会") == "贡献力量。（北京抗癌协会）"
    assert join_attribution("贡献力量。", None) == "贡献力量。"


def test_split_paragraphs_on_blank_lines() -> None:
    assert split_paragraphs("一\n\n\n二\r\n\r\n三\n  \n四") == ["一", "二", "三", "四"]


def test_parse_then_render_round_trips(profile: Profile) -> None:
    brief = parse_brief(BRIEF_MD, profile=profile)
    assert brief.headline == "延庆区科协举办冰雪科普进校园活动"
    assert brief.attribution == "延庆区科协"
    assert brief.kind == "district"
    assert brief.section == "districts"
    assert not brief.lead
    assert len(brief.paragraphs) == 2
    assert render_brief_md(brief) == BRIEF_MD
    assert render_brief_txt(brief).startswith("延庆区科协举办冰雪科普进校园活动\n\n3月2日")


def test_brief_without_attribution_is_a_lead_story(profile: Profile) -> None:
    brief = parse_brief("## **市科协召开常委会**\n\n5月9日，市科协召开常委会。", profile=profile)
    assert brief.headline == "市科协召开常委会"
    assert brief.lead and brief.section == "lead" and brief.attribution is None


def test_json_brief(profile: Profile) -> None:
    brief = parse_brief(BRIEF_MD, profile=profile)
    assert parse_brief(brief.model_dump_json(), profile=profile) == brief


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("", "为空"), ("### 只有标题", "没有正文"), ('{"headline": 1}', "Brief")],
)
def test_bad_brief_files(profile: Profile, text: str, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        parse_brief(text, profile=profile)
