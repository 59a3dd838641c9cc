"""Person names and titles without a dictionary (drafter.guard.people)."""

from __future__ import annotations

import pytest

from drafter.guard.people import TITLE_RE, find_names


def names(text: str) -> list[str]:
    return [h.name for h in find_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市科协党组书记、常务副主席沈立华出席。", ["沈立华"]),
        ("沈立华书记出席并讲话。", ["沈立华"]),
        ("陈维明副主席主持会议。", ["陈维明"]),
        ("会议由研究院副院长时少英主持。", ["时少英"]),
        ("到会专家有吕文涛等14人。", ["吕文涛"]),
        ("朱立军、杨尹墨、付卫东等教授当选为副理事长。", ["朱立军", "杨尹墨", "付卫东"]),
        ("贺泳川表示，要深化合作。", ["贺泳川"]),
        ("由副市长马志诚颁奖。", ["马志诚"]),
        ("会议由王立平主持。", ["王立平"]),
        ("欧阳明远教授作报告。", ["欧阳明远"]),
    ],
)
def test_names_are_found_from_their_context(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "全体代表表示，会议由专家主持。",
        "华为、百度等企业参加。",
        "双方就合作进行交流，与会代表参加讨论。",
        "门头沟区委书记出席。",
        "中国农业大学教育基金会秘书长出席。",
        "师生们参加了沙龙。",
    ],
)
def test_ordinary_words_are_not_names(text: str) -> None:
    assert names(text) == []


def test_titles_chain_to_the_name_that_follows() -> None:
    (hit,) = find_names("区委副书记、区长吕晨光出席。")
    assert [t for _, _, t in hit.titles] == ["区委副书记", "区长"]


def test_list_shares_the_title_after_it() -> None:
    hits = find_names("朱立军、付卫东等教授当选。")
    assert [[t for _, _, t in h.titles] for h in hits] == [["教授"], ["教授"]]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("党组书记", "党组书记"),
        ("常务副主席", "常务副主席"),
        ("副院长", "副院长"),
        ("博士生导师", "博士生导师"),
        ("区委副书记", "区委副书记"),
    ],
)
def test_title_regex_takes_the_whole_title(text: str, title: str) -> None:
    m = TITLE_RE.match(text)
    assert m is not None and m.group(0) == title


@pytest.mark.parametrize("text", ["理事会", "委员会"])
def test_bodies_are_not_titles(text: str) -> None:
    assert TITLE_RE.fullmatch(text) is None
    assert TITLE_RE.match(text) is None
