"""The fixer: mechanical changes only, each listed; Latin and number context left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.profile import Profile
from drafter.schemas import Brief
from drafter.style import fix, fix_brief, fix_paragraph, lint, lint_brief

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("会议强调,要加强协作;推动落实!", "会议强调，要加强协作；推动落实！"),
        ("北京(通州)国际都市农业科技节", "北京（通州）国际都市农业科技节"),
        ("5 月 8 日，10 个方面", "5月8日，10个方面"),
        ("推进 AI 赋能", "推进AI赋能"),
        ("文件流转--会议管理--督查督办", "文件流转——会议管理——督查督办"),
        ("人才政策—《若干措施》", "人才政策——《若干措施》"),
        ("等等...", "等等……"),
        ("等等。。。", "等等……"),
        ("会议召开，，代表参加。。", "会议召开，代表参加。"),
        ("１２３名代表，ＡＩ平台", "123名代表，AI平台"),
        ("2026-2027年", "2026—2027年"),
        ("增长10～20%", "增长10%～20%"),
        ("2023-05-08，2023.5.8", "2023年5月8日，2023年5月8日"),
        ("05月08日上午", "5月8日上午"),
        ("5月8号上午", "5月8日上午"),
        ('他说"科普是基础"。', "他说“科普是基础”。"),
        ("**重点**工作", "重点工作"),
        ("城市 绿化", "城市绿化"),
    ],
)
def test_fix_paragraph(before: str, after: str) -> None:
    assert fix_paragraph(before) == after
    assert fix_paragraph(after) == after


@pytest.mark.parametrize(
    "text",
    [
        "时间10:30，金额3.5亿元，共3,000人。",
        "the Open AI, Inc. team... and co-founders",
        "参考https://example.org/a,b?x=1:2",
        "《关于实施人才集聚行动 打造京西智谷的若干措施》",
        "“规范 融合 创新”",
        "2026—2027年，5月8日—10日",
        "会议于6月12日召开。",
    ],
)
def test_latin_number_and_quoted_context_untouched(text: str) -> None:
    assert fix_paragraph(text) == text


def test_damaged_brief_fixes_to_the_clean_brief(profile: Profile) -> None:
    damaged = (DATA / "brief_damaged.md").read_text(encoding="utf-8")
    clean = (DATA / "brief_clean.md").read_text(encoding="utf-8")
    result = fix(damaged, profile)
    assert result.text == clean
    rules = {c.rule for c in result.changes}
    assert {"punct.halfwidth", "space.cjk", "break.sentence", "markup.emphasis"} <= rules
    assert {"headline.punct", "space.extra"} <= rules
    for c in result.changes:
        assert c.before != c.after
        assert c.location.line is not None
    assert fix(result.text, profile).changes == []


def test_damaged_issue_fixes_to_the_clean_issue(profile: Profile) -> None:
    damaged = (DATA / "issue_damaged.md").read_text(encoding="utf-8")
    clean = (DATA / "issue_clean.md").read_text(encoding="utf-8")
    assert [f for f in lint(damaged, profile) if f.severity == "error"]
    result = fix(damaged, profile)
    assert result.text == clean
    assert "attribution.form" in {c.rule for c in result.changes}
    assert [f for f in lint(result.text, profile) if f.severity == "error"] == []


def test_masthead_spacing_is_kept(profile: Profile) -> None:
    clean = (DATA / "issue_clean.md").read_text(encoding="utf-8")
    assert "2026年 第21期" in fix(clean, profile).text


def test_contact_line_is_not_glued_to_the_next_paragraph(profile: Profile) -> None:
    text = (
        "### 学会举办交流会\n\n6月12日，学会举办交流会。联系人：李华\n\n"
        "会议审议了年度计划。（北京园艺学会）\n"
    )
    assert "break.sentence" in {f.rule for f in lint(text, profile)}
    result = fix(text, profile)
    assert "联系人：李华\n\n会议" in result.text


def test_words_are_never_changed(profile: Profile) -> None:
    text = "### 学会隆重召开年会\n\n截止到6月，我会举办讲座30场。（北京市怀柔区科学技术协会）\n"
    out = fix(text, profile).text
    for word in ("隆重召开", "截止到", "我会", "北京市怀柔区科学技术协会"):
        assert word in out
    reported = {f.rule for f in lint(out, profile)}
    assert {"words.banned", "words.jiezhi", "person.first", "attribution.name"} <= reported


def _brief(**kw: object) -> Brief:
    data: dict[str, object] = {
        "headline": "北京园艺学会举办城市绿化技术交流会",
        "paragraphs": [
            "6月12日，北京园艺学会在京举办城市绿化技术交流会，60余名科技工作者参加交流。",
            "会议发布了“绿色街区”科普行动计划，将在下半年组织30场社区科普讲座。",
        ],
        "attribution": "北京园艺学会",
        "section": "societies",
    }
    data.update(kw)
    return Brief.model_validate(data)


def test_fix_brief(profile: Profile) -> None:
    damaged = _brief(
        headline="**北京园艺学会举办城市绿化技术交流会。**",
        paragraphs=[
            "6 月 12 日,北京园艺学会在京举办城市绿化",
            "技术交流会,60 余名科技工作者参加交流。",
        ],
        attribution="（北京园艺学会）",
    )
    fixed, changes = fix_brief(damaged, profile)
    assert fixed.headline == "北京园艺学会举办城市绿化技术交流会"
    assert fixed.paragraphs == [
        "6月12日，北京园艺学会在京举办城市绿化技术交流会，60余名科技工作者参加交流。"
    ]
    assert fixed.attribution == "北京园艺学会"
    assert {"attribution.form", "break.sentence", "markup.emphasis"} <= {c.rule for c in changes}
    assert [f for f in lint_brief(fixed, profile) if f.severity == "error"] == []
    again, more = fix_brief(fixed, profile)
    assert again == fixed and more == []
