"""Files, standard input and pasted text → Report: reading, metadata, org inference."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.errors import DrafterError, EncodingError, InputError, exit_code_for
from drafter.ingest.report import (
    load_report,
    parse_kind,
    report_from_text,
    split_front_matter,
)
from drafter.profile import Profile
from drafter.schemas import report_id_for
from drafter.text.dates import parse_user_date

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"


# -- reading ------------------------------------------------------------------------------
def test_gbk_file_is_decoded_and_encoding_recorded(profile: Profile) -> None:
    report = load_report(FIXTURES / "gbk.txt", profile=profile)
    assert report.encoding == "gb18030"
    assert "北京抗癌协会在西城区广内街道社区服务中心举办" in report.text
    assert report.org_short == "北京抗癌协会" and report.kind == "society"


def test_utf8_bom_file(profile: Profile) -> None:
    report = load_report(FIXTURES / "bom.txt", profile=profile)
    assert report.encoding == "utf-8-sig"
    assert "\ufeff" not in report.text and "\ufeff" not in (report.title or "")
    assert report.title == "北京市科协科普部开展科普基地走访调研"
    # 供稿：科普部 → a department of the association.
    assert report.org_short == "科普部" and report.kind == "department"


def test_crlf_and_mixed_line_endings(profile: Profile) -> None:
    report = load_report(FIXTURES / "crlf_mixed.txt", profile=profile)
    assert "\r" not in report.text
    assert "走进潞城镇，为村民带来机器人" in report.text  # the hard break is joined
    assert report.contact == "联系电话：010-81500000"
    assert "010" not in report.text
    assert any(n.rule == "ingest.line_endings" for n in report.notes)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path, profile: Profile) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("北京市顺义区科协开展科技志愿服务活动", level=1)
    doc.add_paragraph(
        "　　5月9日，北京市顺义区科学技术协会组织科技志愿者走进社区，开展科普宣传活动。"
    )
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "服务项目"
    table.cell(0, 1).text = "参与人数"
    table.cell(1, 0).text = "健康咨询"
    table.cell(1, 1).text = "120人"
    doc.add_paragraph("　　活动共发放科普资料500余份。")
    doc.add_paragraph("联系人：赵磊")
    path = tmp_path / "shunyi.docx"
    doc.save(str(path))

    report = load_report(path, profile=profile)
    assert report.encoding == "docx"
    assert report.title == "北京市顺义区科协开展科技志愿服务活动"
    text = report.text
    assert text.index("走进社区") < text.index("健康咨询") < text.index("500余份")
    assert "120人" in text
    assert report.contact == "联系人：赵磊" and "赵磊" not in text
    assert report.org_short == "顺义区科协" and report.kind == "district"


def test_docx_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    para = doc.add_paragraph("5月8日，北京气象学会召开理事会，")
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "1")
    inserted.set(qn("w:author"), "editor")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "审议通过了年度工作报告。"
    run.append(text)
    inserted.append(run)
    para._p.append(inserted)
    deleted = OxmlElement("w:del")
    run = OxmlElement("w:r")
    gone = OxmlElement("w:delText")
    gone.text = "已删除的旧句子。"
    run.append(gone)
    deleted.append(run)
    para._p.append(deleted)
    path = tmp_path / "tracked.docx"
    doc.save(str(path))

    report = load_report(path)
    assert report.text == "5月8日，北京气象学会召开理事会，审议通过了年度工作报告。"


def test_standard_input(monkeypatch: pytest.MonkeyPatch, profile: Profile) -> None:
    pasted = "5月8日，北京气象学会召开理事会。\n会议审议通过了年度工作报告。\n".encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(pasted)))
    report = load_report("-", profile=profile)
    assert report.source_path == "-"
    assert report.encoding == "gb18030"
    assert report.org_short == "北京气象学会"


@pytest.mark.parametrize("suffix", [".doc", ".pdf", ".wps"])
def test_unsupported_formats_get_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not text")
    with pytest.raises(InputError) as info:
        load_report(path)
    assert ".docx" in (info.value.hint or "")
    assert exit_code_for(info.value) == 2


def test_broken_docx_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not a real zip")
    with pytest.raises(InputError, match="不是有效的 Word"):
        load_report(path)


def test_missing_empty_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到文件"):
        load_report(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError):
        load_report(empty)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa\xfb" * 10)
    with pytest.raises(EncodingError):
        load_report(bad)


def test_text_with_nothing_left_after_cleaning_is_an_error() -> None:
    with pytest.raises(InputError, match="清理后没有正文") as info:
        report_from_text("首页 > 工作动态\n【打印本页】【关闭窗口】\n联系人：李华")
    assert info.value.hint


# -- front matter --------------------------------------------------------------------------
def test_front_matter_supplies_metadata(profile: Profile) -> None:
    report = load_report(FIXTURES / "front_matter.md", profile=profile)
    assert report.org == "北京市怀柔区科学技术协会"
    assert report.org_short == "怀柔区科协" and report.kind == "district"
    assert report.title == "关于召开2026年全民科学素质工作会的情况报告"
    assert report.received == dt.date(2026, 5, 11)
    assert report.lead is False
    assert report.text.startswith("5月8日，我区召开")
    assert "org:" not in report.text


def test_flags_win_over_front_matter(profile: Profile) -> None:
    report = load_report(
        FIXTURES / "front_matter.md",
        profile=profile,
        org="北京气象学会",
        kind="grassroots",
        title="另一个标题",
        date=dt.date(2026, 5, 12),
        lead=True,
    )
    assert report.org_short == "北京气象学会"
    assert report.kind == "grassroots"
    assert report.title == "另一个标题"
    assert report.received == dt.date(2026, 5, 12)
    assert report.lead is True


def test_given_title_is_not_repeated_in_the_text(profile: Profile) -> None:
    title = "热烈祝贺北京气象学会第十次会员代表大会胜利召开！"
    text = f"{title}\n\n5月8日，北京气象学会召开第十次会员代表大会。"
    report = report_from_text(text, profile=profile, title=title)
    assert report.title == title
    assert report.text == "5月8日，北京气象学会召开第十次会员代表大会。"


def test_bad_front_matter_yaml(profile: Profile) -> None:
    with pytest.raises(InputError, match="元数据块") as info:
        load_report(FIXTURES / "bad_front_matter.md", profile=profile)
    assert info.value.hint and "冒号" in info.value.hint


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        ("orgg: 北京气象学会", "orgg"),
        ("kind: 街道", "单位类型"),
        ("date: 五月八日", "日期"),
        ("lead: 也许", "lead"),
        ("- org\n- kind", "键: 值"),
    ],
)
def test_invalid_front_matter_values(block: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        report_from_text(f"---\n{block}\n---\n5月8日，学会召开理事会。")
    assert fragment in info.value.message
    assert info.value.hint


def test_unclosed_front_matter() -> None:
    with pytest.raises(InputError, match="没有结束行"):
        report_from_text("---\norg: 北京气象学会\n5月8日，学会召开理事会。")


def test_front_matter_accepts_chinese_kind_and_date() -> None:
    front, rest = split_front_matter("---\nkind: 区科协\ndate: 2026年5月8日\nlead: 是\n---\n正文。")
    assert front is not None
    assert front.kind == "district" and front.date == dt.date(2026, 5, 8) and front.lead is True
    assert rest == "正文。"


def test_a_leading_rule_line_is_not_front_matter() -> None:
    front, rest = split_front_matter("---\n5月8日，学会召开理事会。")
    assert front is None and rest.startswith("---")


# -- org inference --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "org", "short", "kind"),
    [
        (
            "5月8日，北京市怀柔区科学技术协会召开全民科学素质工作会。",
            "北京市怀柔区科学技术协会",
            "怀柔区科协",
            "district",
        ),
        (
            "为进一步提升青少年科学素养，5月8日上午，北京气象学会在市第八中学举办科普讲座。",
            "北京气象学会",
            "北京气象学会",
            "society",
        ),
        (
            "北京市怀柔区科学技术协会于5月8日召开工作会。",
            "北京市怀柔区科学技术协会",
            "怀柔区科协",
            "district",
        ),
        (
            "5月8日，由北京抗癌协会主办的科普讲座在西城区举行。",
            "北京抗癌协会",
            "北京抗癌协会",
            "society",
        ),
        ("5月7日，北京市科协科普部赴北京天文馆调研。", "北京市科协科普部", "科普部", "department"),
        (
            "5月8日，河北省保定市科学技术协会召开工作会。",
            "河北省保定市科学技术协会",
            "河北省保定市科协",
            "district",
        ),
    ],
)
def test_org_from_the_first_sentence(
    text: str, org: str, short: str, kind: str, profile: Profile
) -> None:
    report = report_from_text(text + "\n\n会议部署了年度任务。", profile=profile)
    assert (report.org, report.org_short, report.kind) == (org, short, kind)
    assert not [n for n in report.notes if n.severity == "warning"]


def test_org_from_the_title_of_a_first_person_report(profile: Profile) -> None:
    text = "北京气象学会关于召开团体标准初审会的情况报告\n\n5月6日，我会召开团体标准初审会。\n\n会议由理事长主持。"
    report = report_from_text(text, profile=profile)
    assert report.title == "北京气象学会关于召开团体标准初审会的情况报告"
    assert report.org_short == "北京气象学会"


def test_org_after_about_in_the_title(profile: Profile) -> None:
    text = "关于北京气象学会召开理事会的情况报告\n\n5月8日，我会召开理事会。"
    assert report_from_text(text, profile=profile).org == "北京气象学会"


def test_source_ending_wins_over_the_first_sentence(profile: Profile) -> None:
    text = "5月8日，北京气象学会与北京抗癌协会联合举办讲座。\n\n（北京抗癌协会供稿）"
    assert report_from_text(text, profile=profile).org_short == "北京抗癌协会"


def test_source_with_a_department_after_the_org(profile: Profile) -> None:
    text = "9月25日，我会智能制造专委会召开学术年会。\n\n（供稿：北京气象学会 学术部）"
    report = report_from_text(text, profile=profile)
    assert report.org == "北京气象学会" and report.org_short == "北京气象学会"


def test_addressee_is_not_taken_for_the_sender(profile: Profile) -> None:
    text = "市科协学会部：\n\n6月8日，北京气象学会召开团体标准审查会。\n\n会议通过了审查。"
    report = report_from_text(text, profile=profile)
    assert report.org_short == "北京气象学会"


def _without_patterns(profile: Profile) -> Profile:
    # Only the exact registry names: what the patterns resolve is the profile's business.
    return Profile.model_validate({**profile.model_dump(), "org_patterns": []})


def test_unknown_org_is_kept_with_a_warning_naming_nearest_registry_names(
    profile: Profile,
) -> None:
    registry = _without_patterns(profile)
    report = report_from_text("5月8日，北京市气象服务中心召开工作会。", profile=registry)
    assert report.org == "北京市气象服务中心"
    assert report.org_short == "北京市气象服务中心"
    (note,) = [n for n in report.notes if n.rule == "ingest.org_unknown"]
    assert note.severity == "warning"
    assert note.excerpt == "北京市气象服务中心"
    assert note.replacement in registry.org_names()
    assert note.replacement in note.message


def test_unknown_formal_association_name_gets_a_short_form(profile: Profile) -> None:
    report = report_from_text(
        "5月8日，召开会议。", profile=_without_patterns(profile), org="中关村某某联盟科学技术协会"
    )
    assert report.org_short == "中关村某某联盟科协"
    assert any(n.rule == "ingest.org_unknown" for n in report.notes)


def test_no_org_found_is_a_warning(profile: Profile) -> None:
    report = report_from_text("5月8日，我会召开理事会。", profile=profile)
    assert report.org is None and report.org_short is None
    assert [n.rule for n in report.notes if n.severity == "warning"] == ["ingest.org_missing"]


def test_kind_from_the_profile_unless_given(profile: Profile) -> None:
    text = "5月8日，北京市怀柔区科学技术协会召开工作会。"
    assert report_from_text(text, profile=profile).kind == "district"
    assert report_from_text(text, profile=profile, kind="society").kind == "society"
    assert report_from_text("5月8日，我会召开理事会。", profile=profile).kind == "society"


def test_profile_registry_is_data(profile: Profile) -> None:
    data = profile.model_dump()
    data["orgs"].append({"short": "测试学会", "names": ["某省测试学会"], "kind": "society"})
    report = report_from_text(
        "5月8日，某省测试学会召开理事会。", profile=Profile.model_validate(data)
    )
    assert report.org_short == "测试学会"


# -- the Report ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["wechat.txt", "gov_site.txt", "pdf_paste.txt", "newspaper.txt", "gbk.txt", "bom.txt"]
)
def test_every_fixture_makes_a_valid_report(name: str, profile: Profile) -> None:
    report = load_report(FIXTURES / name, profile=profile)
    assert report.id == report_id_for(report.text)
    assert report.source_path == str(FIXTURES / name)
    assert report.org_short
    assert not [n for n in report.notes if n.severity == "warning"]
    assert any(n.rule == "ingest.cleaned" for n in report.notes)
    assert "\n\n\n" not in report.text
    assert all(p == p.strip() for p in report.text.split("\n\n"))
    type(report).model_validate_json(report.model_dump_json())


def test_received_date(profile: Profile) -> None:
    text = "昨日，北京气象学会召开理事会。"
    assert report_from_text(text, profile=profile).received is None
    report = report_from_text(text, profile=profile, date=dt.date(2026, 5, 9))
    assert report.received == dt.date(2026, 5, 9)


def test_same_text_same_id_regardless_of_chrome(profile: Profile) -> None:
    body = "5月8日，北京气象学会召开理事会。\n\n会议审议通过了年度工作报告。"
    pasted = f"首页 > 学会动态\n{body}\n【打印本页】【关闭窗口】\n分享到："
    assert (
        report_from_text(body, profile=profile).id == report_from_text(pasted, profile=profile).id
    )


@pytest.mark.parametrize(
    ("value", "kind"), [("district", "district"), ("学会", "society"), (" Office ", "office")]
)
def test_parse_kind(value: str, kind: str) -> None:
    assert parse_kind(value) == kind


def test_bad_flag_values_are_cli_ready_errors() -> None:
    for call in (lambda: parse_kind("街道"), lambda: parse_user_date("明天")):
        with pytest.raises(DrafterError) as info:
            call()
        assert info.value.hint
        assert exit_code_for(info.value) == 2
    assert parse_user_date("2026-05-08") == dt.date(2026, 5, 8)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_report_or_a_clear_error(text: str) -> None:
    try:
        report = report_from_text(text)
    except DrafterError as exc:
        assert exc.message and exc.hint
        return
    assert report.text and report.id == report_id_for(report.text)
