"""Schema migrations: Alembic revisions, bundled and chained, applied once, upgrading
old databases in place — above all a database written by the release before Alembic."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import drafter
from drafter.errors import StoreError
from drafter.schemas import Report, report_id_for
from drafter.store.database import Store
from drafter.store.migrations import alembic_config, head_version, revisions

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "release-2e305eb.db"


def test_revisions_are_numbered_chained_and_bundled() -> None:
    found = revisions()
    assert [r.version for r in found] == list(range(1, len(found) + 1))
    assert len(found) >= 4 and found[0].name == "initial"
    assert head_version() == found[-1].version
    # The scripts are package data: found inside the installed drafter package.
    location = Path(alembic_config().get_main_option("script_location") or "")
    assert location == Path(drafter.__file__).parent / "store" / "migrations"
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    for r in found:
        rev = script.get_revision(r.id)
        assert rev is not None
        assert rev.down_revision == (None if r.version == 1 else f"{r.version - 1:04d}")


# -- the database written by release 2e305eb (schema_version 1-4, no alembic_version) ----


def _snapshot(conn: Any) -> dict[str, Any]:
    """What must survive: every table's row count and a sample of the rows that matter."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(sql).fetchall()]

    tables = [
        "reports",
        "drafts",
        "revisions",
        "decisions",
        "events",
        "issues",
        "issue_briefs",
        "accounts",
        "sessions",
        "login_failures",
    ]
    return {
        "counts": {t: rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables},
        "reports": rows(
            "SELECT id, content_id, org, kind, text, original FROM reports ORDER BY id"
        ),
        "drafts": rows(
            "SELECT id, report_id, status, version, brief_json, draft_text, edit_ratio,"
            " published_issue_id FROM drafts ORDER BY id"
        ),
        "revisions": rows(
            "SELECT id, draft_id, number, brief_json, text, edit_ratio FROM revisions"
        ),
        "decisions": rows(
            "SELECT id, draft_id, decision, reason, draft_version, editor FROM decisions"
        ),
        "issues": rows(
            "SELECT id, status, year, number, total, issue_json, files_json FROM issues"
        ),
        "issue_briefs": rows("SELECT issue_id, draft_id, position, section FROM issue_briefs"),
        "accounts": rows("SELECT id, name, role, orgs_json, password_hash, disabled FROM accounts"),
        "events": rows(
            "SELECT id, draft_id, issue_id, kind, detail_json, actor FROM events ORDER BY id"
        ),
    }


@pytest.fixture
def release_db(tmp_path: Path) -> Path:
    """A copy of the release's database (never opened in place: WAL would touch it)."""
    path = tmp_path / "release.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_release_database_upgrades_in_place_with_nothing_lost(
    release_db: Path, profile: drafter.Profile
) -> None:
    with sqlite3.connect(release_db) as conn:
        before = _snapshot(conn)
        assert [r[0] for r in conn.execute("SELECT version FROM schema_version")] == [1, 2, 3, 4]
        assert not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()
    assert before["counts"]["reports"] == 17 and before["counts"]["issues"] == 1

    with Store.open(release_db) as store:
        assert store.schema_version() == head_version()
        # read through the new code: the rows are what the release wrote
        assert len(store.list_drafts()) == before["counts"]["drafts"]
        issue = drafter.get_issue(store, 1)
        assert (issue.status, issue.year, issue.number) == ("published", 2026, 1)
        revised = store.get_draft(6)
        assert revised.revision is not None and revised.revision.number == 1

    with sqlite3.connect(release_db) as conn:
        after = _snapshot(conn)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            f"{head_version():04d}"
        )
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
        assert versions == [r.version for r in revisions()]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert after == before  # every row of every table, byte for byte

    # The password hashes are intact argon2 hashes (a login verifies against them).
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError

    for _id, _name, _role, _orgs, hashed, _disabled in after["accounts"]:
        assert hashed.startswith("$argon2")
        with pytest.raises(VerifyMismatchError):
            PasswordHasher().verify(hashed, "not-the-password")

    with Store.open(release_db) as store:
        # still append-only
        with pytest.raises(StoreError), store.transaction() as conn:
            conn.execute("UPDATE events SET kind = 'x' WHERE id = 1")
        with pytest.raises(StoreError), store.transaction() as conn:
            conn.execute("DELETE FROM events WHERE id = 1")
        # and new work goes on: a login, a submit, an accept, a second issue numbered next
        drafter.set_password(store, "bianji", "new-password-1")
        assert drafter.authenticate(store, "bianji", "new-password-1") is not None
        from workflow_data import make_report

        rec = store.submit(make_report("society", profile))
        assert rec.id == before["counts"]["drafts"] + 1
        accepted = store.decide(5, "accept", expected_version=2, edit_ratio=0.0)
        assert accepted.status == "accepted" and accepted.version == 3
        from drafter.store.publish import next_numbers

        assert next_numbers(store._conn, 0, 2026) == (2, 2)
        assert [e.kind for e in store.events(rec.id)] == ["submitted"]


def test_release_database_opened_read_only_first_still_upgrades(release_db: Path) -> None:
    """A read command (create=False) on the release's database upgrades it too."""
    with Store.open(release_db, create=False) as store:
        assert store.schema_version() == head_version()
        assert len(store.list_drafts()) == 17


# -- older schemas built by target_version ------------------------------------------------


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
        assert store.schema_version() == head_version()
        accepted = store.get_draft(ids["accepted"])
        assert (accepted.status, accepted.version, accepted.published_issue_id) == (
            "accepted",
            3,
            None,
        )
        assert accepted.brief is not None and accepted.brief.attribution == "北京气象学会"
        assert [e.kind for e in store.events(ids["drafted"])] == ["submitted"]
        ready = store.accepted_unpublished()
        assert [r.draft_id for r in ready] == [ids["accepted"]]
    with sqlite3.connect(path) as conn:
        applied = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
    assert applied == [r.version for r in revisions()]
    assert {"issues", "issue_briefs"} <= _tables(path)


def test_v2_database_with_a_printed_issue_upgrades_in_place(tmp_path: Path) -> None:
    """0003 rebuilds issues on SQLite: the printed issue stays published, numbered, referenced."""
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
        assert store.schema_version() == head_version()
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


# -- both engines ---------------------------------------------------------------------------


def test_opening_again_applies_nothing(db_target: str | Path) -> None:
    Store(db_target).close()
    with Store(db_target) as store:
        before = store._query("SELECT version, applied_at FROM schema_version ORDER BY version")
        assert store.migrate() == head_version()
    with Store(db_target) as store:
        after = store._query("SELECT version, applied_at FROM schema_version ORDER BY version")
    assert [dict(r) for r in after] == [dict(r) for r in before]


def test_database_newer_than_the_program_is_refused(db_target: str | Path) -> None:
    with Store(db_target) as store, store.transaction() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(StoreError) as info:
        Store(db_target)
    assert "999" in info.value.message and "升级" in (info.value.hint or "")


def test_old_schema_is_upgraded_on_either_engine(
    db_targets: Any, tmp_path: Path, profile: drafter.Profile
) -> None:
    from workflow_data import make_report

    target = db_targets.blank(tmp_path)
    try:
        Store(target, target_version=2).close()
        with Store(target, target_version=2) as store:
            assert store.schema_version() == 2
            store.submit(make_report("society", profile))
        with Store(target) as store:
            assert store.schema_version() == head_version()
            assert [d.status for d in store.list_drafts()] == ["submitted"]
    finally:
        db_targets.drop(target)


def test_failed_migration_leaves_the_database_as_it_was(
    db_targets: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All pending revisions run in one transaction: a failing step undoes every one."""
    target = db_targets.blank(tmp_path)
    try:
        Store(target, target_version=1).close()
        real = Store._after_step

        def failing(self: Store, conn: Any, version: int) -> None:
            real(self, conn, version)
            if version == 3:
                raise StoreError("boom")

        monkeypatch.setattr(Store, "_after_step", failing)
        with pytest.raises(StoreError):
            Store(target)
        monkeypatch.undo()
        with Store(target, target_version=1) as store:
            assert store.schema_version() == 1
            names = {r["version"] for r in store._query("SELECT version FROM schema_version")}
            assert names == {1}
        with Store(target) as store:
            assert store.schema_version() == head_version()
    finally:
        db_targets.drop(target)


def test_many_processes_opening_a_new_database_migrate_it_once(
    db_targets: Any, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    target = db_targets.blank(tmp_path, "shared.db")
    try:
        code = (
            "import sys; from drafter.store.database import Store;"
            " Store(sys.argv[1], timeout=20).close()"
        )
        env = {**os.environ, "PYTHONPATH": str(Path(drafter.__file__).parents[1])}
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(target)], stderr=subprocess.PIPE, env=env
            )
            for _ in range(4)
        ]
        for proc in procs:
            _, stderr = proc.communicate(timeout=60)
            assert proc.returncode == 0, stderr.decode()
        with Store(target) as store:
            applied = [r["version"] for r in store._query("SELECT version FROM schema_version")]
        assert sorted(applied) == [r.version for r in revisions()]
    finally:
        db_targets.drop(target)
