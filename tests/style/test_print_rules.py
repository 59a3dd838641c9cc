"""Issue 15's rules: each mechanical case's fixer output, its clean twin, and what stays."""

from __future__ import annotations

import pytest

from drafter.profile import Profile
from drafter.style import fix, lint

from .cases import P1, P2, brief

# (rule, a sentence that breaks it, what the fixer makes of it)
FIXED = [
    ("date.numerals", "二〇二六年一月五日，学会召开理事会。", "2026年1月5日，学会召开理事会。"),
    ("date.numerals", "学会二〇二六年3月启动评选。", "学会2026年3月启动评选。"),
    ("date.numerals", "学会2026年三月启动评选。", "学会2026年3月启动评选。"),
    ("date.numerals", "十二月三十一日，学会召开年会。", "12月31日，学会召开年会。"),
    ("date.numerals", "学会计划于二〇二七年完成。", "学会计划于2027年完成。"),
    ("number.range", "项目投入3～5万元。", "项目投入3万～5万元。"),
    ("number.range", "项目投入3-5亿元。", "项目投入3亿～5亿元。"),
    ("number.range", "覆盖率达10～20%。", "覆盖率达10%～20%。"),
    ("number.decimal", "增幅提高.5个百分点。", "增幅提高0.5个百分点。"),
    ("punct.before_deng", "完成测试、验收、等工作。", "完成测试、验收等工作。"),
    ("punct.before_deng", "邀请高校、企业、等等单位参加。", "邀请高校、企业等等单位参加。"),
    ("punct.list_number", "1、加强学会建设。", "1.加强学会建设。"),
    ("punct.list_number", "（一）、加强学会建设。", "（一）加强学会建设。"),
    ("punct.list_number", "一.加强学会建设。", "一、加强学会建设。"),
    # invisible characters that survived ingest (a pasted brief): removed, nothing else changes
    ("content.control", "学会召开\u202e年会。", "学会召开年会。"),
    ("content.control", "学会召开\x9b年会。", "学会召开年会。"),
    ("content.control", "学会召开\u200f年会。", "学会召开年会。"),
]

# (rule, a sentence that breaks it, the suggested replacement or None)
FLAGGED = [
    ("date.year_abbrev", "学会计划25年底完成换届。", None),
    ("date.year_abbrev", "学会计划25年末完成换届。", None),
    ("date.year_abbrev", "学会25年上半年举办讲座20场。", None),
    ("date.year_abbrev", "截至25年，学会共有会员3000名。", None),
    ("date.year_abbrev", "学会制定25-26年工作计划。", None),
    ("words.jiezhi", "截止2026年3月底，学会共有会员3000名。", "截至"),
    ("words.jiezhi", "截止3月底，学会共有会员3000名。", "截至"),
    ("words.jiezhi", "截止目前，学会共有会员3000名。", "截至"),
    ("words.jiezhi", "截止到6月，学会共有会员3000名。", "截至"),
    ("words.confused", "会上交待了下一步工作。", "交代"),
    ("words.confused", "学会藉此推动成果转化。", "借此"),
    ("words.confused", "提供开展研究所必须的条件。", "所必需的"),
    ("words.confused", "做好情况反应工作。", "情况反映"),
    ("words.confused", "确保通讯畅通。", "通信畅通"),
    ("words.confused", "其它单位参加。", "其他"),
    ("words.confused", "推进全面依法治国，加强法制建设。", "法治建设"),
    ("words.formulaic", "学会精心组织、周密部署、狠抓落实，确保活动顺利进行。", None),
    ("content.idcard", "报名人身份证号11010119900307123X。", None),
    ("content.phone", "咨询电话010-62345678。", None),
]

# Set phrases, names and the end of something: no finding from these rules.
KEPT = [
    "学会在五四青年节前夕举办青年科技论坛。",
    "学会围绕“十四五”规划开展课题研究。",
    "王芳曾获三八红旗手称号。",
    "学会服务“一带一路”科技合作。",
    "报名截止后，学会将公布名单。",
    "请在截止日期前提交材料。",
    "农历八月十五日，学会举办中秋科普游园会。",
    "过去10年中，学会培养了一批青年人才。",
    "学会用10-20年时间建设专家库。",
    "项目编号为20261101。",
    "一是加强学会建设，二是扩大会员队伍。",
    "学会精心组织专家开展研究。",
    "按技术等级划分为三类。",
    "学会协助开展法制建设宣传。",
]
RULES_HERE = {r for r, *_ in FIXED + FLAGGED}


def _hits(text: str, rule: str, profile: Profile) -> list[str | None]:
    return [f.replacement for f in lint(brief(P1, P2, text), profile) if f.rule == rule]


@pytest.mark.parametrize(("rule", "bad", "good"), FIXED)
def test_mechanical_case_is_reported_and_fixed(
    rule: str, bad: str, good: str, profile: Profile
) -> None:
    assert _hits(bad, rule, profile)
    assert fix(brief(P1, P2, bad), profile).text == brief(P1, P2, good)
    assert _hits(good, rule, profile) == []


@pytest.mark.parametrize(("rule", "bad", "replacement"), FLAGGED)
def test_judgement_case_is_reported_and_left_alone(
    rule: str, bad: str, replacement: str | None, profile: Profile
) -> None:
    assert _hits(bad, rule, profile) == [replacement]
    text = brief(P1, P2, bad)
    assert fix(text, profile).text == text


@pytest.mark.parametrize("text", KEPT)
def test_set_phrases_and_names_are_not_reported(text: str, profile: Profile) -> None:
    got = [f.rule for f in lint(brief(P1, P2, text), profile) if f.rule in RULES_HERE]
    assert got == []
    assert fix(brief(P1, P2, text), profile).text == brief(P1, P2, text)


def test_formulaic_phrases_and_time_words_are_profile_data(profile: Profile) -> None:
    bare = profile.model_copy(update={"formulaic": [], "time_words": []})
    assert _hits("学会精心组织、周密部署、狠抓落实。", "words.formulaic", bare) == []
    assert _hits("截止目前，学会共有会员3000名。", "words.jiezhi", bare) == []
    assert _hits("截止3月底，学会共有会员3000名。", "words.jiezhi", bare) == ["截至"]
