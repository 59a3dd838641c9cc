"""Schema migrations: numbered, bundled, applied once, and upgrading a v1 database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from drafter.errors import StoreError
from drafter.schemas import Report, report_id_for
from drafter.store.database import Store
from drafter.store.migrations import Migration, load_migrations


def test_migrations_are_numbered_from_one_and_bundled() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert len(migrations) >= 2
    assert migrations[0].name == "initial"


def test_statement_splitter_keeps_trigger_bodies_whole() -> None:
    mig = Migration(
        9,
        "t",
        "-- a comment; with a semicolon\nCREATE TABLE t (x INTEGER);\n"
        "CREATE TRIGGER t_guard BEFORE DELETE ON t\nBEGIN\n"
        "    SELECT RAISE(ABORT, 'no');\nEND;\n-- trailing comment\n",
    )
    statements = mig.statements()
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_incomplete_statement_is_an_error() -> None:
    with pytest.raises(StoreError):
        Migration(9, "bad", "CREATE TABLE t (x INTEGER").statements()


def _v1_with_data(path: Path) -> dict[str, int]:
    """A database as the first schema version left it, written with v1-era SQL."""
    Store(path, target_version=1).close()
    text = "6月3日，北京气象学会举办气象科普开放日活动，接待公众300余人次。"
    report = Report(id=report_id_for(text), text=text, org="北京气象学会", org_short="北京气象学会")
    brief = {
        "headline": "北京气象学会举办气象科普开放日活动",
        "paragraphs": [text],
        "attribution": "北京气象学会",
        "section": "societies",
        "kind": "society",
    }
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        rid = conn.execute(
            "INSERT INTO reports (content_id, org, org_short, kind, text, report_json, created_at)"
            " VALUES (?, ?, ?, 'society', ?, ?, '2026-06-03T01:00:00+00:00')",
            (report.id, report.org, report.org_short, text, report.model_dump_json()),
        ).lastrowid
        ids = {}
        for status in ("accepted", "drafted"):
            ids[status] = int(
                conn.execute(
                    "INSERT INTO drafts (report_id, status, version, engine, brief_json, draft_text,"
                    " edit_ratio, created_at, updated_at)"
                    " VALUES (?, ?, 3, 'offline', ?, ?, ?, '2026-06-03T01:00:00+00:00',"
                    " '2026-06-03T02:00:00+00:00')",
                    (
                        rid,
                        status,
                        json.dumps(brief, ensure_ascii=False),
                        text,
                        0.0 if status == "accepted" else None,
                    ),
                ).lastrowid
                or 0
            )
            conn.execute(
                "INSERT INTO events (report_id, draft_id, kind, created_at)"
                " VALUES (?, ?, 'submitted', '2026-06-03T01:00:00+00:00')",
                (rid, ids[status]),
            )
    return ids


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_upgrade_v1_database_with_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    ids = _v1_with_data(path)
    assert "issues" not in _tables(path)
    with Store(path) as store:
        assert store.schema_version() == load_migrations()[-1].version
        accepted = store.get_draft(ids["accepted"])
        assert (accepted.status, accepted.version, accepted.published_issue_id) == (
            "accepted",
            3,
            None,
        )
        assert accepted.brief is not None and accepted.brief.attribution == "北京气象学会"
        assert [e.kind for e in store.events(ids["drafted"])] == ["submitted"]
        # The new schema works on the old rows: accepted, unpublished, publishable.
        ready = store.accepted_unpublished()
        assert [r.draft_id for r in ready] == [ids["accepted"]]
    with sqlite3.connect(path) as conn:
        applied = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert applied == [m.version for m in load_migrations()]
    assert {"issues", "issue_briefs"} <= _tables(path)


def test_opening_again_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT version, applied_at FROM schema_version").fetchall()
    with Store(path) as store:
        assert store.migrate() == load_migrations()[-1].version
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version, applied_at FROM schema_version").fetchall() == before


def test_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'later')")
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "升级" in (info.value.hint or "")


def test_failed_migration_rolls_back_whole_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load_migrations()
    broken = Migration(
        len(real) + 1, "broken", "CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n"
    )
    monkeypatch.setattr("drafter.store._connection.load_migrations", lambda: [*real, broken])
    path = tmp_path / "d.db"
    with pytest.raises(StoreError):
        Store(path)
    assert "half" not in _tables(path)
    monkeypatch.undo()
    with Store(path) as store:  # the good steps stayed applied
        assert store.schema_version() == real[-1].version


def test_many_processes_opening_a_new_database_migrate_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "shared.db"
    code = "import sys; from drafter.store.database import Store; Store(sys.argv[1], timeout=10).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr.decode()
    with sqlite3.connect(path) as conn:
        applied = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert applied == [m.version for m in load_migrations()]


def test_v2_database_with_a_printed_issue_upgrades_in_place(tmp_path: Path) -> None:
    """0003 rebuilds issues: the printed issue stays published, numbered and referenced."""
    path = tmp_path / "v2.db"
    ids = _v1_with_data(path)
    Store(path, target_version=2).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            "INSERT INTO issues (id, year, number, total, issue_date, issue_json, created_at)"
            " VALUES (1, 2026, 7, 30, '2026-06-08', '{}', '2026-06-08T01:00:00+00:00')"
        )
        conn.execute("INSERT INTO issue_briefs VALUES (1, ?, 0)", (ids["accepted"],))
        conn.execute("UPDATE drafts SET published_issue_id = 1 WHERE id = ?", (ids["accepted"],))
    from drafter.store.issues import get_issue
    from drafter.store.publish import next_numbers

    with Store(path) as store:
        assert store.schema_version() == len(load_migrations())
        record = get_issue(store, 1)
        assert (record.status, record.year, record.number, record.total) == (
            "published",
            2026,
            7,
            30,
        )
        assert record.draft_ids == [ids["accepted"]]
        assert store.get_draft(ids["accepted"]).published_issue_id == 1
        assert next_numbers(store._conn, 0, 2026) == (8, 31)
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
