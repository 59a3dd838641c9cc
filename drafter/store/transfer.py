"""Moving a store to another database: ``drafter store copy SOURCE TARGET``.

An office that outgrows its SQLite file moves to PostgreSQL by copying every table, rows
and ids as they are, into an empty store. The source is first brought to the current
schema (opening it migrates it) and the target is created or migrated to the same
schema; then one transaction on the target copies the tables parents first, checks that
every count matches, and on PostgreSQL moves each identity sequence past the highest
copied id so that new rows get fresh ids. Either the whole store arrives or nothing
does. The event log is copied like any table: its append-only rule forbids changing or
deleting events, not adding them, so it stays in force throughout. A target that
already holds any row is refused: a copy never merges into or overwrites a store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from drafter.errors import ConflictError, InputError, StoreError
from drafter.store._engine import (
    WRITE,
    display_url,
    engine_for_path,
    engine_for_url,
    is_url,
    parse_url,
)
from drafter.store.database import Store

__all__ = ["CopyResult", "copy_store"]

log = logging.getLogger(__name__)

_BOOKKEEPING = frozenset({"alembic_version", "schema_version"})
"""Tables the migrations own: the target has its own, already at the current schema."""

_BATCH = 1000


@dataclass(frozen=True)
class CopyResult:
    """What a copy moved: rows per table, in the order they were copied."""

    source: str
    target: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _shown(db: str | Path) -> str:
    return display_url(parse_url(db)) if is_url(db) else str(Path(db))


def _engine(db: str | Path, timeout: float) -> sa.Engine:
    if is_url(db):
        return engine_for_url(parse_url(db), timeout)
    return engine_for_path(Path(db).expanduser(), timeout)


def _same(source: str | Path, target: str | Path) -> bool:
    if is_url(source) or is_url(target):
        return _shown(source) == _shown(target)
    return Path(source).expanduser().resolve() == Path(target).expanduser().resolve()


def copy_store(source: str | Path, target: str | Path) -> CopyResult:
    """Copy every row of the store ``source`` into the empty store ``target``.

    ``source`` must exist (it is migrated to the current schema first); ``target`` is
    created (a SQLite path) or migrated (an empty PostgreSQL database) as needed and must
    hold no rows. Raises :class:`~drafter.errors.ConflictError` for a non-empty target,
    :class:`~drafter.errors.InputError` for a missing source or source = target.
    """
    if _same(source, target):
        raise InputError(
            f"源数据库和目标数据库是同一个：{_shown(source)}",
            hint="目标应是一个新的空数据库，例如 postgresql://用户@主机:端口/库名",
        )
    with Store(source, create=False) as src_store:
        timeout = src_store.timeout
    with Store(target):
        pass
    src_engine, tgt_engine = _engine(source, timeout), _engine(target, timeout)
    tables = _tables(tgt_engine)
    with src_engine.connect() as src, tgt_engine.connect() as tgt:
        tgt.info[WRITE] = True
        with src.begin(), tgt.begin():
            _refuse_rows(tgt, tables, target)
            rows = {t.name: _copy_table(src, tgt, t) for t in tables}
            _check_counts(src, tgt, tables)
            if tgt.dialect.name == "postgresql":
                _reset_sequences(tgt, tables)
    result = CopyResult(source=_shown(source), target=_shown(target), rows=rows)
    log.info("copied %d rows in %d tables to %s", result.total, len(rows), result.target)
    return result


def _tables(engine: sa.Engine) -> list[sa.Table]:
    """The target's tables, parents before the tables that refer to them."""
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    return [t for t in meta.sorted_tables if t.name not in _BOOKKEEPING]


def _refuse_rows(tgt: sa.Connection, tables: list[sa.Table], target: str | Path) -> None:
    for table in tables:
        if tgt.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise ConflictError(
                f"目标数据库不是空的（表 {table.name} 已有数据），不复制：{_shown(target)}",
                hint="复制只往新建的空数据库里写，不会合并或覆盖已有数据；"
                "请新建一个空数据库（PostgreSQL：createdb 库名）作为目标",
                table=table.name,
            )


def _source_table(src: sa.Connection, table: sa.Table) -> sa.Table:
    """The source's table of the same name; its columns must match the target's."""
    try:
        found = sa.Table(table.name, sa.MetaData(), autoload_with=src)
    except sa.exc.NoSuchTableError as exc:
        raise StoreError(
            f"源数据库缺少表 {table.name}，与目标的数据库结构不一致",
            hint="请用同一版本的 drafter 打开两个数据库后重试",
        ) from exc
    missing = {c.name for c in table.columns} - {c.name for c in found.columns}
    if missing:
        raise StoreError(
            f"源数据库的表 {table.name} 缺少列：{'、'.join(sorted(missing))}",
            hint="请用同一版本的 drafter 打开两个数据库后重试",
        )
    return found


def _copy_table(src: sa.Connection, tgt: sa.Connection, table: sa.Table) -> int:
    source = _source_table(src, table)
    names = [c.name for c in table.columns]
    order = [source.c[c.name] for c in table.primary_key.columns] or [source.c[names[0]]]
    query = sa.select(*(source.c[n] for n in names)).order_by(*order)
    copied = 0
    result = src.execute(query)
    while batch := result.fetchmany(_BATCH):
        tgt.execute(sa.insert(table), [dict(zip(names, row, strict=True)) for row in batch])
        copied += len(batch)
    return copied


def _count(conn: sa.Connection, table: sa.Table | str) -> int:
    name = table.name if isinstance(table, sa.Table) else table
    return int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one())


def _check_counts(src: sa.Connection, tgt: sa.Connection, tables: list[sa.Table]) -> None:
    """A last check before committing: every table holds as many rows as its source."""
    for table in tables:
        have, want = _count(tgt, table), _count(src, table)
        if have != want:
            raise StoreError(
                f"复制后表 {table.name} 有 {have} 行，源数据库有 {want} 行；已撤销本次复制",
                hint="请确认复制期间没有别的程序在写源数据库，然后重试",
                table=table.name,
            )


def _reset_sequences(tgt: sa.Connection, tables: list[sa.Table]) -> None:
    """Move each identity/serial sequence past the highest copied id."""
    for table in tables:
        for column in table.primary_key.columns:
            seq = tgt.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            ).scalar()
            if seq is None:
                continue
            top: Any = tgt.execute(sa.select(sa.func.max(column))).scalar()
            # setval(seq, n, false): the next id handed out is n.
            tgt.execute(
                sa.text("SELECT setval(:seq, :next, false)"),
                {"seq": seq, "next": int(top or 0) + 1},
            )
