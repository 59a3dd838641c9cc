"""Paste-damage cleaning: each kind of damage, the fixtures, and properties."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drafter.ingest.paste import REASONS, clean_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# -- single rules ------------------------------------------------------------------------
def test_hard_line_breaks_inside_a_sentence_are_joined() -> None:
    raw = (
        "5月8日，北京气象学会在市气象局召开\n"
        "团体标准初审会，7位专家参加会议，\n"
        "审查组同意通过初审。\n"
        "会议要求编制组抓紧完善标准文本。\n"
    )
    result = clean_text(raw)
    assert paragraphs(result.text) == [
        "5月8日，北京气象学会在市气象局召开团体标准初审会，7位专家参加会议，审查组同意通过初审。",
        "会议要求编制组抓紧完善标准文本。",
    ]


def test_list_items_and_headings_stay_apart() -> None:
    raw = (
        "会议部署了三项重点工作：\n"
        "一、完善学会治理结构。\n"
        "二、加强学术交流。\n"
        "（三）做好科普服务\n"
        "学会将组织专家开展科普讲座。\n"
    )
    paras = paragraphs(clean_text(raw).text)
    assert paras[0] == "会议部署了三项重点工作："
    assert "一、完善学会治理结构。" in paras
    assert "二、加强学术交流。" in paras
    assert "（三）做好科普服务" in paras


def test_enumeration_after_a_comma_continues_the_sentence() -> None:
    raw = "王立新指出，要做好三方面工作，\n一是强化组织领导；二是完善工作机制。\n"
    assert (
        clean_text(raw).text == "王立新指出，要做好三方面工作，一是强化组织领导；二是完善工作机制。"
    )


def test_soft_wrap_inside_blank_line_paragraphs() -> None:
    raw = (
        "学会召开理事会\n\n5月8日，北京市怀柔区科协召开\n工作会议，部署年度任务。\n\n"
        "活动亮点\n本次会议首次采用线上线下结合方式。\n\n会议强调，要抓好落实。"
    )
    result = clean_text(raw)
    assert result.title == "学会召开理事会"
    assert paragraphs(result.text) == [
        "5月8日，北京市怀柔区科协召开工作会议，部署年度任务。",
        "活动亮点",  # a heading without a comma stays on its own
        "本次会议首次采用线上线下结合方式。",
        "会议强调，要抓好落实。",
    ]


def test_indented_layout_starts_paragraphs_at_indents_only() -> None:
    raw = (
        "　　5月8日，怀柔区科协召开全民科学素质工作会。会议总结了\n"
        "2025年工作。会议部署了2026年的各项重点任务和分工安排。\n"
        "　　会议要求各成员单位明确专人负责，抓好落实。\n"
    )
    paras = paragraphs(clean_text(raw).text)
    assert len(paras) == 2
    assert paras[0].startswith("5月8日") and paras[0].endswith("分工安排。")
    assert not any(p.startswith("\u3000") for p in paras)


def test_sentence_cut_by_a_blank_line_is_rejoined() -> None:
    raw = (
        "5月8日，签约仪式举办。\n\n会上，双方签署了合作协议。与会领导共同为“院士专家服务中心”"
        "\n\n揭牌。\n\n专家进行了交流。"
    )
    paras = paragraphs(clean_text(raw).text)
    assert paras[1] == "会上，双方签署了合作协议。与会领导共同为“院士专家服务中心”揭牌。"
    cut_title = "5月6日，学会组织了《集合预报基础产\n\n品规范》的初审会。\n\n专家提出了修改建议。"
    assert (
        paragraphs(clean_text(cut_title).text)[0]
        == "5月6日，学会组织了《集合预报基础产品规范》的初审会。"
    )


def test_paragraph_missing_its_full_stop_is_not_merged() -> None:
    raw = "5月8日，学会召开理事会。会议由理事长主持\n\n会议强调，要做好年度工作。"
    assert paragraphs(clean_text(raw).text) == [
        "5月8日，学会召开理事会。会议由理事长主持",
        "会议强调，要做好年度工作。",
    ]
    lines = "5月8日，学会召开理事会\n会议由理事长主持。\n"
    assert len(paragraphs(clean_text(lines).text)) == 2


@pytest.mark.parametrize(
    "line",
    ["- 2 -", "—3—", "第 2 页 共 5 页", "第2页", "2/5", "12", "Page 3 of 4"],
)
def test_page_numbers_are_removed(line: str) -> None:
    raw = f"5月8日，学会召开理事会。\n{line}\n会议审议了工作报告。"
    result = clean_text(raw)
    assert line not in result.text
    assert ("page_number", line) in result.removed


def test_pdftotext_page_breaks() -> None:
    raw = "5月11日，北京营养学会开展宣传活动，共组织专家宣讲86场，\n- 1 -\n\f覆盖群众约12万人次。"
    assert (
        clean_text(raw).text
        == "5月11日，北京营养学会开展宣传活动，共组织专家宣讲86场，覆盖群众约12万人次。"
    )


def test_page_header_repeated_on_each_page_is_removed() -> None:
    raw = (
        "北京营养学会工作简报\n"
        "5月11日，北京营养学会开展全民营养周宣传活动，共组织专家宣讲86场，\n"
        "- 1 -\n"
        "北京营养学会工作简报\n"
        "覆盖群众约12万人次。\n"
    )
    result = clean_text(raw)
    assert "工作简报" not in result.text
    assert (
        result.text
        == "5月11日，北京营养学会开展全民营养周宣传活动，共组织专家宣讲86场，覆盖群众约12万人次。"
    )


@pytest.mark.parametrize(
    "chrome",
    [
        "首页 > 新闻中心 > 工作动态",
        "当前位置：首页>>工作动态>>正文",
        "时间：2026-05-08 来源：怀柔区科协 作者：张明",
        "发布时间：2026-05-08 09:30:12",
        "字体：大 中 小",
        "【字体：大 中 小】",
        "【打印本页】【关闭窗口】",
        "分享到：",
        "阅读次数：1024",
        "扫一扫在手机打开当前页",
        "上一篇：学会召开理事会",
        "点赞 在看 分享",
        "原创 怀柔科协 怀柔科协 2026-05-09 18:32 北京",
    ],
)
def test_web_chrome_lines_are_removed(chrome: str) -> None:
    body = "5月8日，怀柔区科协召开全民科学素质工作会。"
    result = clean_text(f"{chrome}\n\n{body}\n\n会议部署了重点任务。")
    assert chrome.split("：")[0] not in result.text.replace(body, "")
    assert any(reason == "web_chrome" for reason, _ in result.removed)
    assert body in result.text


@pytest.mark.parametrize(
    "line",
    [
        "记者会上，学会发布了年度报告。",
        "通讯员队伍不断壮大，现有通讯员120名。",
        "阅读100本书活动同步启动。",
        "扫码参与活动的群众达500人。",
        "公众号推送科普文章20篇，阅读量达10万。",
        "图书馆开展阅读推广活动。",
        "地点：区科技馆报告厅",
        "文化活动丰富多彩。",
        "审核通过了3项团体标准。",
        "来源于一线的12条建议被采纳。",
        "一、基本情况",
    ],
)
def test_report_lines_that_resemble_chrome_are_kept(line: str) -> None:
    raw = f"5月8日，学会召开理事会。\n\n{line}\n\n会议由理事长主持。"
    assert line in clean_text(raw).text


def test_a_time_line_alone_is_report_content() -> None:
    raw = "会议安排如下。\n\n时间：5月8日上午\n\n地点：区科技馆报告厅"
    assert "时间：5月8日上午" in clean_text(raw).text


def test_newspaper_wrappers_are_removed() -> None:
    raw = (
        "本报讯（记者 周颖 通讯员 郑凯）5月9日，海淀区科协举办青少年科技创新大赛。\n\n"
        "来自全区58所中小学的420名学生参赛。\n\n"
        "记者 周颖 通讯员 郑凯"
    )
    result = clean_text(raw)
    assert result.text.startswith("5月9日，海淀区科协")
    assert "记者" not in result.text and "本报讯" not in result.text
    assert {r for r, _ in result.removed} >= {"newspaper", "byline"}


@pytest.mark.parametrize(
    "caption",
    [
        "图为会议现场。",
        "▲ 专家在田间指导种植户",
        "图1 活动现场",
        "（图为颁奖现场）",
        "图片来源：区科协",
    ],
)
def test_caption_lines_are_removed(caption: str) -> None:
    result = clean_text(f"5月8日，学会举办科普讲座。\n\n{caption}\n\n60余名居民参加。")
    assert caption not in result.text
    assert ("caption", caption) in result.removed


def test_inline_caption_is_removed_and_sentences_kept() -> None:
    raw = "共评出一等奖36项。（图为学生展示参赛作品）\n\n下一步将推荐优秀项目参赛。"
    result = clean_text(raw)
    assert paragraphs(result.text) == ["共评出一等奖36项。", "下一步将推荐优秀项目参赛。"]


def test_contact_lines_are_kept_aside() -> None:
    raw = (
        "5月8日，学会召开理事会。\n\n联系人：李华　　联系电话：010-69620000\n"
        "电子邮箱：lihua@example.org\n"
    )
    result = clean_text(raw)
    assert result.text == "5月8日，学会召开理事会。"
    assert result.contact is not None
    assert "010-69620000" in result.contact and "lihua@example.org" in result.contact


@pytest.mark.parametrize(
    ("ending", "org"),
    [
        ("（怀柔区科协供稿）", "怀柔区科协"),
        ("(北京气象学会供稿)", "北京气象学会"),
        ("供稿：科普部", "科普部"),
        ("报送单位：北京市通州区科学技术协会", "北京市通州区科学技术协会"),
        ("供稿单位：北京抗癌协会　　联系人：林芳", "北京抗癌协会"),
    ],
)
def test_source_ending_becomes_the_org_hint(ending: str, org: str) -> None:
    result = clean_text(f"5月8日，召开工作会议。\n\n会议部署了年度任务。\n\n{ending}")
    assert result.org_hint == org
    assert "供稿" not in result.text and "报送" not in result.text
    assert result.text.endswith("会议部署了年度任务。")


def test_source_at_the_end_of_the_last_sentence() -> None:
    result = clean_text("5月8日，召开工作会议。\n\n会议部署了年度任务。（昌平区科协供稿）")
    assert result.org_hint == "昌平区科协"
    assert result.text.endswith("会议部署了年度任务。")


def test_signature_block_gives_the_org_and_goes() -> None:
    raw = (
        "5月8日，我会召开理事会。\n\n会议审议通过了年度工作报告。\n\n北京气象学会\n\n2026年5月10日"
    )
    result = clean_text(raw)
    assert result.org_hint == "北京气象学会"
    assert result.text.endswith("年度工作报告。")


def test_source_line_beats_signature_beats_web_source() -> None:
    raw = (
        "来源：某某网\n\n5月8日，我会召开理事会。\n\n（北京抗癌协会供稿）\n\n"
        "北京气象学会\n\n2026年5月10日"
    )
    assert clean_text(raw).org_hint == "北京抗癌协会"


def test_duplicated_paragraph_is_removed_once() -> None:
    para = "活动中，专家们深入草莓种植基地，现场解答种植户问题30余个。"
    result = clean_text(f"5月8日，区科协组织专家服务活动。\n\n{para}\n\n{para}\n\n活动反响良好。")
    assert result.text.count(para) == 1
    assert ("duplicate", para) in result.removed


def test_title_is_kept_separately() -> None:
    raw = (
        "关于召开2026年全民科学素质工作会的情况报告\n\n5月8日，我区召开工作会。\n\n会议部署了任务。"
    )
    result = clean_text(raw)
    assert result.title == "关于召开2026年全民科学素质工作会的情况报告"
    assert not result.text.startswith("关于")


def test_a_sentence_is_not_taken_for_a_title() -> None:
    raw = "5月8日，我区召开工作会\n\n会议部署了任务。"
    assert clean_text(raw).title is None


def test_title_wrapped_over_two_lines_and_sender_line_above() -> None:
    raw = "北京气象学会\n关于召开2026年学术年会的\n情况报告\n5月8日，学会召开学术年会。\n会议由理事长主持。"
    result = clean_text(raw)
    assert result.title == "关于召开2026年学术年会的情况报告"
    assert result.org_hint == "北京气象学会"


def test_sender_line_over_an_untitled_report() -> None:
    result = clean_text("北京气象学会\n\n5月8日，我会召开理事会。\n\n会议由理事长主持。")
    assert result.title is None
    assert result.org_hint == "北京气象学会"
    assert result.text.startswith("5月8日")
    titled = clean_text("市科协领导调研北京科学中心\n\n5月8日，市科协领导调研北京科学中心。")
    assert titled.title == "市科协领导调研北京科学中心"


def test_emoji_markdown_and_html_markup_are_removed() -> None:
    raw = (
        "## 🔬昌平区科协举办专家服务活动\n\n"
        "5月8日，**昌平区科协**组织专家走进兴寿镇。<br>活动发放手册200册。\n\n"
        "![活动现场](https://example.org/a.jpg)\n\n专家们解答问题30余个。"
    )
    result = clean_text(raw)
    assert result.title == "昌平区科协举办专家服务活动"
    assert "**" not in result.text and "<br>" not in result.text and "http" not in result.text
    assert "5月8日，昌平区科协组织专家走进兴寿镇。" in result.text


def test_every_removal_reason_has_a_chinese_label() -> None:
    texts = [fixture_text(p.name) for p in FIXTURES.glob("*.txt") if p.name != "gbk.txt"]
    for text in texts:
        for reason, removed in clean_text(text).removed:
            assert reason in REASONS
            assert removed


def test_half_width_full_stop_ends_a_sentence() -> None:
    raw = "5月8日,学会召开年会.\n会议由理事长主持.\n"
    assert paragraphs(clean_text(raw).text) == ["5月8日,学会召开年会.", "会议由理事长主持."]


def test_numbers_and_words_broken_at_a_line_end() -> None:
    # Hard-wrapped at the margin: digits rejoin without a space, Latin words with one.
    raw = (
        "5月8日，学会举办人工智能专题讲座，参加人员共计10\n"
        "4人，专家围绕大模型的原理和应用作了报告，题目为Large\n"
        "Language Model，与会人员反响热烈，并开展了交流讨论。\n"
    )
    text = clean_text(raw).text
    assert "共计104人" in text
    assert "Large Language Model" in text


def test_addressee_line_at_the_top_is_not_report_text() -> None:
    result = clean_text("市科协学会部：\n\n现将有关情况报告如下。\n\n5月8日，我会召开理事会。")
    assert not result.text.startswith("市科协学会部")
    assert ("salutation", "市科协学会部：") in result.removed


@pytest.mark.parametrize("ending", ["（株洲市科协 报送）", "株洲市科协报送", "(株洲市科协供稿)"])
def test_reported_by_endings(ending: str) -> None:
    result = clean_text(f"6月10日，我市科协组织专家走进企业。\n\n{ending}")
    assert result.org_hint == "株洲市科协"
    assert "株洲" not in result.text


def test_newsletter_issue_number_and_sender_line_above_the_title() -> None:
    raw = (
        "湖南省株洲市科协\n关于开展院士专家进企业活动的工作简报\n（2026年第5期）\n"
        "6月10日，我市科协组织12位专家走进株洲高新区。\n专家组走访了5家企业。\n"
    )
    result = clean_text(raw)
    assert result.title == "关于开展院士专家进企业活动的工作简报"
    assert result.org_hint == "湖南省株洲市科协"
    assert result.text.startswith("6月10日")


def test_centred_title_and_signature_are_not_glued_to_paragraphs() -> None:
    raw = (
        "                    安吉县科协开展乡村行活动\n"
        "    7月15日，安吉县科协在余村开展乡村行活动，8名专家参加。\n"
        "    活动发放技术资料600余份。\n"
        "                                            安吉县科学技术协会\n"
        "                                             2026年7月16日\n"
    )
    result = clean_text(raw)
    assert result.title == "安吉县科协开展乡村行活动"
    assert paragraphs(result.text) == [
        "7月15日，安吉县科协在余村开展乡村行活动，8名专家参加。",
        "活动发放技术资料600余份。",
    ]
    assert result.org_hint == "安吉县科学技术协会"


def test_contact_and_end_mark_closing_the_last_paragraph() -> None:
    raw = "5月8日，学会召开理事会。\n\n会后合影留念。联系人：李华，电话：13800000000\n\n（完）"
    result = clean_text(raw)
    assert result.text == "5月8日，学会召开理事会。\n\n会后合影留念。"
    assert result.contact == "联系人：李华，电话：13800000000"
    assert clean_text("5月8日，学会召开理事会。\n\n会后合影留念。（完）").text.endswith("留念。")


def test_publication_date_lines_and_html_entities() -> None:
    raw = "2026-05-09\n\n学会召开理事会\n\n2026年5月9日\n\n5月8日，学会召开理事会&nbsp;。\n\n会议由理事长主持。"
    result = clean_text(raw)
    assert result.title == "学会召开理事会"
    assert result.text.startswith("5月8日，学会召开理事会")
    assert "&nbsp;" not in result.text and "2026" not in result.text


# -- fixtures ------------------------------------------------------------------------------
def test_wechat_paste() -> None:
    result = clean_text(fixture_text("wechat.txt"))
    assert result.title == "昌平区科协举办“科技赋能乡村振兴”专家服务活动"
    for gone in (
        "原创",
        "点击蓝字",
        "▲",
        "图1",
        "文字：",
        "编辑：",
        "扫一扫",
        "推荐阅读",
        "点赞",
        "🔬",
    ):
        assert gone not in result.text
    # The list of other articles after 推荐阅读 goes with it.
    assert "学会工作会" not in result.text
    assert result.text.count("发放《草莓绿色种植技术手册》200册") == 1
    assert result.text.endswith("推动更多科技成果在田间地头落地。")


def test_wechat_furniture_around_a_university_report() -> None:
    raw = (
        "📢 西安交通大学科协举办“青年科学家论坛”\n西安交大科协 2026-04-12 20:15 陕西\n\n01\n\n"
        "4月11日，西安交通大学科学技术协会在创新港举办第五届“青年科学家论坛”。\n\n"
        "👇👇👇\n\n[图片]\n\n校科协主席王建国致辞。\n\n👆左右滑动查看更多👆\n\nEND\n\n"
        "文字 | 李明\n责编 | 王丽\n\n▼往期推荐\n西安交大科协召开2026年工作会\n"
    )
    result = clean_text(raw)
    assert result.title == "西安交通大学科协举办“青年科学家论坛”"
    assert paragraphs(result.text) == [
        "4月11日，西安交通大学科学技术协会在创新港举办第五届“青年科学家论坛”。",
        "校科协主席王建国致辞。",
    ]


def test_government_website_paste() -> None:
    result = clean_text(fixture_text("gov_site.txt"))
    assert result.title == "北京气象学会举行《城市内涝气象风险预警服务规范》团体标准初审会"
    for gone in ("首页", "发布时间", "字体", "打印", "分享", "上一篇", "下一篇", "图为"):
        assert gone not in result.text
    assert result.org_hint == "北京气象学会"  # from 来源：
    assert len(paragraphs(result.text)) == 3


def test_pdf_paste() -> None:
    result = clean_text(fixture_text("pdf_paste.txt"))
    assert result.title == "关于开展“全民营养周”主题宣传活动的情况报告"
    paras = paragraphs(result.text)
    assert paras[0] == (
        "为贯彻落实《国民营养计划》，倡导健康饮食理念，5月11日至17日，北京营养学会联合"
        "北京市疾病预防控制中心，在全市16个区开展2026年“全民营养周”主题宣传活动。"
    )
    assert "一、活动基本情况" in paras and "二、下一步工作" in paras
    # A sentence broken across a page break (page number + running header) is whole again.
    assert "首都医科大学教授马丽华在启动仪式上指出" in result.text
    assert "工作简报" not in result.text and "- 1 -" not in result.text
    assert "第 2 页" not in result.text and "2026年5月20日" not in result.text
    assert result.org_hint == "北京营养学会"
    assert all("\n" not in p for p in paras)


def test_newspaper_piece() -> None:
    result = clean_text(fixture_text("newspaper.txt"))
    paras = paragraphs(result.text)
    assert paras[0].startswith("5月9日，北京市海淀区科学技术协会")
    assert paras[1].endswith("共评出一等奖36项。")
    assert "记者" not in result.text and "图为" not in result.text


@pytest.mark.parametrize("name", ["wechat.txt", "gov_site.txt", "pdf_paste.txt", "newspaper.txt"])
def test_cleaning_is_idempotent(name: str) -> None:
    once = clean_text(fixture_text(name))
    twice = clean_text(once.text)
    assert twice.text == once.text
    assert twice.removed == []


def test_reference_issue_loses_no_sentence(reference_issue: str) -> None:
    """Every sentence of a real printed issue survives cleaning, except lines removed
    for a stated reason (masthead numbers, rules, editor credits)."""
    result = clean_text(reference_issue)
    cleaned = re.sub(r"\s+", "", (result.title or "") + result.text)
    removed = [re.sub(r"\s+", "", r) for _, r in result.removed]
    source = re.sub(r"\s+|\*\*", "", re.sub(r"(?m)^#+\s*", "", reference_issue))
    missing = [
        s
        for s in source.split("。")
        if len(s) >= 10 and s not in cleaned and not any(r and r in s for r in removed)
    ]
    assert missing == []


# -- properties ----------------------------------------------------------------------------
_PHRASES = [
    "学会召开理事会",
    "专家进行了深入交流",
    "会议审议通过了工作报告",
    "区科协组织科普讲座",
    "与会代表围绕科技创新建言献策",
    "活动吸引了众多居民参加",
    "专家现场解答种植户提问",
    "会议部署了下一阶段重点任务",
    "学会将持续发挥专家智库作用",
    "推动科普工作常态化开展",
    "青少年科技教育活动丰富多彩",
    "全民科学素质建设稳步推进",
]
_sentence = st.lists(st.sampled_from(_PHRASES), min_size=1, max_size=4).map(
    lambda p: "，".join(p) + "。"
)
_paragraph = st.lists(_sentence, min_size=1, max_size=4).map("".join)


def _wrap(p: str, width: int) -> list[str]:
    return [p[i : i + width] for i in range(0, len(p), width)]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_paragraph, min_size=1, max_size=5, unique=True),
    st.integers(12, 40),
    st.booleans(),
)
def test_hard_wrapped_paragraphs_come_back_whole(
    paras: list[str], width: int, indented: bool
) -> None:
    """PDF-style wrapping at a fixed width, paragraphs marked by an indent or a blank line."""
    lines: list[str] = []
    for j, p in enumerate(paras):
        if j and not indented:
            lines.append("")
        for i, line in enumerate(_wrap(p, width)):
            lines.append(("\u3000\u3000" if i == 0 and indented else "") + line)
    nonblank = [line for line in lines if line]
    # Running headers are recurring lines by design; keep this property about wrapping.
    assume(len(set(nonblank)) == len(nonblank))
    # Wrapping must show: two full lines inside paragraphs, one stopping mid-sentence
    # (else nobody could tell a wrapped paragraph from a title and one paragraph a line).
    inner = [a.lstrip("\u3000") for a, b in itertools.pairwise(lines) if a and b]
    full = [line for line in inner if len(line) == width]
    assume(len(full) >= 2 and any(not line.endswith("。") for line in full))
    assert paragraphs(clean_text("\n".join(lines)).text) == paras


@settings(max_examples=60, deadline=None)
@given(st.lists(_paragraph, min_size=1, max_size=5, unique=True))
def test_clean_paragraphs_pass_through_unchanged(paras: list[str]) -> None:
    text = "\n\n".join(paras)
    result = clean_text(text)
    assert result.text == text
    assert result.removed == []


_MESSY = st.text(
    st.sampled_from(
        list("会议学科协召开日月年，。、；：“”《》（）()图为▲记者联系人电话供稿报送单位页第共")
        + list("1234567890-— >\n\n\u3000 :：.!?#*_[]<>abcXYZ首发布时间来源")
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(_MESSY)
def test_any_paste_cleans_without_inventing_characters(text: str) -> None:
    result = clean_text(text)
    assert "\n\n\n" not in result.text
    if result.text:
        assert all(p and p == p.strip() for p in paragraphs(result.text))
    # Cleaning removes and joins; it never adds a character (spaces and breaks aside).
    assert set(result.text) - set(text) <= {" ", "\n"}
