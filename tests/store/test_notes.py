"""Notes: internal vs to the contributor, logged; reject and accept-with-changes need one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.errors import GateError, InputError
from drafter.profile import Profile
from drafter.store._connection import acting_as
from drafter.store.contributors import draft_status, feedback_markdown, org_feedback
from drafter.store.database import Store
from drafter.store.gate import checklist
from drafter.store.notes import add_note, list_notes
from drafter.store.workflow import accept, reject, revise_text, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _draft(store: Store, profile: Profile) -> int:
    report = make_report("district", profile)
    return submit_report(store, report, profile=profile, draft_fn=fake_draft).draft.id


def _revise(store: Store, draft_id: int, profile: Profile) -> None:
    from drafter.brieftext import render_brief_md

    brief = store.get_draft(draft_id).current_brief
    assert brief is not None
    text = render_brief_md(brief).replace("开展科技志愿服务", "组织科技志愿者")
    assert revise_text(store, draft_id, text, profile=profile).outcome == "saved"


def test_notes_keep_author_time_and_audience_and_are_logged(store: Store, profile: Profile) -> None:
    draft_id = _draft(store, profile)
    with acting_as("张三"):
        add_note(store, draft_id, "数字待核实", audience="internal")
        add_note(store, draft_id, "请补充活动日期", audience="contributor")
    notes = list_notes(store, draft_id)
    assert [(n.audience, n.author, n.body) for n in notes] == [
        ("internal", "张三", "数字待核实"),
        ("contributor", "张三", "请补充活动日期"),
    ]
    assert all(n.created_at for n in notes)
    logged = [e.detail for e in store.events(draft_id) if e.kind == "note_added"]
    assert [d["audience"] for d in logged] == ["internal", "contributor"]
    with pytest.raises(InputError):
        add_note(store, draft_id, "   ")


def test_contributor_sees_only_notes_to_them(store: Store, profile: Profile) -> None:
    draft_id = _draft(store, profile)
    add_note(store, draft_id, "内部：这家单位常夸大数字", audience="internal")
    add_note(store, draft_id, "标题已按体例改写", audience="contributor")
    item = draft_status(store, draft_id)
    assert [n["body"] for n in item["notes"]] == ["标题已按体例改写"]
    text = feedback_markdown(org_feedback(store, item["org"], profile=profile))
    assert "标题已按体例改写" in text and "夸大" not in text


def test_accepting_a_revision_needs_a_note_to_the_contributor(
    store: Store, profile: Profile
) -> None:
    draft_id = _draft(store, profile)
    _revise(store, draft_id, profile)
    with pytest.raises(GateError, match="给报送人"):
        accept(store, draft_id, profile=profile)
    record = accept(store, draft_id, profile=profile, note="改了标题动词")
    assert record.status == "accepted"
    (note,) = list_notes(store, draft_id, audience="contributor")
    assert note.body == "改了标题动词"


def test_the_note_rule_is_profile_data(store: Store, profile: Profile) -> None:
    draft_id = _draft(store, profile)
    _revise(store, draft_id, profile)
    lenient = profile.model_copy(
        update={"transitions": {**profile.transitions, "accept": ["no_lint_error"]}}
    )
    items = checklist(lenient, "accept", None, revised=True, note=False)
    assert [i.id for i in items] == ["no_lint_error"]
    assert accept(store, draft_id, profile=lenient).status == "accepted"


def test_checklist_names_each_check_and_its_state(profile: Profile) -> None:
    items = checklist(profile, "accept", None, revised=True, note=False)
    assert [i.id for i in items] == profile.transitions["accept"]
    states = {i.id: i.state for i in items}
    assert states["changes_have_note"] == "fail" and states["no_lint_error"] == "ok"


def test_reject_needs_a_reason_which_becomes_a_note(store: Store, profile: Profile) -> None:
    draft_id = _draft(store, profile)
    with pytest.raises(InputError):
        reject(store, draft_id, "  ")
    reject(store, draft_id, "与本刊无关")
    (note,) = list_notes(store, draft_id, audience="contributor")
    assert note.body == "与本刊无关"


def test_issue_and_publish_rules_are_profile_data(profile: Profile) -> None:
    from workflow_data import finding, make_brief

    from drafter.store.gate import blocking_errors, undated_lead

    lead = make_brief("district").model_copy(update={"lead": True, "event_date": None})
    assert undated_lead(lead, profile, "publish")
    assert not undated_lead(lead, profile, "add_to_issue")  # the default asks at publish only
    assert not undated_lead(
        make_brief("district").model_copy(update={"lead": True}), profile, "publish"
    )
    found = [finding("guard.number", "900余份"), finding("space.cjk", "9 位")]
    assert blocking_errors(found, profile, "publish") == found
    lint_only = profile.model_copy(
        update={"transitions": {**profile.transitions, "publish": ["no_lint_error"]}}
    )
    assert [f.rule for f in blocking_errors(found, lint_only, "publish")] == ["space.cjk"]
