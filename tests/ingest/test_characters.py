"""Character repairs in ingest: mojibake, control characters, traditional script, pinyin."""

from __future__ import annotations

import pytest

from drafter.ingest.characters import repair_characters
from drafter.ingest.report import report_from_text
from drafter.profile import Profile
from drafter.text.characters import find_control_characters, strip_control_characters

BODY = "5月8日，北京气象学会召开学术年会，专家14人参加会议。"
TITLE = "北京气象学会召开学术年会"


def _report(text: str, profile: Profile) -> tuple[str, list[str], list[str]]:
    r = report_from_text(text, profile=profile)
    cleaned = [n.message for n in r.notes if n.rule == "ingest.cleaned"]
    warned = [n.message for n in r.notes if n.rule == "ingest.mojibake"]
    return r.text, cleaned, warned


@pytest.mark.parametrize("wrong", ["latin-1", "cp1252"])
def test_gbk_read_as_latin1_is_repaired_and_noted(profile: Profile, wrong: str) -> None:
    moji = BODY.encode("gbk").decode(wrong)
    text, cleaned, warned = _report(f"{TITLE}\n\n{moji}", profile)
    assert text == BODY
    assert any("乱码" in m for m in cleaned) and not warned


def test_mojibake_that_cannot_be_reversed_is_reported() -> None:
    moji = BODY.encode("gbk").decode("latin-1")
    lost = moji[:10] + "\ufffd\ufffd" + moji[12:]  # a page that lost two bytes
    repairs = repair_characters(f"{TITLE}\n\n{lost}")
    warnings = [n for n in repairs.notes if n.severity == "warning"]
    assert len(warnings) == 1 and "无法还原" in warnings[0].message
    assert warnings[0].rule == "ingest.mojibake"


def test_french_or_degrees_are_not_mojibake() -> None:
    for line in ("Café résumé à la carte", "气温 25°C，湿度 60%", "买买提·艾力参加会议。"):
        assert repair_characters(line).notes == []


@pytest.mark.parametrize(
    "dirty",
    [
        "5月8日，北京气象学会\u202e召开学术年会，专家14人参加会议。",
        "5月8日，北京气象学会召开学术年会\x9b，专家14人参加会议。",
        "5月8日，北京气象学会召开\x1b[31m学术年会\x1b[0m，专家14人参加会议。",
        "5月8日，\u200f北京气象学会召开学术年会，\x07专家14人参加会议。\u2066",
    ],
    ids=["rlo", "csi-c1", "ansi", "marks-and-bell"],
)
def test_control_characters_and_direction_marks_are_stripped(profile: Profile, dirty: str) -> None:
    text, cleaned, _ = _report(f"{TITLE}\n\n{dirty}", profile)
    assert text == BODY
    assert find_control_characters(text) == []
    assert any("控制字符" in m and "U+" in m for m in cleaned)


def test_find_control_characters_names_each() -> None:
    found = find_control_characters("甲\u202e乙\x9b丙\t丁\n")
    assert [(c.offset, c.code) for c in found] == [(1, "U+202E"), (3, "U+009B")]
    assert strip_control_characters("甲\u202e乙") == ("甲乙", 1)


def test_traditional_page_becomes_simplified(profile: Profile) -> None:
    page = "北京氣象學會召開學術年會\n\n5月8日，北京氣象學會在區青少年活動中心召開學術年會，專家14人參加會議。"
    r = report_from_text(page, profile=profile)
    assert r.title == TITLE
    assert r.text == "5月8日，北京气象学会在区青少年活动中心召开学术年会，专家14人参加会议。"
    assert any(n.rule == "ingest.cleaned" and "OpenCC" in n.message for n in r.notes)


def test_simplified_text_is_left_alone() -> None:
    # 著名, 乾坤, 皇后: characters t2s would touch in some contexts; no hint of a
    # traditional page, so nothing is converted.
    text = "5月8日，著名科学家出席会议，皇后镇代表团参观。"
    assert repair_characters(text).text == text


def test_pinyin_annotations_are_removed(profile: Profile) -> None:
    page = (
        "學(xué)會(huì)召(zhào)開(kāi)年(nián)會(huì)\n\n"
        "5月8日，北京氣象學(xué)會(huì)召(zhào)開(kāi)學術年會，專家14人參加會議。"
    )
    r = report_from_text(page, profile=profile)
    assert r.title == "学会召开年会"
    assert r.text == "5月8日，北京气象学会召开学术年会，专家14人参加会议。"
    assert any("拼音" in n.message for n in r.notes)


def test_a_lone_latin_word_in_brackets_stays() -> None:
    text = "会议展示了新系统(beta)的功能。"
    assert repair_characters(text).text == text
