"""Web chrome from real pages: whole lines, footers, and runs fused to the text."""

from __future__ import annotations

import pytest

from drafter.ingest.chrome import is_chrome_line, is_site_name, strip_leading_chrome
from drafter.ingest.report import report_from_text
from drafter.profile import Profile


@pytest.mark.parametrize(
    "line",
    [
        "Time:2020年6月23日浏览次数：1641次分享更多：",
        "：17来源：温州网–温州都市报记者 王小明 通讯员 李四",
        "时间：2020-06-17 作者：科协秘书处 来源：本站 浏览次数：88 字体：[大 中 小] 打印 关闭",
        "发布者：科协秘书处 点击数：6242",
        "【打印】【关闭窗口】",
        "京ICP备05012345号-1  京公网安备11010502030000号",
        "版权所有：北京气象学会  技术支持：某某公司",
        "Copyright © 2020 北京市科学技术协会",
        "北京市怀柔区人民政府网站",
        "当前位置：首页 > 新闻中心 > 学会动态",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "时间：2026年5月8日上午 地点：怀柔区科技馆",
        "时间：2026年5月8日",
        "主办单位：北京气象学会",
        "高分辨率遥感技术研讨会召开",
        "学会网站改版上线",
        "首页设计大赛颁奖",
        "5月8日，北京气象学会召开学术年会。",
    ],
)
def test_report_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    ("paragraph", "chrome", "rest"),
    [
        (
            "科协秘书处62426月17-18日，区科协召开座谈会。",
            "科协秘书处6242",
            "6月17-18日，区科协召开座谈会。",
        ),
        (
            "Time:2020年6月23日浏览次数：1641次分享更多：5月8日，学会召开年会。",
            "Time:2020年6月23日浏览次数：1641次分享更多：",
            "5月8日，学会召开年会。",
        ),
        ("时间：2026年5月8日，学会召开年会。", "", "时间：2026年5月8日，学会召开年会。"),
        ("办公室主任王五主持会议。", "", "办公室主任王五主持会议。"),
        (
            "首页 > 新闻中心 > 学会动态5月8日，学会召开年会。",
            "首页 > 新闻中心 > 学会动态",
            "5月8日，学会召开年会。",
        ),
    ],
)
def test_leading_chrome_runs(paragraph: str, chrome: str, rest: str) -> None:
    assert strip_leading_chrome(paragraph) == (chrome, rest)


def test_site_names_are_not_senders() -> None:
    assert is_site_name("温州网–温州都市报记者")
    assert is_site_name("本站")
    assert not is_site_name("怀柔区科协")


PAGES = {
    "lead": (
        "首页 > 新闻中心 > 学会动态\n北京气象学会召开学术年会\n"
        "Time:2020年6月23日浏览次数：1641次分享更多：\n"
        "5月8日，北京气象学会召开学术年会，专家14人参加会议。\n"
        "【打印】【关闭窗口】\n京ICP备05012345号-1  京公网安备11010502030000号\n"
        "版权所有：北京气象学会  技术支持：某某公司\n",
        "5月8日，北京气象学会召开学术年会，专家14人参加会议。",
    ),
    "split-time": (
        "温州市科协召开科普工作会议\n发布时间：2020-06-23 10\n"
        "：17来源：温州网–温州都市报记者 王小明 通讯员 李四\n"
        "6月22日，温州市科协召开科普工作会议，各县区科协负责人30余人参加。\n",
        "6月22日，温州市科协召开科普工作会议，各县区科协负责人30余人参加。",
    ),
    "fused-publisher": (
        "区科协召开学会工作座谈会\n"
        "科协秘书处62426月17-18日，区科协在怀柔召开学会工作座谈会，20家学会负责人参加。\n",
        "6月17-18日，区科协在怀柔召开学会工作座谈会，20家学会负责人参加。",
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_lose_their_chrome(profile: Profile, name: str) -> None:
    page, body = PAGES[name]
    r = report_from_text(page, profile=profile)
    assert r.text == body
    assert "温州网" not in (r.org or "")
    assert any(n.rule == "ingest.cleaned" and "网页栏目" in n.message for n in r.notes)
