"""A single brief as text: attribution splitting, rendering, parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.brieftext import (
    edit_ratio,
    join_attribution,
    parse_brief,
    render_brief_md,
    render_brief_txt,
    split_attribution,
    split_paragraphs,
)
from drafter.errors import InputError
from drafter.profile import Profile
from drafter.schemas import Brief, Finding, Provenance

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


# -- edit ratio --------------------------------------------------------------------------


def _brief(headline: str, *paragraphs: str, attribution: str | None = None) -> Brief:
    return Brief(
        headline=headline, paragraphs=list(paragraphs), attribution=attribution, section="lead"
    )


def test_edit_ratio_is_character_levenshtein_on_the_markdown() -> None:
    meeting = _brief("北京气象学会召开理事会", "会议审议通过了年度报告。")
    assert edit_ratio(meeting, meeting) == 0.0
    renamed = meeting.model_copy(update={"headline": "北京天文学会召开理事会"})
    # two characters changed, over the length of the Markdown rendering
    assert edit_ratio(meeting, renamed) == pytest.approx(
        2 / len(render_brief_md(meeting)), abs=1e-4
    )
    # "### 甲\n\n乙\n" → "### 丙\n\n丁\n": the markup is shared, the two characters are not
    assert edit_ratio(_brief("甲", "乙"), _brief("丙", "丁")) == 2 / 9
    # the attribution is part of the text; what is not printed is not an edit
    assert edit_ratio(meeting, meeting.model_copy(update={"attribution": "北京气象学会"})) > 0
    unprinted = meeting.model_copy(
        update={
            "provenance": Provenance(engine="human"),
            "findings": [Finding(rule="space.cjk", severity="error", message="多余空格")],
            "status": "needs_review",
        }
    )
    assert edit_ratio(meeting, unprinted) == 0.0


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@given(_TEXT, _TEXT, _TEXT, _TEXT)
def test_edit_ratio_bounds_and_symmetry(h1: str, p1: str, h2: str, p2: str) -> None:
    a, b = _brief(h1, p1), _brief(h2, p2)
    r = edit_ratio(a, b)
    assert 0.0 <= r <= 1.0
    assert r == edit_ratio(b, a)
    assert (r == 0.0) == (render_brief_md(a) == render_brief_md(b))
