"""Edit locks: who holds a draft, idle expiry, saving refused to others, takeovers keep text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.errors import LockedError, NotFoundError, exit_code_for
from drafter.profile import Profile
from drafter.store import locks
from drafter.store._connection import acting_as
from drafter.store.database import Store
from drafter.store.workflow import revise, revise_text, submit_report

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


@pytest.fixture
def draft_id(store: Store, profile: Profile) -> int:
    report = make_report("district", profile)
    return submit_report(store, report, profile=profile, draft_fn=fake_draft).draft.id


def _edited(store: Store, draft_id: int) -> str:
    from drafter.brieftext import render_brief_md

    brief = store.get_draft(draft_id).current_brief
    assert brief is not None
    return render_brief_md(brief).replace("开展科技志愿服务", "组织科技志愿者")


def test_second_editor_sees_the_lock_and_cannot_save(
    store: Store, draft_id: int, profile: Profile
) -> None:
    first = locks.open_for_edit(store, draft_id, holder="张三")
    assert first.holder == "张三"
    seen = locks.open_for_edit(store, draft_id, holder="李四")
    assert seen.holder == "张三" and seen.since == first.since
    assert seen.label().startswith("张三 正在编辑（") and seen.label().endswith(" 起）")
    with acting_as("李四"), pytest.raises(LockedError, match="张三 正在编辑") as caught:
        revise_text(store, draft_id, _edited(store, draft_id), profile=profile)
    assert exit_code_for(caught.value) != 0
    assert store.revisions(draft_id) == []
    with acting_as("张三"):  # the holder saves; the version check still guards
        assert (
            revise_text(store, draft_id, _edited(store, draft_id), profile=profile).outcome
            == "saved"
        )


def test_idle_lock_lapses_and_its_unsaved_text_is_kept(store: Store, draft_id: int) -> None:
    locks.open_for_edit(store, draft_id, holder="张三")
    assert locks.heartbeat(store, draft_id, "张三未保存的修改", holder="张三")
    assert locks.open_for_edit(store, draft_id, holder="李四").holder == "张三"
    later = locks.open_for_edit(store, draft_id, holder="李四", idle=dt.timedelta(seconds=-1))
    assert later.holder == "李四"
    (copy,) = locks.kept_copies(store, holder="张三", unseen=True)
    assert copy.text == "张三未保存的修改" and copy.taken_by == "李四"
    assert [e.kind for e in store.events(draft_id)][-1] == "lock_lapsed"


def test_takeover_is_logged_and_keeps_the_holders_text(store: Store, draft_id: int) -> None:
    locks.open_for_edit(store, draft_id, holder="张三")
    locks.heartbeat(store, draft_id, "半句新标题", holder="张三")
    copy_id = locks.take_over(store, draft_id, holder="李四")
    assert copy_id is not None
    lock = locks.current_lock(store, draft_id)
    assert lock is not None and lock.holder == "李四"
    event = store.events(draft_id)[-1]
    assert event.kind == "lock_taken_over" and event.actor is not None
    assert event.detail == {"previous": "张三", "since": event.detail["since"], "copy_id": copy_id}
    assert not locks.heartbeat(store, draft_id, "还在打字", holder="张三")  # told it lost the lock
    (copy,) = locks.kept_copies(store, holder="张三", unseen=True)
    assert copy.id == copy_id and copy.text == "半句新标题"
    locks.mark_copy_seen(store, copy_id, holder="张三")
    assert locks.kept_copies(store, holder="张三", unseen=True) == []
    assert locks.kept_copies(store, holder="张三")[0].text == "半句新标题"  # kept, only read


def test_takeover_without_unsaved_text_keeps_no_empty_copy(store: Store, draft_id: int) -> None:
    locks.open_for_edit(store, draft_id, holder="张三")
    assert locks.take_over(store, draft_id, holder="李四") is None
    assert locks.kept_copies(store, holder="张三") == []


def test_cli_revise_holds_the_lock_while_editing(
    store: Store, draft_id: int, profile: Profile
) -> None:
    held: list[str | None] = []

    def edit(path: Path) -> None:
        lock = locks.current_lock(store, draft_id)
        held.append(lock.holder if lock else None)
        path.write_text(path.read_text("utf-8").replace("开展", "组织"), "utf-8")

    with acting_as("王五"):
        assert revise(store, draft_id, profile=profile, edit_fn=edit).outcome == "saved"
    assert held == ["王五"] and locks.current_lock(store, draft_id) is None
    locks.open_for_edit(store, draft_id, holder="张三")
    with acting_as("王五"), pytest.raises(LockedError):
        revise(store, draft_id, profile=profile, edit_fn=edit)


def test_word_import_takes_the_lock_itself_and_gives_it_back(
    store: Store, draft_id: int, profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx_tracking import track

    from drafter.store import word

    exported = word.export_docx(store, draft_id, tmp_path / "draft.docx", profile=profile)
    held: list[str | None] = []
    save = revise_text  # what import_docx calls

    def watched(*args: object, **kwargs: object) -> object:
        lock = locks.current_lock(store, draft_id)
        held.append(lock.holder if lock else None)
        return save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(word, "revise_text", watched)
    edited = tmp_path / "edited.docx"
    edited.write_bytes(track(exported.read_bytes(), [("开展", "组织", "王五")], []))
    with acting_as("王五"):
        result, _notes = word.import_docx(store, draft_id, edited, profile=profile)
    assert result.outcome == "saved"
    assert held == ["王五"]  # others saw who was importing while it saved
    assert locks.current_lock(store, draft_id) is None  # and it was given back
    locks.open_for_edit(store, draft_id, holder="张三")
    with acting_as("王五"), pytest.raises(LockedError, match="张三 正在编辑"):
        word.import_docx(store, draft_id, edited, profile=profile)
    assert held == ["王五"]  # refused before anything was saved


def test_a_cli_edit_leaves_the_users_own_page_lock_in_place(
    store: Store, draft_id: int, profile: Profile
) -> None:
    locks.open_for_edit(store, draft_id, holder="王五")  # their review page is open
    with acting_as("王五"), locks.editing(store, draft_id):
        pass
    lock = locks.current_lock(store, draft_id)
    assert lock is not None and lock.holder == "王五"


def test_the_lock_label_is_in_the_offices_zone(store: Store, draft_id: int) -> None:
    lock = locks.open_for_edit(store, draft_id, holder="张三")
    since = dt.datetime.fromisoformat(lock.since)
    assert lock.since_hm("UTC") == since.astimezone(dt.UTC).strftime("%H:%M")
    shanghai = (since.astimezone(dt.UTC) + dt.timedelta(hours=8)).strftime("%H:%M")
    assert lock.label() == f"张三 正在编辑（{shanghai} 起）"  # the default office: UTC+8


def test_lock_idle_comes_from_the_environment_then_the_profile(
    profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert locks.lock_idle(profile) == dt.timedelta(minutes=profile.collab.lock_idle_minutes)
    monkeypatch.setenv("DRAFTER_LOCK_IDLE_MINUTES", "2")
    assert locks.lock_idle(profile) == dt.timedelta(minutes=2)


def test_a_missing_draft_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        locks.open_for_edit(store, 999, holder="张三")
