"""Guard recall (drafter.guard): every fact of a brief is found in the source or named,
whatever the sentence pattern; claims with no entity are warned."""

from __future__ import annotations

import datetime as dt

import pytest

from drafter.guard.entities import extract_entities
from drafter.guard.faithfulness import check_faithfulness
from drafter.profile import Profile
from drafter.schemas import Report

SOURCE = (
    "11月23日，平谷区科协联合区农业农村局举办农村实用技术培训班，副区长张伟出席活动，"
    "120名种植大户参加。"
)


def _errors(brief: str, profile: Profile, source: str = SOURCE) -> list[tuple[str, str]]:
    found = check_faithfulness(brief, source, profile)
    return [(f.rule, f.excerpt or "") for f in found if f.severity == "error"]


@pytest.mark.parametrize(
    ("brief", "named"),
    [
        ("11月23日，国务院副总理王大明出席会议并讲话。", ("guard.person", "王大明")),
        ("11月23日，区长张伟出席活动。", ("guard.title", "区长")),
        ("11月23日，平谷区科协联合区卫健委举办培训班。", ("guard.org", "区卫健委")),
        ("11月23日，北京市教委、市科委、平谷区科协举办培训班。", ("guard.org", "市科委")),
        ("11月23日，市长出席活动。", ("guard.title", "市长")),
        ("11月23日，国务院有关部门派员参加。", ("guard.org", "国务院")),
        ("11月23日，中国农业大学王大明教授授课。", ("guard.person", "王大明")),
        ("11月23日，王大明博士介绍了经验。", ("guard.person", "王大明")),
        ("11月23日，区政协主席张伟出席活动。", ("guard.org", "区政协")),
        ("11月23日，区农业农村局局长张伟出席。", ("guard.title", "局长")),
    ],
)
def test_an_invented_fact_is_named_whatever_the_pattern(
    brief: str, named: tuple[str, str], profile: Profile
) -> None:
    assert named in _errors(brief, profile)


def test_the_faithful_brief_passes(profile: Profile) -> None:
    brief = "11月23日，平谷区科协联合区农业农村局举办培训班，副区长张伟出席，120名种植大户参加。"
    assert _errors(brief, profile) == []


def test_a_title_is_checked_with_its_holder(profile: Profile) -> None:
    ents = extract_entities("国务院副总理王大明出席会议。", profile)
    assert ("title", "副总理", "王大明") in [(e.kind, e.text, e.person) for e in ents]


def test_a_bare_title_is_accepted_when_the_source_writes_it(profile: Profile) -> None:
    assert _errors("11月23日，副区长出席活动。", profile) == []


def test_a_year_the_source_never_writes_is_named(profile: Profile) -> None:
    source = "2026年工作要点\n1月22日，昌平区科协召开学会工作座谈会。"
    assert _errors("2026年1月22日，昌平区科协召开座谈会。", profile, source) == []
    assert ("guard.date", "2025年1月22日") in _errors(
        "2025年1月22日，昌平区科协召开座谈会。", profile, source
    )


def test_a_date_completed_from_the_dateline_is_supported(profile: Profile) -> None:
    text = "2026年11月\n23日，怀柔区科协组织农业专家赴渤海镇开展科技下乡活动。"
    report = Report(
        id="d", text=text, org_short="怀柔区科协", kind="district", received=dt.date(2026, 11, 25)
    )
    found = check_faithfulness("11月23日，怀柔区科协开展科技下乡活动。", report, profile)
    assert [f for f in found if f.severity == "error"] == []


def test_claims_without_entities_are_warned(profile: Profile) -> None:
    found = check_faithfulness("11月23日，与会专家一致认为，其他省市也可借鉴。", SOURCE, profile)
    claims = [(f.rule, f.severity, f.excerpt) for f in found if f.rule == "guard.claim"]
    assert claims == [
        ("guard.claim", "warning", "一致认为"),
        ("guard.claim", "warning", "可借鉴"),
    ]
    assert profile.review_phrases[:2] == ["一致认为", "一致好评"]
