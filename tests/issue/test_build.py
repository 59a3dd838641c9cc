"""Building an issue: order, sections, masthead, footer, and the briefs it refuses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from drafter.errors import IssueError
from drafter.issue import build_issue
from drafter.profile import Profile
from drafter.schemas import Brief, Issue
from drafter.style import lint_brief


def test_leads_first_then_sections_in_profile_order(
    built_issue: Issue, fixture_briefs: list[Brief], profile: Profile
) -> None:
    leads = [b for b in fixture_briefs if b.attribution is None]
    assert [b.headline for b in built_issue.leads] == [b.headline for b in leads]
    order = [s.key for s in profile.ordered_sections()]
    keys = [s.key for s in built_issue.sections]
    assert keys == sorted(keys, key=order.index)
    assert sum(len(s.briefs) for s in built_issue.sections) + len(leads) == len(fixture_briefs)
    for section in built_issue.sections:
        assert section.title == profile.section(section.key).title
        assert all(b.section == section.key and not b.lead for b in section.briefs)


def test_briefs_within_a_section_by_event_date(built_issue: Issue) -> None:
    for section in built_issue.sections:
        firsts = [b.paragraphs[0][:6] for b in section.briefs]
        months_days = [
            tuple(int(x) for x in p.split("日")[0].replace("月", " ").split()) for p in firsts
        ]
        assert months_days == sorted(months_days), section.key


def test_explicit_event_date_wins(fixture_briefs: list[Brief], profile: Profile) -> None:
    societies = [b for b in fixture_briefs if b.kind == "society"]
    assert len(societies) == 2
    later = societies[0].model_copy(update={"event_date": dt.date(2026, 1, 1)})
    issue = build_issue([societies[1], later], profile=profile, date=dt.date(2026, 5, 18))
    assert issue.sections[0].briefs[0].headline == later.headline


def test_empty_sections_are_left_out(fixture_briefs: list[Brief], profile: Profile) -> None:
    no_department = [b for b in fixture_briefs if b.kind != "department"]
    issue = build_issue(no_department, profile=profile, date=dt.date(2026, 5, 18))
    assert "digital" not in [s.key for s in issue.sections]
    assert all(s.briefs for s in issue.sections)
    assert not any("数字科协" in line for line in issue.toc)


def test_masthead_footer_and_toc(built_issue: Issue, profile: Profile) -> None:
    m = built_issue.masthead
    assert (m.name, m.office) == (profile.bulletin, profile.office)
    assert (m.year, m.number, m.total, m.date) == (2026, 19, 152, dt.date(2026, 5, 18))
    assert built_issue.footer.editor == "林晓" and built_issue.footer.reviewer == "高远"
    assert built_issue.footer.distribution == profile.footer.distribution
    assert built_issue.toc[0] == "市科协与延庆区政府共建科普基地签约仪式举办"
    assert built_issue.toc[len(built_issue.leads) :] == [
        s.title.strip("【】") for s in built_issue.sections
    ]


def test_defaults_today_in_the_profile_timezone(
    fixture_briefs: list[Brief], profile: Profile
) -> None:
    issue = build_issue(fixture_briefs[:3], profile=profile)
    assert issue.masthead.date == dt.datetime.now(ZoneInfo(profile.timezone)).date()
    assert (issue.masthead.number, issue.masthead.total) == (1, 1)
    assert issue.footer.editor is None  # the default profile leaves it blank


def test_office_kind_is_a_lead(fixture_briefs: list[Brief], profile: Profile) -> None:
    society = next(b for b in fixture_briefs if b.kind == "society")
    office = society.model_copy(update={"kind": "office"})
    issue = build_issue([office], profile=profile, date=dt.date(2026, 5, 18))
    assert issue.leads[0].headline == society.headline
    assert issue.leads[0].lead and issue.leads[0].section == "lead"
    assert issue.sections == []


def test_same_source_twice_is_refused(fixture_briefs: list[Brief], profile: Profile) -> None:
    a = fixture_briefs[2].model_copy(update={"source_id": "abc123"})
    b = fixture_briefs[4].model_copy(update={"source_id": "abc123"})
    with pytest.raises(IssueError) as info:
        build_issue([a, b], profile=profile, force=True)
    assert a.headline in info.value.message and b.headline in info.value.message
    assert "重复" in info.value.message


def test_near_identical_text_is_refused(fixture_briefs: list[Brief], profile: Profile) -> None:
    original = fixture_briefs[2]
    copy = original.model_copy(
        update={
            "paragraphs": [
                original.paragraphs[0].replace("30余名", "35余名"),
                *original.paragraphs[1:],
            ]
        }
    )
    with pytest.raises(IssueError, match="内容几乎相同"):
        build_issue([original, copy, fixture_briefs[3]], profile=profile, force=True)


def test_needs_review_is_refused_unless_forced(
    fixture_briefs: list[Brief], profile: Profile
) -> None:
    flagged = fixture_briefs[3].model_copy(update={"status": "needs_review"})
    briefs = [*fixture_briefs[:3], flagged]
    with pytest.raises(IssueError) as info:
        build_issue(briefs, profile=profile)
    assert flagged.headline in info.value.message and "--force" in (info.value.hint or "")
    issue = build_issue(briefs, profile=profile, force=True)
    assert flagged.headline in [b.headline for b in issue.briefs()]


def test_lint_errors_are_refused_unless_forced(
    fixture_briefs: list[Brief], profile: Profile
) -> None:
    bad = fixture_briefs[4].model_copy(
        update={"paragraphs": ["5月7日,海淀区科协召开2026年科普工作部署会;会议部署了全年工作。"]}
    )
    assert any(f.severity == "error" for f in lint_brief(bad, profile))
    with pytest.raises(IssueError) as info:
        build_issue([fixture_briefs[0], bad], profile=profile)
    assert bad.headline in info.value.message
    issue = build_issue([fixture_briefs[0], bad], profile=profile, force=True)
    assert len(issue.briefs()) == 2


def test_fixture_briefs_are_clean(fixture_briefs: list[Brief], profile: Profile) -> None:
    """The fixtures themselves pass the gate (so the refusals above are the edits')."""
    from drafter.issue.build import review_problems

    assert [p.describe() for p in review_problems(fixture_briefs, profile)] == []


def test_no_briefs_and_unknown_sections(fixture_briefs: list[Brief], profile: Profile) -> None:
    with pytest.raises(IssueError):
        build_issue([], profile=profile)
    stray = fixture_briefs[2].model_copy(update={"section": "nowhere", "kind": None})
    with pytest.raises(IssueError, match="nowhere"):
        build_issue([stray], profile=profile)


def test_long_form_attribution_is_a_lint_error(
    fixture_briefs: list[Brief], profile: Profile
) -> None:
    district = next(b for b in fixture_briefs if b.kind == "district")
    long_form = district.model_copy(update={"attribution": f"北京市{district.attribution}"})
    from drafter.issue.build import review_problems

    problems = review_problems([district, long_form], profile)
    assert [p.index for p in problems] == [1]
    assert district.attribution in problems[0].describe()
