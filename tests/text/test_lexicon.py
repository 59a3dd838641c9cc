"""The one copy of drafter's Chinese word lists (drafter.text.lexicon)."""

from __future__ import annotations

import re

import pytest

from drafter.text import lexicon as lx
from drafter.text.lexicon import alternation, words

_TUPLES = {
    name: value for name, value in vars(lx).items() if name.isupper() and isinstance(value, tuple)
}


def test_words_splits_on_any_white_space() -> None:
    assert words("召开 举办\n    举行") == ("召开", "举办", "举行")


def test_alternation_keeps_the_order_given() -> None:
    # 学会 before 学会部: a pattern takes the first word that fits.
    rx = re.compile(alternation(("学会", "学会部")))
    assert rx.match("学会部").group(0) == "学会"  # type: ignore[union-attr]
    rx = re.compile(alternation(("学会", "学会部"), longest_first=True))
    assert rx.match("学会部").group(0) == "学会部"  # type: ignore[union-attr]


def test_alternation_escapes_and_groups() -> None:
    assert alternation(("a.b", "c")) == r"(?:a\.b|c)"
    assert re.fullmatch(alternation(("a.b", "c")) + "+", "cc")
    assert not re.fullmatch(alternation(("a.b",)), "axb")


def test_alternation_guards_words_against_what_follows() -> None:
    rx = re.compile(alternation(lx.ORG_SUFFIXES_ALL, not_before=lx.NOT_SUFFIX_BEFORE))
    ordinary_words = ("部署", "部分", "部门", "局长", "厅长", "大学生", "学会了", "中心任务")
    for ordinary in (*ordinary_words, "委员", "委托"):
        assert rx.match(ordinary) is None, ordinary
    for suffix in (
        "部",
        "局",
        "厅",
        "大学",
        "学会",
        "中心",
        "科学技术协会",
        "委员会",
        "委",
        "国务院",
    ):
        assert rx.fullmatch(suffix), suffix


@pytest.mark.parametrize("name", sorted(_TUPLES))
def test_no_list_repeats_a_word(name: str) -> None:
    value = _TUPLES[name]
    assert all(isinstance(w, str) and w and not w.isspace() for w in value)
    assert len(set(value)) == len(value)


def test_the_event_verbs_are_built_on_the_verbs_of_holding_an_event() -> None:
    assert lx.HOLD_VERBS == ("召开", "举办", "举行", "开展")
    assert lx.HOLD_VERBS[:3] == lx.HOST_VERBS
    assert set(lx.HOLD_VERBS) <= set(lx.EVENT_VERBS)
    assert {"组织", "启动", "签署", "出席", "揭牌"} <= set(lx.EVENT_VERBS)
    assert not set(lx.OPEN_CLOSE_VERBS) & set(lx.EVENT_VERBS)


def test_reporting_verbs_are_the_house_styles() -> None:
    # house-style.md: reported speech with 表示, 指出, 强调, 要求, 希望.
    assert lx.REPORTING_VERBS == ("表示", "指出", "强调", "要求", "希望")
    assert (*lx.REPORTING_VERBS, "介绍", "致辞") == lx.SPEECH_VERBS


def test_titles_nest() -> None:
    assert set(lx.LEADER_TITLES) <= set(lx.PERSON_TITLES)
    assert set(lx.SENIOR_TITLES) <= set(lx.PERSON_TITLES)
    assert set(lx.NOTABLE_TITLES) == {*lx.LEADER_TITLES, *lx.SENIOR_TITLES, "专家"}
    assert "专家" not in lx.PERSON_TITLES  # an expert is not a title the guard checks
    assert len(lx.PERSON_TITLES) == 74
    # state titles, so that 国务院副总理王大明 is a titled person the guard checks
    assert {"总理", "省长", "国务委员"} <= set(lx.PERSON_TITLES)


def test_whole_names_are_suffixes_the_guard_knows() -> None:
    assert set(lx.ORG_WHOLE_NAMES) <= set(lx.ORG_SUFFIXES_ALL)


def test_organization_subsets_differ_only_where_they_must() -> None:
    every = set(lx.ORG_SUFFIXES_ALL)
    # Every rule's suffixes are organization words the guard knows too, but for the
    # government offices of a report's address lines and headlines (处, 委, 办, 园区, 室)
    # and the departments named in full (科普部, 学会部, 秘书处).
    extra = {"处", "委", "办", "园区", "室", "科普部", "学会部", "秘书处"}
    for name in (
        "ORG_SUFFIXES_LINE",
        "ORG_SUFFIXES_SENDER",
        "ORG_SUFFIXES_SIGNED",
        "ORG_SUFFIXES_NAMED",
        "ORG_SUFFIXES_COMMON",
        "ORG_SUFFIXES_COMMON_SHORT",
        "ORG_SUFFIXES_DIGEST",
    ):
        assert set(getattr(lx, name)) <= every | extra, name
    assert "部" not in lx.ORG_SUFFIXES_SENDER  # a department keeps its own name: 科普部
    assert lx.ORG_SUFFIXES_SENDER.index("学会") < lx.ORG_SUFFIXES_SENDER.index("学会部")
    assert "科学技术协会" in lx.ORG_SUFFIXES_COMMON
    assert "科学技术协会" not in lx.ORG_SUFFIXES_COMMON_SHORT
    assert set(lx.ORG_SUFFIXES_DIGEST) == {*lx.ORG_SUFFIXES_COMMON_SHORT, "中心", "秘书处"}
    for common in ("科协", "学会", "协会", "研究会", "部", "办公室"):
        for name in ("ORG_SUFFIXES_LINE", "ORG_SUFFIXES_SIGNED", "ORG_SUFFIXES_NAMED"):
            assert common in getattr(lx, name), (common, name)


def test_parts_of_the_day_nest() -> None:
    every = set(lx.DAY_PARTS_ALL)
    for name in ("DAY_PARTS", "DAY_PARTS_LEAD", "DAY_PARTS_WRITTEN", "DAY_PARTS_NUMBERED"):
        assert set(lx.DAY_PARTS) <= set(getattr(lx, name)) <= every, name
    # 晚 begins 晚上 and 晚间: it must come after them in every list that has both.
    for name in ("DAY_PARTS_ALL", "DAY_PARTS_WRITTEN", "DAY_PARTS_NUMBERED"):
        parts = getattr(lx, name)
        assert parts.index("晚") > parts.index("晚上"), name
