"""An issue in the store: a draft that is edited, then published once and numbered here."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.errors import ConflictError, GateError, InputError
from drafter.profile import Profile
from drafter.store.database import Store
from drafter.store.issues import (
    add_briefs,
    get_issue,
    issue_events,
    new_issue,
    place_brief,
    remove_brief,
    set_issue_meta,
    set_lead,
)
from drafter.store.publish import preview_issue, publish_issue, reopen_issue, set_toc_line
from drafter.store.workflow import accept, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402

DAY = dt.date(2026, 6, 22)


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=5) as s:
        yield s


def _accepted(store: Store, profile: Profile, *names: str) -> list[int]:
    ids = []
    for name in names:
        draft = submit_report(
            store, make_report(name, profile), profile=profile, draft_fn=fake_draft
        ).draft
        accept(store, draft.id, profile=profile)
        ids.append(draft.id)
    return ids


def test_new_issue_is_a_draft_and_publishes_nothing(store: Store, profile: Profile) -> None:
    ids = _accepted(store, profile, "society", "district", "grassroots")
    record = new_issue(store, profile=profile, date=DAY)
    assert record.status == "draft" and record.number is None
    assert sorted(record.draft_ids) == sorted(ids)
    assert all(store.get_draft(i).published_issue_id is None for i in ids)
    issue = preview_issue(store, record.id, profile=profile)
    assert (issue.masthead.number, issue.masthead.total) == (1, 1)  # what it would get
    with pytest.raises(InputError, match="没有可编入"):  # all are in this draft already
        new_issue(store, profile=profile, date=DAY)


def test_lead_order_move_and_toc_line(store: Store, profile: Profile) -> None:
    society, district, grassroots = _accepted(store, profile, "society", "district", "grassroots")
    record = new_issue(store, profile=profile, date=DAY)
    record = set_lead(store, record.id, district, profile=profile)
    assert record.layout["lead"] == [district]
    issue = preview_issue(store, record.id, profile=profile)
    assert [b.headline for b in issue.leads] == ["怀柔区科协开展科技志愿服务进社区活动"]
    assert issue.toc[0].startswith("怀柔区科协")

    record = place_brief(store, record.id, grassroots, profile=profile, position=1)
    assert record.layout["societies"] == [grassroots, society]
    record = place_brief(store, record.id, society, profile=profile, section="districts")
    assert record.layout["districts"] == [society]
    assert [s.key for s in preview_issue(store, record.id, profile=profile).sections] == [
        "societies",
        "districts",
    ]

    record = set_toc_line(store, record.id, 1, "怀柔区科协开展应急科普宣传", profile=profile)
    assert preview_issue(store, record.id, profile=profile).toc[0] == "怀柔区科协开展应急科普宣传"
    with pytest.raises(GateError, match="900"):
        set_toc_line(store, record.id, 1, "怀柔区科协发放宣传材料900余份", profile=profile)
    assert get_issue(store, record.id).toc == record.toc  # the refused line changed nothing

    record = set_lead(store, record.id, district, profile=profile, lead=False)
    assert "lead" not in record.layout and district in record.layout["districts"]
    record = remove_brief(store, record.id, society)
    assert society not in record.draft_ids
    record = set_issue_meta(store, record.id, editor="张编辑", reviewer="李审核")
    assert preview_issue(store, record.id, profile=profile).footer.editor == "张编辑"
    kinds = [e["event"] for e in issue_events(store, record.id)]
    assert kinds[0] == "issue_created" and "issue_toc_set" in kinds and "issue_meta_set" in kinds


def test_publish_numbers_from_the_store_and_freezes(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    ids = _accepted(store, profile, "society", "district")
    first = new_issue(store, profile=profile, date=DAY, draft_ids=ids[:1])
    second = new_issue(store, profile=profile, date=DAY, draft_ids=ids[1:])
    out = tmp_path / "issue.md"
    result = publish_issue(store, first.id, profile=profile, outputs=[out])
    assert (result.record.number, result.record.total) == (1, 1)
    assert out.read_text("utf-8").count("第1期") >= 1
    assert len(result.record.files[str(out)]) == 64
    assert store.get_draft(ids[0]).published_issue_id == first.id
    with pytest.raises(ConflictError, match="已刊发"):
        add_briefs(store, first.id, ids[1:], profile=profile)
    again = publish_issue(store, second.id, profile=profile)  # same date: the next number
    assert (again.record.number, again.record.total) == (2, 2)

    with pytest.raises(InputError, match="理由"):
        reopen_issue(store, first.id, " ")
    reopened = reopen_issue(store, first.id, "第1篇人名有误")
    assert reopened.status == "draft" and reopened.number == 1
    assert store.get_draft(ids[0]).published_issue_id is None
    assert publish_issue(store, first.id, profile=profile).record.number == 1  # kept
    assert [e["event"] for e in issue_events(store, first.id)][-3:] == [
        "issue_reopened",
        "published",
        "issue_published",
    ]


def test_year_rollover_and_explicit_numbers(store: Store, profile: Profile) -> None:
    a, b, c = _accepted(store, profile, "society", "district", "grassroots")
    one = new_issue(store, profile=profile, date=dt.date(2025, 12, 29), draft_ids=[a])
    assert publish_issue(store, one.id, profile=profile, number=41, total=120).record.number == 41
    two = new_issue(store, profile=profile, date=dt.date(2026, 1, 5), draft_ids=[b])
    published = publish_issue(store, two.id, profile=profile).record
    assert (published.year, published.number, published.total) == (2026, 1, 121)
    three = new_issue(store, profile=profile, date=dt.date(2026, 1, 12), draft_ids=[c])
    with pytest.raises(ConflictError, match="2026年第1期已经刊发过"):
        publish_issue(store, three.id, profile=profile, number=1)
    assert get_issue(store, three.id).status == "draft"


def test_concurrent_publishes_take_different_numbers(
    store: Store, profile: Profile, db_target: str | Path
) -> None:
    ids = _accepted(store, profile, "society", "district", "grassroots")
    issue_ids = [new_issue(store, profile=profile, date=DAY, draft_ids=[i]).id for i in ids]
    numbers: list[int] = []
    barrier = threading.Barrier(len(issue_ids))

    def publish(issue_id: int) -> None:
        with Store(db_target, timeout=10) as own:
            barrier.wait()
            numbers.append(publish_issue(own, issue_id, profile=profile).record.number or 0)

    threads = [threading.Thread(target=publish, args=(i,)) for i in issue_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == [1, 2, 3]


def test_gate_refuses_a_brief_with_errors_unless_forced(store: Store, profile: Profile) -> None:
    (draft_id,) = _accepted(store, profile, "district")
    record = new_issue(store, profile=profile, date=DAY)
    # The current text gains an error behind the gate's back (e.g. a rule changed).
    with store.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET brief_json = replace(brief_json, '600余份', '900余份')"
            " WHERE id = :id",
            {"id": draft_id},
        )
    with pytest.raises(GateError, match="900余份"):
        publish_issue(store, record.id, profile=profile)
    assert store.get_draft(draft_id).published_issue_id is None
    with pytest.raises(InputError):
        publish_issue(store, record.id, profile=profile, force=True)
    done = publish_issue(store, record.id, profile=profile, force=True, why="已核实")
    assert done.record.status == "published"
    assert issue_events(store, record.id)[-1]["detail"]["why"] == "已核实"


def test_reopened_issue_takes_a_corrected_brief_and_keeps_its_number(
    store: Store, profile: Profile
) -> None:
    from drafter.store.workflow import revise

    (draft_id,) = _accepted(store, profile, "district")
    record = new_issue(store, profile=profile, date=DAY)
    assert publish_issue(store, record.id, profile=profile).record.number == 1
    with pytest.raises(ConflictError, match="已刊发"):  # printed: frozen
        revise(store, draft_id, profile=profile, edit_fn=lambda path: None)
    reopen_issue(store, record.id, "标题有误")

    def edit(path: Path) -> None:
        text = path.read_text("utf-8")
        path.write_text(text.replace("开展科技志愿服务", "组织科技志愿者"), "utf-8")

    assert revise(store, draft_id, profile=profile, edit_fn=edit).outcome == "saved"
    with pytest.raises(ConflictError, match="已修改"):  # revised: must pass the gate again
        publish_issue(store, record.id, profile=profile)
    accept(store, draft_id, profile=profile, note="标题改得更简洁")
    again = publish_issue(store, record.id, profile=profile)
    assert (again.record.number, again.record.total) == (1, 1)
    assert again.issue.briefs()[0].headline.startswith("怀柔区科协组织科技志愿者")


def test_forcing_a_brief_in_needs_a_reason(store: Store, profile: Profile) -> None:
    # The rule lives in the library, so the CLI and the web app cannot differ on it.
    first, second = _accepted(store, profile, "society", "district")
    with pytest.raises(InputError, match="说明理由"):
        new_issue(store, profile=profile, date=DAY, draft_ids=[first], force=True, why="  ")
    record = new_issue(store, profile=profile, date=DAY, draft_ids=[first])
    with pytest.raises(InputError, match="说明理由"):
        add_briefs(store, record.id, [second], profile=profile, force=True)
    record = add_briefs(store, record.id, [second], profile=profile, force=True, why="已核实")
    assert second in record.draft_ids
    added = [e for e in issue_events(store, record.id) if e["event"] == "issue_briefs_added"]
    assert added[-1]["detail"]["why"] == "已核实"
