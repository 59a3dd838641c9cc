"""The paged review queue: filters in SQL, and the text under review now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from workflow_data import fake_draft, make_report

from drafter.brieftext import render_brief_md
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.queue import queue_page
from drafter.store.workflow import revise_text, submit_report


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "drafter.db", timeout=0.5) as s:
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
