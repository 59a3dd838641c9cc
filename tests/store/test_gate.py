"""Gated accept: the current text (the last revision, else the draft) must pass lint and guard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.errors import GateError, InputError, exit_code_for
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.workflow import accept, revise, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _fabricated(store: Store, profile: Profile) -> int:
    """A district draft whose revision changes 600余份 to 900余份 (not in the source)."""
    draft_id = submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=fake_draft
    ).draft.id

    def edit(path: Path) -> None:
        path.write_text(path.read_text("utf-8").replace("600余份", "900余份"), "utf-8")

    result = revise(store, draft_id, profile=profile, edit_fn=edit)
    assert result.outcome == "saved"
    return draft_id


def test_accept_refuses_a_revision_with_a_guard_error(store: Store, profile: Profile) -> None:
    draft_id = _fabricated(store, profile)
    with pytest.raises(GateError) as caught:
        accept(store, draft_id, profile=profile)
    assert "900" in caught.value.message and "不能采用" in caught.value.message
    assert any(f.rule.startswith("guard.") for f in caught.value.findings)
    assert exit_code_for(caught.value) == 1
    record = store.get_draft(draft_id)
    assert record.status == "revised"
    assert "900余份" in (record.current_brief.paragraphs[0] if record.current_brief else "")
    assert record.current_errors >= 1


def test_force_needs_a_reason_and_is_logged(store: Store, profile: Profile) -> None:
    draft_id = _fabricated(store, profile)
    with pytest.raises(InputError, match="理由"):
        accept(store, draft_id, force=True, why="  ", profile=profile)
    record = accept(store, draft_id, force=True, why="已电话核实为900余份", profile=profile)
    assert record.status == "accepted"
    event = store.events(draft_id)[-1]
    assert event.kind == "accepted"
    assert event.detail["forced"] is True
    assert event.detail["why"] == "已电话核实为900余份"
    assert any("900" in (f.get("excerpt") or "") for f in event.detail["overridden"])


def test_clean_draft_is_accepted_without_force(store: Store, profile: Profile) -> None:
    draft_id = submit_report(
        store, make_report("society", profile), profile=profile, draft_fn=fake_draft
    ).draft.id
    record = accept(store, draft_id, profile=profile)
    assert record.status == "accepted" and record.edit_ratio == 0.0
    assert "forced" not in store.events(draft_id)[-1].detail


def test_listing_shows_the_revised_text_and_its_findings(store: Store, profile: Profile) -> None:
    draft_id = submit_report(
        store, make_report("district", profile), profile=profile, draft_fn=fake_draft
    ).draft.id

    def edit(path: Path) -> None:
        text = path.read_text("utf-8")
        path.write_text(text.replace("开展科技志愿服务进社区活动", "组织志愿者进社区"), "utf-8")

    revise(store, draft_id, profile=profile, edit_fn=edit)
    (listed,) = store.list_drafts()
    assert listed.headline == "怀柔区科协组织志愿者进社区"
    assert listed.revision is not None and listed.revision.number == 1
    assert listed.current_findings == listed.revision.findings
    assert store.get_draft(draft_id).headline == listed.headline


def test_stats_lists_pending_drafts_whose_current_text_has_errors(
    store: Store, profile: Profile
) -> None:
    from drafter.store.feedback import stats

    draft_id = _fabricated(store, profile)
    data = stats(store)
    assert [row["draft_id"] for row in data["pending_with_errors"]] == [draft_id]
    assert data["pending_with_errors"][0]["headline"] == store.get_draft(draft_id).headline
    accept(store, draft_id, force=True, why="已核实", profile=profile)
    assert stats(store)["pending_with_errors"] == []
