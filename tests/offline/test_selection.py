"""Cleaning a raw report into content paragraphs (drafter.offline.selection)."""

from __future__ import annotations

import pytest

from drafter.offline.selection import (
    clean_blocks,
    has_attendee_list,
    is_boilerplate,
    strip_preamble,
    strip_source_tail,
)


@pytest.mark.parametrize(
    "line",
    [
        "图为会议现场",
        "▲活动现场",
        "联系人：马丽娜  电话：010-68401234",
        "发布时间：2026-05-30  来源：海淀区科协",
        "发布者：学会秘书处 | 发布时间：2026-04-12 | 阅读：1024",
        "分享到朋友圈",
        "市科协学会部：",
        "特此报告。",
        "2026年5月8日",
        "（张三 摄）",
        "您好！",
        "编者按：科技志愿服务是科协组织服务群众的重要方式。",
        "文/张三 图/李四",
        "欢迎转发分享！",
        "一审：张三 二审：李四",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "5月8日，北京气象学会召开年会，120名会员参加。",
        "会议由北京气象学会秘书长郭晓峰主持。",
    ],
)
def test_content_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_attendee_lists() -> None:
    assert has_attendee_list("参加会议的有：王建国、李秀兰、张海涛。")
    assert has_attendee_list("出席开幕式的还有：张三、李四、王五。")
    assert has_attendee_list("与会专家有王建国、李秀兰、张海涛、陈立明、赵雪梅、孙志刚等。")
    assert not has_attendee_list("参与活动有效提升了青少年的科学素质。")
    # Titled people are the brief's key people, not a list to drop.
    assert not has_attendee_list(
        "市科协党组成员、副主席陈维成，副区长季学伟，区科协党组书记、常务副主席任会东出席会议。"
    )


def test_source_tail_and_preamble() -> None:
    assert strip_source_tail("为行业发展贡献力量。（北京气象学会供稿）") == "为行业发展贡献力量。"
    assert strip_source_tail("贡献力量。(文/图：张三)") == "贡献力量。"
    assert (
        strip_preamble("我会组织开展了科技志愿服务活动，现将有关情况汇报如下：")
        == "我会组织开展了科技志愿服务活动。"
    )


def test_clean_blocks_drops_headings_and_joins_broken_lines() -> None:
    text = (
        "关于召开年会的情况报告\n\n一、会议概况\n\n"
        "5月8日，北京气象学会在京组织了《集合预报基础产\n品规范》的审查会。\n\n"
        "汇报如下：\n1、会议选举产生了新一届理事会。\n\n"
        "图为会议现场\n\n（北京气象学会供稿）"
    )
    blocks = clean_blocks(text, "关于召开年会的情况报告")
    assert blocks == [
        "5月8日，北京气象学会在京组织了《集合预报基础产品规范》的审查会。",
        "会议选举产生了新一届理事会。",
    ]


def test_clean_blocks_drops_duplicates() -> None:
    line = "5月8日，北京气象学会召开年会，120名会员参加。"
    assert clean_blocks(f"{line}\n\n{line}") == [line]


def test_short_broken_line_with_a_list_is_joined_not_taken_for_a_heading() -> None:
    text = "陈维成从领导重视、发展趋势等方面对怀柔区全\n\n民科学素质工作给予了肯定。"
    assert clean_blocks(text) == [
        "陈维成从领导重视、发展趋势等方面对怀柔区全民科学素质工作给予了肯定。"
    ]


def test_a_numbered_point_loses_its_short_heading_sentence() -> None:
    text = "（一）突出科学城特色。依托未来科学城组织15家重点实验室向公众开放。"
    assert clean_blocks(text) == ["依托未来科学城组织15家重点实验室向公众开放。"]


def test_unpunctuated_numbered_items_stay_apart() -> None:
    text = "1、5月8日组织专家开展科普讲座，参加群众100余人\n2、5月9日开展义诊活动，服务群众50余人"
    assert clean_blocks(text) == [
        "5月8日组织专家开展科普讲座，参加群众100余人。",
        "5月9日开展义诊活动，服务群众50余人。",
    ]
