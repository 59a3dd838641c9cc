"""The store's SQL contract: the ``Conn`` adapter, locks, where the database is, who acts.

SQL is written once for both engines against :class:`Conn` (what
:meth:`drafter.store._database.Database.transaction` yields): ``conn.execute(sql,
{"name": value})`` with ``:name`` parameters, rows read by column name, new ids from
``INSERT … RETURNING id``. Every write is one transaction (on SQLite ``BEGIN
IMMEDIATE``): a process killed at any moment leaves either the whole change or none of
it. Where two writers must not interleave a read and a write (numbering an issue, a
check-then-insert), :func:`lock` takes a transaction-scoped lock on PostgreSQL
(SQLite's ``BEGIN IMMEDIATE`` already serialises writers), and :func:`for_update`
locks the rows a transaction is about to change.

:func:`resolve_db` says where the database is (a SQLite path or a PostgreSQL URL);
:func:`utc_now`, :func:`current_user` and :func:`acting_as` are what every row records.
SQLite files carry drafter's ``application_id`` (:mod:`drafter.store._sqlite`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import getpass
import logging
import os
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from drafter.errors import InputError
from drafter.store._engine import (
    display_url,
    is_url,
    parse_url,
)
from drafter.store._sqlite import (
    APPLICATION_ID,
    check_drafter_file,
    connect_existing,
    missing_database_error,
)

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_TIMEOUT",
    "Conn",
    "IntegrityError",
    "Result",
    "Row",
    "acting_as",
    "check_drafter_file",
    "connect_existing",
    "current_user",
    "for_update",
    "in_list",
    "is_url",
    "lock",
    "missing_database_error",
    "resolve_db",
    "resolve_db_path",
    "utc_now",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for another process's lock; ``DRAFTER_DB_TIMEOUT`` overrides it."""

IntegrityError = (sa.exc.IntegrityError, sqlite3.IntegrityError)
"""What :meth:`Conn.execute` raises on a unique or foreign-key violation, either engine
(use as ``except IntegrityError:``)."""

Row = dict[str, Any]
"""A result row, the same on both engines: a dict by column name (``row["id"]``)."""


@functools.lru_cache(maxsize=1024)
def _text(sql: str) -> sa.TextClause:
    return sa.text(sql)


class Result:
    """The rows of one statement (already fetched) and how many rows it changed."""

    __slots__ = ("_next", "_rows", "rowcount")

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Row]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Conn:
    """What :meth:`Database.transaction` yields: one connection, either engine.

    ``conn.execute(sql, {"name": value})`` runs one statement with ``:name``
    parameters and returns a :class:`Result` (``fetchone``/``fetchall``/iteration,
    ``rowcount``; rows read by column name). Outside a transaction each statement
    commits on its own. ``dialect`` is ``"sqlite"`` or ``"postgresql"``.

    On SQLite the statement goes straight to the driver, which takes ``:name``
    parameters itself: SQLAlchemy's statement machinery costs several times what a
    local SQLite statement does, and the store runs thousands of them (the engine,
    its connection events and Alembic still go through SQLAlchemy).
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.dialect: str = connection.dialect.name
        self.in_transaction = False
        raw = connection.connection.dbapi_connection if self.dialect == "sqlite" else None
        self.sqlite: sqlite3.Connection | None = raw  # type: ignore[assignment]

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> Result:
        if self.sqlite is not None:
            cur = self.sqlite.cursor()
            try:
                if params is None:
                    cur.execute(sql)
                else:
                    cur.execute(sql, params if isinstance(params, dict) else dict(params))
                names = [d[0] for d in cur.description] if cur.description else []
                return Result(
                    [dict(zip(names, r, strict=True)) for r in cur.fetchall()], cur.rowcount
                )
            finally:
                cur.close()
        bound = dict(params) if params is not None else {}
        conn = self.connection
        try:
            res = conn.execute(_text(sql), bound)
            rows = [dict(r) for r in res.mappings()] if res.returns_rows else []
            count = res.rowcount
        except BaseException:
            if not self.in_transaction and conn.in_transaction():
                conn.rollback()
            raise
        if not self.in_transaction:
            conn.commit()
        return Result(rows, count)


def in_list(prefix: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """``:prefix0, :prefix1, …`` for an ``IN (…)`` of ``values``, added to ``params``."""
    names = [f"{prefix}{i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    return ", ".join(f":{n}" for n in names)


def lock(conn: Conn, name: str) -> None:
    """Serialise the transactions that take the lock ``name`` until they end.

    PostgreSQL: ``pg_advisory_xact_lock``. SQLite: nothing to do, ``BEGIN IMMEDIATE``
    already lets one writer at a time in. Use it where a read decides a write that
    another writer could invalidate meanwhile (the next issue number, a name's
    uniqueness checked before an insert).
    """
    if conn.dialect == "postgresql":
        key = zlib.crc32(name.encode("utf-8")) - 2**31  # a stable signed 32-bit key
        conn.execute("SELECT pg_advisory_xact_lock(:key)", {"key": key})


def for_update(conn: Conn) -> str:
    """`` FOR UPDATE`` on PostgreSQL (lock the rows read until the transaction ends),
    nothing on SQLite (whose write transaction already excludes other writers)."""
    return " FOR UPDATE" if conn.dialect == "postgresql" else ""


def resolve_db(db: str | Path | None = None) -> str | Path:
    """``--db``, then ``DRAFTER_DB``, then ``drafter.db`` in the user data directory:
    a PostgreSQL URL (``str``) or a SQLite file path."""
    for raw in (db, os.environ.get("DRAFTER_DB")):
        if raw is not None and str(raw):
            return (
                parse_url(raw).render_as_string(hide_password=False)
                if is_url(raw)
                else Path(raw).expanduser()
            )
    data = os.environ.get("DRAFTER_DATA_DIR")
    if data:
        return Path(data).expanduser() / "drafter.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("drafter", appauthor=False)) / "drafter.db"


def resolve_db_path(db: str | Path | None = None) -> Path:
    """The SQLite file :func:`resolve_db` names (for a URL: an InputError in Chinese)."""
    target = resolve_db(db)
    if isinstance(target, str):
        raise InputError(
            f"该命令只适用于 SQLite 数据库文件，不适用于 PostgreSQL：{display_url(parse_url(target))}",
            hint="请用 --db 指向一个 SQLite 文件",
        )
    return target


def _timeout() -> float:
    raw = os.environ.get("DRAFTER_DB_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def utc_now() -> str:
    """The timestamp every row records: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


_ACTOR: contextvars.ContextVar[str | None] = contextvars.ContextVar("drafter_actor", default=None)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record ``name`` as the actor of every event written in this context (a web
    request acts for its logged-in account, not for the server's login name)."""
    token = _ACTOR.set(name)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def current_user() -> str:
    """Who is acting, when the caller does not say: :func:`acting_as`, else the login name."""
    acting = _ACTOR.get()
    if acting:
        return acting
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
