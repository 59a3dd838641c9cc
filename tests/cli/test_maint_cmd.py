"""Database hygiene from the command line: reading never creates a database;
``drafter store check`` and ``drafter store backup``.

Tests on a file (a missing path, another application's file, SQLite's backup) are
SQLite's by nature; each has its PostgreSQL counterpart (a missing or empty database,
a disabled trigger, the ``pg_dump`` line)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from db_targets import PgServer, with_database
from typer.testing import CliRunner

from drafter.cli import app
from drafter.store.database import Store

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
from workflow_data import write_report  # noqa: E402

runner = CliRunner()

READ_COMMANDS = [
    ["queue"],
    ["show", "1"],
    ["log", "1"],
    ["stats"],
    ["status", "1"],
    ["feedback", "--org", "北京气象学会"],
    ["issue", "list"],
    ["issue", "show", "1"],
]


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def db(tmp_path: Path, db_target: str | Path) -> str | Path:
    """A store holding one submission, on each backend."""
    result = run("submit", str(write_report(tmp_path, "society")), "--db", str(db_target))
    assert result.exit_code == 0, result.output
    return db_target


def _pg(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_read_commands_never_create_a_database(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "tpyo" / "drafter.db"
    result = run(*args, "--db", str(typo))
    assert result.exit_code == 2, result.output
    assert "数据库文件不存在" in result.stderr and str(typo) in result.stderr
    assert "drafter submit" in result.stderr
    assert not (tmp_path / "tpyo").exists()


@pytest.mark.parametrize("args", READ_COMMANDS[:4], ids=lambda a: " ".join(a))
def test_read_commands_honour_drafter_db_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    typo = tmp_path / "missing.db"
    monkeypatch.setenv("DRAFTER_DB", str(typo))
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert str(typo) in result.stderr
    assert not typo.exists()


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_read_commands_never_create_a_postgresql_database(
    pg_server: PgServer, args: list[str]
) -> None:
    missing = with_database(pg_server.url, f"{pg_server.prefix}_never_made")
    result = run(*args, "--db", missing)
    assert result.exit_code == 2, result.output
    assert "数据库不存在" in result.stderr and "never_made" in result.stderr
    with _pg(pg_server.url) as conn:
        made = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (f"{pg_server.prefix}_never_made",)
        ).fetchone()
    assert made is None
    empty = pg_server.blank()
    try:
        result = run(*args, "--db", empty)
        assert result.exit_code == 2, result.output
        assert "还没有 drafter 的数据" in result.stderr
        with _pg(empty) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
        assert tables == []
    finally:
        pg_server.drop(empty)


def test_read_commands_work_on_an_existing_database(db: str | Path) -> None:
    result = run("queue", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "北京气象学会" in result.stdout


def test_writing_commands_still_create(tmp_path: Path) -> None:
    path = tmp_path / "new" / "drafter.db"
    result = run("submit", str(write_report(tmp_path, "society")), "--db", str(path))
    assert result.exit_code == 0, result.output
    assert path.is_file()


def test_another_applications_postgresql_database_is_refused(
    tmp_path: Path, pg_server: PgServer
) -> None:
    other = pg_server.blank()
    try:
        with _pg(other) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        for args in (["queue"], ["submit", str(write_report(tmp_path, "society"))]):
            result = run(*args, "--db", other)
            assert result.exit_code == 4, result.output
            assert "不是 drafter 数据库" in result.stderr
        checked = run("store", "check", "--db", other)
        assert checked.exit_code == 2 and "没有 drafter 的数据" in checked.stderr
        with _pg(other) as conn:
            names = conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
        assert names == [("notes",)]
    finally:
        pg_server.drop(other)


def test_another_applications_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    for args in (["queue"], ["submit", str(write_report(tmp_path, "society"))]):
        result = run(*args, "--db", str(other))
        assert result.exit_code == 4, result.output
        assert "不是 drafter 数据库" in result.stderr
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_store_check_ok(db: str | Path) -> None:
    result = run("store", "check", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "数据库完好" in result.stdout
    # It says what it checked, which differs by backend.
    checked = "结构版本" if isinstance(db, str) else "完整性检查"
    assert checked in result.stdout, result.stdout


def test_store_check_reports_problems_and_what_to_do(db: str | Path) -> None:
    if isinstance(db, Path):  # SQLite lets a dangling reference in with foreign keys off
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE drafts SET report_id = 999")
        problem, remedy = "失效的引用", "drafter store backup"
    else:  # PostgreSQL enforces references; a disabled trigger is what a restore can leave
        with _pg(db) as conn:
            conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_update")
        problem, remedy = "已被停用", "pg_dump"
    result = run("store", "check", "--db", str(db))
    assert result.exit_code == 1, result.output
    assert problem in result.stderr and "怎么办" in result.stderr
    assert remedy in result.stderr


def test_store_check_missing_database(tmp_path: Path) -> None:
    result = run("store", "check", "--db", str(tmp_path / "x" / "nope.db"))
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x").exists()


def test_store_backup_of_postgresql_gives_the_pg_dump_line(
    tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.migrated()
    try:
        result = run("store", "backup", str(tmp_path / "b.dump"), "--db", url)
        assert result.exit_code == 2, result.output
        assert "pg_dump --format=custom" in result.stderr and "b.dump" in result.stderr
        assert not (tmp_path / "b.dump").exists()
    finally:
        pg_server.drop(url)


def test_store_backup_and_restore(tmp_path: Path) -> None:
    # SQLite's online backup of a file; PostgreSQL's is pg_dump (the test above).
    db = tmp_path / "editorial.db"
    submitted = run("submit", str(write_report(tmp_path, "society")), "--db", str(db))
    assert submitted.exit_code == 0, submitted.output
    dest = tmp_path / "backup.db"
    result = run("store", "backup", str(dest), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert str(dest) in result.stdout
    again = run("store", "backup", str(dest), "--db", str(db))
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = run("store", "backup", str(dest), "--db", str(db), "--force")
    assert forced.exit_code == 0, forced.output
    restored = tmp_path / "restored.db"
    restored.write_bytes(dest.read_bytes())
    shown = run("queue", "--db", str(restored), "--format", "json")
    original = run("queue", "--db", str(db), "--format", "json")
    assert shown.exit_code == 0 and shown.stdout == original.stdout
    with Store.open(restored, create=False) as store:
        assert len(store.list_drafts()) == 1
