"""Headlines: the title unwrapped and given a subject, else the lead event."""

from __future__ import annotations

import re

import pytest

from drafter.offline.headline import headline_from_sentence, make_headline, strip_title_wrappers

NAMES = ["北京气象学会"]


@pytest.mark.parametrize(
    ("title", "core"),
    [
        ("关于召开2026年全民科学素质工作会的情况报告", "召开2026年全民科学素质工作会"),
        ("关于举办科普讲解大赛的报告", "举办科普讲解大赛"),
        ("北京气象学会团体标准初审会的报告", "北京气象学会团体标准初审会"),
        ("青年科技工作者学术沙龙活动简讯", "青年科技工作者学术沙龙"),
        ("科技志愿服务工作简报", "科技志愿服务"),
        ("2026年科技活动周活动总结", "2026年科技活动周"),
        ("开展2026年“工匠讲堂”技术交流活动的情况", "开展2026年“工匠讲堂”技术交流活动"),
        ("【学会风采】北京气象学会成功举办年会", "北京气象学会举办年会"),
        (
            "平谷区科协关于组织科技志愿者服务大桃产业的工作简报",
            "平谷区科协组织科技志愿者服务大桃产业",
        ),
        ("“吃动平衡”营养科普进校园活动走进海淀。", "“吃动平衡”营养科普进校园活动走进海淀"),
        ("5月8日，北京气象学会召开年会（图）", "北京气象学会召开年会"),
        ("北京气象学会发布暴雨预警信息", "北京气象学会发布暴雨预警信息"),
        ("怀柔区科协：召开全民科学素质工作会", "怀柔区科协召开全民科学素质工作会"),
    ],
)
def test_wrappers_are_stripped(title: str, core: str) -> None:
    assert strip_title_wrappers(title) == core


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于召开团体标准初审会的情况报告", "北京气象学会召开团体标准初审会"),
        ("团体标准初审会召开", "北京气象学会召开团体标准初审会"),
        ("北京气象学会团体标准初审会", "北京气象学会团体标准初审会召开"),
        ("学会召开团体标准初审会", "学会召开团体标准初审会"),
    ],
)
def test_headline_states_who_did_what(title: str, expected: str) -> None:
    body = "5月6日上午，北京气象学会在京召开团体标准初审会。团体标准初审会召开期间，14名专家参加。"
    assert make_headline(title, None, subject="北京气象学会", names=NAMES, body=body) == expected


def test_generic_subject_replaced_by_the_short_name() -> None:
    got = make_headline(
        "区科协召开科普工作会", None, subject="怀柔区科协", names=["怀柔区科协"], body=""
    )
    assert got == "怀柔区科协召开科普工作会"


def test_headline_from_the_lead_sentence() -> None:
    lead = "为推动学科交流，5月6日上午，北京气象学会在京召开了团体标准初审会，14名专家参加。"
    assert headline_from_sentence(lead, "北京气象学会", NAMES) == "北京气象学会召开团体标准初审会"


def test_headline_limit_and_no_closing_punctuation() -> None:
    title = (
        "2026中关村论坛系列活动——北京气象学会人工智能气象预报创新发展高峰论坛"
        "暨气象大数据联合实验室揭牌仪式成功举办。"
    )
    got = make_headline(title, None, subject="北京气象学会", names=NAMES, body="", limit=40)
    assert 6 <= len(got) <= 40
    assert not re.search("[。，；！？、]$", got)
    assert got.count("“") == got.count("”") and got.count("《") == got.count("》")


def test_no_title_and_no_lead_still_gives_a_headline() -> None:
    assert make_headline(None, None, subject="北京气象学会", names=NAMES, body="")


def test_a_bare_organization_name_is_not_a_headline() -> None:
    lead = "5月6日，北京气象学会召开团体标准初审会，14名专家参加。"
    got = make_headline("北京气象学会", lead, subject="北京气象学会", names=NAMES, body=lead)
    assert got == "北京气象学会召开团体标准初审会"


def test_hosted_event_headline() -> None:
    lead = "10月24日，由北京自动化学会主办的机器人创意大赛在北京科学中心开赛，500余名学生参赛。"
    got = headline_from_sentence(lead, "北京自动化学会", ["北京自动化学会"])
    assert got == "北京自动化学会主办机器人创意大赛"


def test_a_digest_title_falls_back_to_the_lead_event() -> None:
    lead = "3月23日，北京电工技术学会召开理事长办公会，研究部署学术年会筹备工作。"
    got = make_headline(
        "本周工作动态（2026年第12期）",
        lead,
        subject="北京电工技术学会",
        names=["北京电工技术学会"],
        body=lead,
    )
    assert got == "北京电工技术学会召开理事长办公会"


def test_a_web_label_is_not_taken_for_a_title() -> None:
    lead = "3月9日，杜志雄会长在北京召集第二次会长办公会，10位副会长参加会议。"
    for label in ("学会新闻", "搜索"):
        got = make_headline(label, lead, subject="中国农业研究会", names=[], body=lead)
        assert got == "杜志雄会长召集第二次会长办公会"


def test_joint_meeting_keeps_who_did_what() -> None:
    lead = (
        "11月28日，中国生态学学会在昆明云安会都云安会堂四楼二号会议厅召开了"
        "十届二次理事会暨十届三次常务理事会会议。"
    )
    got = make_headline(None, lead, subject="中国生态学学会", names=["中国生态学学会"], body=lead)
    assert got.startswith("中国生态学学会召开十届二次理事会")
    assert len(got) <= 40
