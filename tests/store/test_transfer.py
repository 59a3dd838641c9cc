"""``copy_store``: a store moves to another database (SQLite → PostgreSQL) with every row.

The source is the database written by release 2e305eb (tests/fixtures/store), upgraded
by the copy; the target is ``db_target`` (a new SQLite file, or a new PostgreSQL
database, where the move matters).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import drafter
from drafter.cli import app
from drafter.store._engine import is_url, parse_url

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store" / "release-2e305eb.db"
BOOKKEEPING = {"alembic_version", "schema_version"}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A copy of the release database (the copy migrates its source: never the fixture)."""
    path = tmp_path / "release.db"
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def engines(source: Path, db_target: str | Path) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Plain engines on the source and target, for reading them independently of drafter."""
    made = [sa.create_engine(f"sqlite:///{source}")]
    made.append(
        sa.create_engine(parse_url(db_target))
        if is_url(db_target)
        else sa.create_engine(f"sqlite:///{db_target}")
    )
    yield made[0], made[1]
    for engine in made:
        engine.dispose()


def _dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every data table's rows, ordered by primary key, as plain tuples."""
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            cols = sorted(c.name for c in table.columns)
            order = list(table.primary_key.columns) or [table.c[cols[0]]]
            rows = conn.execute(sa.select(*(table.c[c] for c in cols)).order_by(*order))
            out[table.name] = [tuple(_plain(v) for v in row) for row in rows]
    return out


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def test_copy_keeps_every_row_and_id_of_a_release_database(
    source: Path, db_target: str | Path, engines: tuple[sa.Engine, sa.Engine]
) -> None:
    result = drafter.copy_store(source, db_target)
    before, after = _dump(engines[0]), _dump(engines[1])
    assert set(after) == set(before) and "events" in after
    assert {name: len(rows) for name, rows in after.items()} == result.rows
    assert result.rows["reports"] == 17 and result.rows["events"] >= 48
    for name, rows in before.items():
        assert after[name] == rows, name
    with drafter.Store(db_target) as store:
        drafts = store.list_drafts()
        assert len(drafts) == 17
        assert {d.status for d in drafts} >= {"accepted", "rejected", "revised"}
        (issue,) = drafter.list_issues(store)
        assert issue.status == "published"
        assert [a.name for a in drafter.list_accounts(store)]
    # Checked like any store: references resolve, the event log's triggers are in force.
    check = drafter.check_database(db_target)
    assert check.ok, check.problems


def test_the_copy_takes_new_work_with_fresh_ids(
    source: Path, db_target: str | Path, profile: Any
) -> None:
    from workflow_data import fake_draft, make_report

    drafter.copy_store(source, db_target)
    with drafter.Store(db_target) as store:
        top = max(d.id for d in store.list_drafts())
        events = len(store.events(top))
        result = drafter.submit_report(
            store, make_report("society", profile), profile=profile, draft_fn=fake_draft
        )
        assert result.draft.id == top + 1
        drafter.accept(store, result.draft.id, profile=profile)
        assert store.get_draft(result.draft.id).status == "accepted"
        kinds = [e.kind for e in store.events(result.draft.id)]
        assert kinds[0] == "submitted" and kinds[-1] == "accepted"
        assert len(store.events(top)) == events
        # The event log is still append-only after the copy.
        with pytest.raises(Exception, match="append-only"), store.transaction() as conn:
            conn.execute("UPDATE events SET kind = 'forged' WHERE draft_id = :id", {"id": top})
        with pytest.raises(Exception, match="append-only"), store.transaction() as conn:
            conn.execute("DELETE FROM events WHERE draft_id = :id", {"id": top})
        assert [e.kind for e in store.events(result.draft.id)] == kinds


def test_a_target_with_rows_is_refused_and_left_alone(
    source: Path, db_target: str | Path, engines: tuple[sa.Engine, sa.Engine]
) -> None:
    drafter.copy_store(source, db_target)
    before = _dump(engines[1])
    with pytest.raises(drafter.ConflictError, match="目标数据库不是空的") as info:
        drafter.copy_store(source, db_target)
    assert "空数据库" in (info.value.hint or "")
    assert _dump(engines[1]) == before


def test_a_missing_source_or_the_same_database_is_an_input_error(
    tmp_path: Path, source: Path, db_target: str | Path
) -> None:
    with pytest.raises(drafter.InputError, match="不存在"):
        drafter.copy_store(tmp_path / "nope.db", db_target)
    with pytest.raises(drafter.InputError, match="同一个"):
        drafter.copy_store(source, source)


def test_store_copy_command(source: Path, db_target: str | Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["store", "copy", str(source), str(db_target)])
    assert result.exit_code == 0, result.output
    assert "reports：17 行" in result.stdout and "已复制" in result.stdout
    assert "password" not in result.stdout.lower()
    again = runner.invoke(app, ["store", "copy", str(source), str(db_target)])
    assert again.exit_code == drafter.exit_code_for(drafter.ConflictError("x"))
    assert "目标数据库不是空的" in again.stderr and "Traceback" not in again.output
