"""The store on both engines: transactions, versions, states, locks, crashes; SQLite specifics."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.errors import ConflictError, InputError, LockedError, NotFoundError, StoreError
from drafter.profile import Profile
from drafter.store.database import Store, resolve_db_path
from drafter.store.workflow import brief_text

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import finding, make_brief, make_report  # noqa: E402

REPO = TESTS.parent


@pytest.fixture
def store(db_target: str | Path) -> Store:
    s = Store(db_target, timeout=0.5)
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    """SQLite by nature: its pragmas and file."""
    s = Store(tmp_path / "drafter.db", timeout=0.5)
    yield s  # type: ignore[misc]
    s.close()


def _drafted(store: Store, profile: Profile, name: str = "society", **kw: object):  # type: ignore[no-untyped-def]
    rec = store.submit(make_report(name, profile))
    brief = make_brief(name, **kw)  # type: ignore[arg-type]
    return store.save_draft(rec.id, brief, brief_text(brief), expected_version=rec.version)


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _rows(store: Store, table: str) -> int:
    return int(store._query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


# -- opening ----------------------------------------------------------------------------


def test_path_precedence_flag_then_env_then_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = Path(os.environ["DRAFTER_DATA_DIR"])
    assert resolve_db_path(None) == data_dir / "drafter.db"
    monkeypatch.setenv("DRAFTER_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"


def test_a_postgresql_url_is_kept_as_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.store._connection import resolve_db

    url = "postgresql://editor@db.example:5432/bulletin"
    assert resolve_db(url) == "postgresql+psycopg://editor@db.example:5432/bulletin"
    # a --db typed as a path loses one slash of "//": it is put back
    assert resolve_db(Path(url)) == resolve_db(url)
    monkeypatch.setenv("DRAFTER_DB", url)
    assert resolve_db(None) == resolve_db(url)


def test_open_uses_wal_foreign_keys_and_latest_schema(sqlite_store: Store) -> None:
    conn = sqlite_store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()["foreign_keys"] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()["timeout"] == 500
    from drafter.store.migrations import head_version

    assert sqlite_store.schema_version() == head_version()


def test_latest_schema_on_either_engine(store: Store) -> None:
    from drafter.store.migrations import head_version, revisions

    assert store.schema_version() == head_version()
    applied = store._query("SELECT version, name FROM schema_version ORDER BY version")
    assert [(r["version"], r["name"]) for r in applied] == [
        (r.version, r.name) for r in revisions()
    ]


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(StoreError), store.transaction() as conn:
        conn.execute(
            "INSERT INTO drafts (report_id, status, created_at, updated_at)"
            " VALUES (999, 'submitted', 'x', 'x')"
        )


def test_not_a_sqlite_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("这不是数据库文件" * 200, encoding="utf-8")
    with pytest.raises(StoreError) as info:
        Store(bogus)
    assert "不是可用的 drafter 数据库" in info.value.message
    assert bogus.read_text(encoding="utf-8").startswith("这不是数据库文件")  # untouched


def test_directory_as_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        Store(tmp_path)
    assert "目录" in info.value.message and info.value.hint


# -- the draft lifecycle ---------------------------------------------------------------


def test_submit_stores_report_with_original_bytes(store: Store, profile: Profile) -> None:
    report = make_report("district", profile)
    original = report.text.encode("gb18030")
    rec = store.submit(report, original=original)
    assert rec.status == "submitted" and rec.brief is None and rec.version == 1
    stored = store.get_report(rec.report_id)
    assert stored.original == original
    assert stored.report == report
    assert [e.kind for e in store.events(rec.id)] == ["submitted"]


def test_save_draft_records_provenance_and_counts(store: Store, profile: Profile) -> None:
    findings = [finding("punct.halfwidth", ","), finding("headline.length", "标题", "warning")]
    d = _drafted(store, profile, engine="model", findings=findings)
    assert d.status == "drafted" and d.version == 2
    assert d.engine == "model" and d.model == "m-test"
    assert (d.error_count, d.warning_count) == (1, 1)
    assert d.findings == findings
    assert d.draft_text == brief_text(make_brief("society"))


def test_stale_version_is_a_conflict_and_changes_nothing(store: Store, profile: Profile) -> None:
    d = _drafted(store, profile)
    store.decide(d.id, "accept", expected_version=d.version, edit_ratio=0.0)
    with pytest.raises(ConflictError) as info:
        store.decide(d.id, "reject", expected_version=d.version, reason="重复")
    assert "他人" in info.value.message
    after = store.get_draft(d.id)
    assert after.status == "accepted" and after.version == d.version + 1
    assert [e.kind for e in store.events(d.id)][-1] == "accepted"


def test_wrong_state_is_a_conflict(store: Store, profile: Profile) -> None:
    d = _drafted(store, profile)
    store.decide(d.id, "reject", expected_version=None, reason="与本刊无关")
    with pytest.raises(ConflictError) as info:
        store.decide(d.id, "accept", expected_version=None, edit_ratio=0.0)
    assert "已退回" in info.value.message


def test_unknown_draft_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.get_draft(42)
    with pytest.raises(NotFoundError):
        store.decide(42, "accept", expected_version=None)


def test_revision_numbers_and_status(store: Store, profile: Profile) -> None:
    d = _drafted(store, profile)
    brief = make_brief("society")
    first = store.add_revision(
        d.id,
        expected_version=d.version,
        brief=brief,
        text="甲",
        diff=[],
        findings=[],
        edit_ratio=0.1,
    )
    second = store.add_revision(
        d.id,
        expected_version=d.version + 1,
        brief=brief,
        text="乙",
        diff=[],
        findings=[],
        edit_ratio=0.2,
    )
    assert (first.number, second.number) == (1, 2)
    rec = store.get_draft(d.id)
    assert rec.status == "revised" and rec.revision_count == 2 and rec.edit_ratio == 0.2
    assert store.latest_revisions()[d.id].text == "乙"


def test_event_log_is_append_only(store: Store, profile: Profile) -> None:
    d = _drafted(store, profile)
    with pytest.raises(StoreError) as info, store.transaction() as conn:
        conn.execute("UPDATE events SET kind = 'x' WHERE draft_id = :id", {"id": d.id})
    assert "append-only" in info.value.message
    with pytest.raises(StoreError), store.transaction() as conn:
        conn.execute("DELETE FROM events")
    assert [e.kind for e in store.events(d.id)] == ["submitted", "drafted"]


def test_failed_transaction_leaves_nothing(store: Store, profile: Profile) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.transaction() as conn:
        conn.execute(
            "INSERT INTO reports (content_id, kind, text, report_json, created_at)"
            " VALUES ('x', 'society', 't', '{}', 'now')"
        )
        raise Boom
    assert _rows(store, "reports") == 0


def test_redraft_keeps_replaced_draft_in_the_log(store: Store, profile: Profile) -> None:
    d = _drafted(store, profile)
    again = make_brief("society", engine="model")
    store.save_draft(d.id, again, brief_text(again), expected_version=d.version)
    redrafted = store.events(d.id)[-1]
    assert redrafted.kind == "redrafted"
    assert redrafted.detail["replaced"]["provenance"]["engine"] == "offline"


# -- issues -----------------------------------------------------------------------------


# -- locks and crashes ------------------------------------------------------------------

_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(60)
"""


def _wait_for(marker: Path, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if marker.exists():
            return
        if proc.poll() is not None:
            raise AssertionError(
                f"helper exited early: {proc.stderr.read() if proc.stderr else ''}"
            )
        time.sleep(0.05)
    raise AssertionError("helper never got ready")


@pytest.mark.slow
def test_locked_database_gives_locked_error_after_bounded_wait(
    tmp_path: Path, profile: Profile
) -> None:
    path = tmp_path / "drafter.db"
    Store(path).close()
    marker = tmp_path / "locked"
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path), str(marker)], stderr=subprocess.PIPE
    )
    try:
        _wait_for(marker, proc)
        with Store(path, timeout=0.3) as store, pytest.raises(LockedError) as info:
            store.submit(make_report("society", profile))
        assert "被其他进程占用" in info.value.message and "0.3" in info.value.message
        assert info.value.hint
    finally:
        proc.kill()
        proc.wait()
    with Store(path) as store:  # the lock is gone with its process; nothing was written
        assert store.list_drafts() == []


def test_threads_of_one_process_queue_for_the_write_lock(tmp_path: Path, profile: Profile) -> None:
    """Writers in one process wait on the process's lock (woken at once when it is free),
    not on SQLite's polling busy handler; a wait past the timeout is the same LockedError."""
    import threading

    from drafter.store._engine import writer_lock

    path = tmp_path / "drafter.db"
    Store(path).close()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Store(path) as store, store.transaction():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        assert writer_lock(path).locked()
        with Store(path, timeout=0.2) as store, pytest.raises(LockedError):
            store.submit(make_report("society", profile))
    finally:
        release.set()
        holder.join()
    assert not writer_lock(path).locked()
    results: list[int] = []

    def submit(i: int) -> None:
        with Store(path, timeout=5) as store:
            results.append(store.submit(make_report("society", profile)).id)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 25))


_KILLED_MID_TRANSACTION = """
import sys
sys.path.insert(0, sys.argv[3])
from drafter.profile import load_profile
from drafter.store.database import Store
from workflow_data import make_brief
import time

store = Store(sys.argv[1])
d = store.list_drafts()[0]
with store.transaction() as conn:
    conn.execute(
        "INSERT INTO revisions (draft_id, number, brief_json, text, diff_json, edit_ratio, created_at)"
        " VALUES (:id, 1, :brief, '半截', '[]', 0.5, 'now')",
        {"id": d.id, "brief": make_brief("society").model_dump_json()},
    )
    conn.execute(
        "UPDATE drafts SET status = 'revised', version = version + 1 WHERE id = :id", {"id": d.id}
    )
    open(sys.argv[2], "w").close()
    time.sleep(60)
"""


@pytest.mark.slow
def test_sigkill_inside_a_write_leaves_no_half_written_rows(
    db_target: str | Path, tmp_path: Path, profile: Profile
) -> None:
    path = db_target
    with Store(path) as store:
        d = _drafted(store, profile)
    marker = tmp_path / "inside"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_TRANSACTION, str(path), str(marker), str(TESTS)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(marker, proc)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Store(path, timeout=1) as store:
        after = store.get_draft(d.id)
        assert (after.status, after.version) == ("drafted", d.version)
        assert store.revisions(d.id) == []
        # and the database is writable again at once
        store.decide(d.id, "accept", expected_version=d.version, edit_ratio=0.0)
        assert _rows(store, "revisions") == 0


# -- two writers at once (PostgreSQL has no database-wide write lock) ----------------------


def test_concurrent_writers_get_the_same_conflict_not_an_overwrite(
    db_target: str | Path, profile: Profile
) -> None:
    """Two editors deciding one draft at the same version: one wins, the other gets the
    ConflictError of a stale version, and the loser's change is nowhere."""
    import threading

    with Store(db_target) as store:
        d = _drafted(store, profile)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision: str) -> None:
        with Store(db_target, timeout=5) as s:
            barrier.wait()
            try:
                s.decide(
                    d.id,
                    decision,  # type: ignore[arg-type]
                    expected_version=d.version,
                    reason="x" if decision == "reject" else None,
                    edit_ratio=0.0,
                )
                outcomes.append(decision)
            except ConflictError:
                outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(k,)) for k in ("accept", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("conflict") == 1 and len(outcomes) == 2
    with Store(db_target) as store:
        after = store.get_draft(d.id)
        winner = next(o for o in outcomes if o != "conflict")
        assert after.status == ("accepted" if winner == "accept" else "rejected")
        assert after.version == d.version + 1
        assert _rows(store, "decisions") == 1


def test_lock_serialises_check_then_insert(db_target: str | Path) -> None:
    """``lock`` makes a second transaction wait until the first commits (PostgreSQL's
    advisory lock; SQLite's BEGIN IMMEDIATE), so it sees the first one's row."""
    import threading

    from drafter.store._connection import lock

    with Store(db_target) as store:
        pass
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with Store(db_target, timeout=5) as s, s.transaction() as conn:
            lock(conn, "test-lock")
            first_in.set()
            time.sleep(0.3)
            conn.execute("INSERT INTO login_failures (name, created_at) VALUES ('a', 'now')")
            order.append("first")

    def second() -> None:
        first_in.wait(5)
        with Store(db_target, timeout=5) as s, s.transaction() as conn:
            lock(conn, "test-lock")
            seen = conn.execute("SELECT COUNT(*) AS n FROM login_failures").fetchone()
            order.append(f"second saw {seen['n'] if seen else None}")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert order == ["first", "second saw 1"]
    del store


def test_two_issues_published_at_once_get_different_numbers(
    db_target: str | Path, profile: Profile
) -> None:
    """Issue numbering is transactional on both engines (``lock(conn, "issue-numbering")``)."""
    import datetime as dt
    import threading

    from drafter.store.issues import new_issue
    from drafter.store.publish import publish_issue

    with Store(db_target) as store:
        issues = []
        for name in ("society", "district"):
            d = _drafted(store, profile, name)
            store.decide(d.id, "accept", expected_version=d.version, edit_ratio=0.0)
            issue = new_issue(
                store,
                profile=profile,
                date=dt.date(2026, 6, 8),
                draft_ids=[d.id],
                force=True,
                why="测试",
            )
            issues.append(issue.id)
    barrier = threading.Barrier(2)
    numbers: list[int | None] = []
    errors: list[BaseException] = []

    def publish(issue_id: int) -> None:
        try:
            with Store(db_target, timeout=10) as s:
                barrier.wait()
                result = publish_issue(s, issue_id, profile=profile, force=True, why="测试")
                numbers.append(result.record.number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(i,)) for i in issues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(n for n in numbers if n is not None) == [1, 2]


# -- PostgreSQL specifics ------------------------------------------------------------------


def test_postgresql_refused_connection_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError) as info:
        Store("postgresql://drafter@127.0.0.1:1/nothing_here", timeout=1)
    assert "无法连接数据库" in info.value.message and "127.0.0.1:1" in info.value.message
    assert "PostgreSQL" in (info.value.hint or "")


def test_postgresql_missing_database_without_create_is_an_input_error(pg_server: object) -> None:
    from db_targets import PgServer, with_database

    assert isinstance(pg_server, PgServer)
    missing = with_database(pg_server.url, "a_database_nobody_made")
    with pytest.raises(InputError) as info:
        Store.open(missing, create=False)
    assert "数据库不存在" in info.value.message


def test_postgresql_lock_wait_is_bounded_and_a_locked_error(
    pg_server: object, profile: Profile
) -> None:
    import psycopg
    from db_targets import PgServer

    assert isinstance(pg_server, PgServer)
    url = pg_server.migrated()
    try:
        with Store(url) as store:
            d = _drafted(store, profile)
        with psycopg.connect(url) as holder:
            holder.execute("SELECT 1 FROM drafts WHERE id = %s FOR UPDATE", (d.id,))
            with Store(url, timeout=0.3) as store, pytest.raises(LockedError) as info:
                store.decide(d.id, "accept", expected_version=d.version, edit_ratio=0.0)
            assert "0.3" in info.value.message
            holder.rollback()
        with Store(url) as store:
            assert store.get_draft(d.id).status == "drafted"
    finally:
        pg_server.drop(url)
