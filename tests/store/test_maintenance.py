"""Database hygiene: no database created by reading, other applications' files refused,
drafter's own files marked, the integrity check and the online backup (SQLite files by
nature: tmp_path); then what check and backup do on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from drafter.errors import InputError, StoreError
from drafter.profile import load_profile
from drafter.store import backup_database, check_database
from drafter.store._connection import APPLICATION_ID
from drafter.store.database import Store
from drafter.store.migrations import head_version

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from workflow_data import make_report  # noqa: E402


def _app_id(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])


def _filled(path: Path) -> list[int]:
    profile = load_profile()
    with Store(path) as store:
        return [store.submit(make_report(n, profile)).id for n in ("society", "district")]


def test_application_id_is_drafter() -> None:
    assert APPLICATION_ID == 0x44524654


def test_open_without_create_refuses_a_missing_file_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "nested" / "drafter.db"
    with pytest.raises(InputError) as info:
        Store.open(path, create=False)
    assert str(path) in info.value.message and "drafter submit" in (info.value.hint or "")
    assert not (tmp_path / "typo").exists()


def test_open_without_create_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(InputError):
        Store.open(path, create=False)
    assert path.read_bytes() == b""


def test_open_without_create_reads_an_existing_store(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    ids = _filled(path)
    with Store.open(path, create=False) as store:
        assert sorted(d.id for d in store.list_drafts()) == sorted(ids)


def test_new_database_carries_drafter_application_id(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    assert _app_id(path) == APPLICATION_ID


def test_another_applications_id_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 1234")
    for create in (True, False):
        with pytest.raises(StoreError) as info:
            Store.open(path, create=create)
        assert "另一个程序" in info.value.message
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    assert _app_id(path) == 1234


def test_tables_without_drafter_marker_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        # Another program's schema_version table is not drafter's marker either.
        conn.execute("CREATE TABLE schema_version (v INTEGER)")
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "不是 drafter 数据库" in info.value.message
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"notes", "schema_version"}
    assert _app_id(path) == 0


def test_database_from_before_the_id_keeps_working_and_gets_it(tmp_path: Path) -> None:
    """A database made by today's migrations without the id (as released) upgrades."""
    path = tmp_path / "old.db"
    ids = _filled(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 0")
    assert _app_id(path) == 0
    with Store.open(path, create=False) as store:
        assert sorted(d.id for d in store.list_drafts()) == sorted(ids)
    assert _app_id(path) == APPLICATION_ID


def test_old_schema_without_id_is_upgraded_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    Store(path, target_version=1).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 0")
    with Store(path) as store:
        assert store.schema_version() == head_version()
    assert _app_id(path) == APPLICATION_ID


def test_check_passes_a_good_database(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    result = check_database(path)
    assert result.ok and result.problems == [] and result.path == path


def test_check_reports_broken_references(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    with sqlite3.connect(path) as conn:  # foreign keys off: plant a dangling reference
        conn.execute("UPDATE drafts SET report_id = 999 WHERE id = 1")
    result = check_database(path)
    assert not result.ok
    assert any("失效的引用" in p for p in result.problems)
    assert any("drafts" in p for p in result.problems)
    assert "备份" in result.advice


def test_check_reports_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), 7):  # scribble over every page after the 2nd
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    result = check_database(path)
    assert not result.ok
    assert result.advice


def test_check_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        check_database(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_backup_restores_the_same_data(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    ids = _filled(path)
    dest = tmp_path / "backup.db"
    assert backup_database(path, dest) == dest
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert _app_id(dest) == APPLICATION_ID
    restored = tmp_path / "restored" / "drafter.db"
    restored.parent.mkdir()
    restored.write_bytes(dest.read_bytes())
    with Store.open(path, create=False) as a, Store.open(restored, create=False) as b:
        assert a.list_drafts() == b.list_drafts()
        assert a.get_report(1) == b.get_report(1)
        assert sorted(d.id for d in b.list_drafts()) == sorted(ids)
        for draft_id in ids:
            assert [e.kind for e in a.events(draft_id)] == [e.kind for e in b.events(draft_id)]
    assert check_database(restored).ok


def test_backup_while_another_connection_holds_a_read(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    with Store(path) as store:
        store.list_drafts()
        backup_database(path, tmp_path / "b.db")
    assert check_database(tmp_path / "b.db").ok


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    dest = tmp_path / "backup.db"
    dest.write_bytes(b"keep me")
    with pytest.raises(InputError) as info:
        backup_database(path, dest)
    assert "--force" in (info.value.hint or "")
    assert dest.read_bytes() == b"keep me"
    backup_database(path, dest, force=True)
    assert check_database(dest).ok


def test_backup_refuses_bad_targets_and_sources(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _filled(path)
    with pytest.raises(InputError):
        backup_database(path, path, force=True)
    with pytest.raises(InputError):
        backup_database(path, tmp_path)
    with pytest.raises(InputError):
        backup_database(path, tmp_path / "no-such-dir" / "b.db")
    with pytest.raises(InputError):
        backup_database(tmp_path / "missing.db", tmp_path / "b.db")
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "b.db").exists()
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError):
        backup_database(other, tmp_path / "b.db")
    assert not (tmp_path / "b.db").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_does_not_migrate_the_source(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    Store(path, target_version=1).close()
    before = os.stat(path).st_size
    backup_database(path, tmp_path / "b.db")
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert os.stat(path).st_size == before


# -- PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
def pg_store(pg_server: object) -> object:
    from db_targets import PgServer

    assert isinstance(pg_server, PgServer)
    url = pg_server.migrated()
    yield url
    pg_server.drop(url)


def test_postgresql_check_passes_a_good_database_and_says_what_it_checked(
    pg_store: str,
) -> None:
    with Store(pg_store) as store:
        store.submit(make_report("society", load_profile()))
    result = check_database(pg_store)
    assert result.ok, result.problems
    assert {"连接数据库", "结构版本", "事件日志的只追加触发器", "引用检查"} <= set(result.checked)
    assert "@" in str(result.path) and ":***" not in str(result.path)


def test_postgresql_check_finds_a_disabled_trigger_and_a_dangling_reference(
    pg_store: str,
) -> None:
    import psycopg

    with Store(pg_store) as store:
        store.submit(make_report("society", load_profile()))
    with psycopg.connect(pg_store, autocommit=True) as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_delete")
        # a restore with foreign-key triggers off (as pg_restore --disable-triggers does)
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE drafts SET report_id = 999")
    result = check_database(pg_store)
    assert not result.ok
    assert any("events_no_delete" in p and "停用" in p for p in result.problems)
    assert any("失效的引用" in p for p in result.problems)
    assert any("drafts" in p and "report_id" in p for p in result.problems)
    assert "pg_dump" in result.advice or "pg_restore" in result.advice


def test_postgresql_check_refuses_a_missing_database(pg_store: str) -> None:
    missing = pg_store.rsplit("/", 1)[0] + "/a_database_nobody_made"
    with pytest.raises(InputError) as info:
        check_database(missing)
    assert "不存在" in info.value.message


def test_postgresql_backup_gives_the_pg_dump_line_without_the_password(
    pg_store: str, tmp_path: Path
) -> None:
    with_password = (
        pg_store.replace("://", "://postgres:s3cret@", 1)
        if "@" not in pg_store
        else (pg_store.replace("@", ":s3cret@", 1))
    )
    dest = tmp_path / "bulletin.dump"
    with pytest.raises(InputError) as info:
        backup_database(with_password, dest)
    text = info.value.message + (info.value.hint or "")
    assert "s3cret" not in text and "***" not in text
    assert f"pg_dump --format=custom --file={dest}" in info.value.message
    assert "pg_restore" in (info.value.hint or "")
    assert not dest.exists()
