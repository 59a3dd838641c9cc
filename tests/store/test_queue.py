"""The paged review queue: filters in SQL, and the text under review now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from workflow_data import fake_draft, finding, make_report

from drafter.brieftext import render_brief_md
from drafter.errors import InputError
from drafter.profile import Profile
from drafter.schemas import Brief, Report
from drafter.store.database import Store
from drafter.store.metadata import correct_draft
from drafter.store.queue import QueuePage, queue_page
from drafter.store.workflow import revise_text, submit_report


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _submit(store: Store, profile: Profile, name: str) -> int:
    result = submit_report(store, make_report(name, profile), profile=profile, draft_fn=fake_draft)
    assert result.error is None
    return result.draft.id


def test_the_queue_shows_the_revised_headline_not_the_machine_draft(
    store: Store, profile: Profile
) -> None:
    first = _submit(store, profile, "society")
    second = _submit(store, profile, "district")
    draft = store.get_draft(first)
    assert draft.brief is not None
    edited = render_brief_md(draft.brief.model_copy(update={"headline": "编辑改过的标题"}))
    revise_text(store, first, edited, profile=profile, check_fn=lambda *_a: [])
    page = queue_page(store)
    by_id = {d.id: d for d in page.drafts}
    assert by_id[first].headline == "编辑改过的标题"
    assert by_id[second].headline == store.get_draft(second).brief.headline  # type: ignore[union-attr]
    assert page.total == 2 and page.pages == 1


def test_paging_and_filters(store: Store, profile: Profile) -> None:
    ids = [_submit(store, profile, n) for n in ("society", "district", "society")]
    assert [d.id for d in queue_page(store, per_page=2).drafts] == ids[:2]
    assert [d.id for d in queue_page(store, per_page=2, page=2).drafts] == ids[2:]
    assert queue_page(store, kind="district").total == 1
    assert [d.id for d in queue_page(store, newest_first=True).drafts] == ids[::-1]


def _with_errors(report: Report, profile: Profile, model: str | None) -> Brief:
    """The usual fake draft, carrying one error finding."""
    brief = fake_draft(report, profile, model)
    return brief.model_copy(update={"findings": [finding("测试规则", brief.headline[:4])]})


def _ids(page: QueuePage) -> list[int]:
    return [d.id for d in page.drafts]


@pytest.fixture
def mixed(store: Store, profile: Profile) -> dict[str, int]:
    """A society and a district draft, a grassroots one with an error, and a district
    report received but not drafted yet — in that id order."""
    out = {n: _submit(store, profile, n) for n in ("society", "district")}
    result = submit_report(
        store, make_report("grassroots", profile), profile=profile, draft_fn=_with_errors
    )
    out["grassroots"] = result.draft.id
    out["undrafted"] = store.submit(make_report("district", profile)).id
    return out


def test_each_sort_orders_as_named(store: Store, mixed: dict[str, int]) -> None:
    ids = sorted(mixed.values())
    assert _ids(queue_page(store)) == ids  # oldest first: the default
    assert _ids(queue_page(store, sort="oldest")) == ids
    assert _ids(queue_page(store, sort="newest")) == ids[::-1]
    assert _ids(queue_page(store, newest_first=True)) == ids[::-1]
    assert store.get_draft(mixed["grassroots"]).error_count > 0
    by_errors = queue_page(store, sort="errors").drafts
    assert by_errors[0].id == mixed["grassroots"]
    assert [d.error_count for d in by_errors] == sorted(
        (d.error_count for d in by_errors), reverse=True
    )
    by_org = queue_page(store, sort="org").drafts
    names = [d.org_short or d.org for d in by_org]
    # each organization's drafts together, oldest first within it
    assert len(set(names)) == len([n for i, n in enumerate(names) if i == 0 or names[i - 1] != n])
    district = [d.id for d in by_org if d.kind == "district"]
    assert district == sorted(district) and len(district) == 2
    assert _ids(queue_page(store, sort="org")) != ids  # the district pair is adjacent
    with pytest.raises(InputError):
        queue_page(store, sort="id; DROP TABLE drafts")


def test_section_filter_by_brief_and_by_kind_before_drafting(
    store: Store, profile: Profile, mixed: dict[str, int]
) -> None:
    assert _ids(queue_page(store, section="societies", profile=profile)) == sorted(
        [mixed["society"], mixed["grassroots"]]
    )
    # the undrafted district report is placed by its kind, as drafting will place it
    assert _ids(queue_page(store, section="districts", profile=profile)) == sorted(
        [mixed["district"], mixed["undrafted"]]
    )
    assert queue_page(store, section="digital", profile=profile).total == 0
    # a corrected section counts, not the kind's
    correct_draft(store, mixed["society"], profile=profile, section="digital")
    assert _ids(queue_page(store, section="digital", profile=profile)) == [mixed["society"]]
    assert _ids(queue_page(store, section="societies", profile=profile)) == [mixed["grassroots"]]
    # LIKE wildcards in a section are literal, not "any section"
    assert queue_page(store, section="%", profile=profile).total == 0
    assert queue_page(store, section="_igital", profile=profile).total == 0
    with pytest.raises(InputError):
        queue_page(store, section="societies")  # no profile to place undrafted reports


def test_filters_combine_and_paging_keeps_them(
    store: Store, profile: Profile, mixed: dict[str, int]
) -> None:
    assert _ids(queue_page(store, has_errors=True)) == [mixed["grassroots"]]
    assert mixed["grassroots"] not in _ids(queue_page(store, has_errors=False))
    assert _ids(queue_page(store, status="submitted")) == [mixed["undrafted"]]
    assert queue_page(store, status="drafted").total == 3
    assert _ids(queue_page(store, org="北京气象学会")) == [mixed["society"]]
    both = dict(kind="district", section="districts", profile=profile, sort="newest")
    first = queue_page(store, per_page=1, **both)  # type: ignore[arg-type]
    second = queue_page(store, per_page=1, page=2, **both)  # type: ignore[arg-type]
    assert first.total == second.total == 2 and first.pages == 2
    assert _ids(first) + _ids(second) == [mixed["undrafted"], mixed["district"]]
    # past the last page: the last page, not an empty one (nor a huge OFFSET)
    far = queue_page(store, per_page=1, page=10**30, **both)  # type: ignore[arg-type]
    assert far.page == 2 and _ids(far) == _ids(second)
    assert queue_page(store, status="published").total == 0
    assert queue_page(store, status="published", page=5).page == 1
