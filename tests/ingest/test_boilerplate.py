"""Line patterns of non-report text, one line at a time."""

from __future__ import annotations

import pytest

from drafter.ingest.boilerplate import REASONS, classify_line, ends_terminal, split_contact


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("- 3 -", "page_number"),
        ("第 2 页 共 5 页", "page_number"),
        ("——————", "separator"),
        ("（完）", "separator"),
        ("https://www.example.org/news/1.html", "url"),
        ("2026年第5期", "masthead"),
        ("（总第68期）", "masthead"),
        ("您现在的位置：首页 > 工作动态", "web_chrome"),
        ("发布时间：2026-05-08  来源：区科协", "web_chrome"),
        ("【我要纠错】 责任编辑：张明", "web_chrome"),
        ("阅读 1024", "web_chrome"),
        ("向上滑动看下一个", "web_chrome"),
        ("编辑：李静  审核：周强", "byline"),
        ("文/张三", "byline"),
        ("通讯员：郑凯", "byline"),
        ("本报记者 周颖", "byline"),
        ("▲ 活动现场", "caption"),
        ("图2：专家讲解", "caption"),
        ("（图片由区科协提供）", "caption"),
        ("联系人：李华", "contact"),
        ("电 话：010-69620000", "contact"),
        ("13800000000", "contact"),
        ("lihua@example.org", "contact"),
    ],
)
def test_boilerplate_lines(line: str, reason: str) -> None:
    assert classify_line(line) == reason
    assert reason in REASONS


@pytest.mark.parametrize(
    "line",
    [
        "5月8日，学会召开理事会。",
        "记者会上，学会发布了年度报告",
        "扫码参与活动的群众达500人。",
        "图书馆开展阅读推广活动",
        "时间：5月8日上午",
        "2026年5月8日",
        "第九届理事会第一次会议",
        "一、基本情况",
    ],
)
def test_report_lines(line: str) -> None:
    assert classify_line(line) is None


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("会议召开。", True),
        ("他说：“要抓好落实。”", True),
        ("贡献力量。（北京抗癌协会）", True),
        ("会议召开.", True),
        ("版本号为1.", False),
        ("会议召开，", False),
        ("一、基本情况", False),
    ],
)
def test_ends_terminal(text: str, ends: bool) -> None:
    assert ends_terminal(text) is ends


def test_split_contact() -> None:
    assert split_contact("怀柔区科协 联系人：李华 电话：010-1") == (
        "怀柔区科协",
        "联系人：李华 电话：010-1",
    )
    assert split_contact("北京气象学会 报送时间：2026年5月9日") == ("北京气象学会", "")
