"""Where the editorial database lives, and the one SQLAlchemy engine per database per process.

A store target is a SQLite file path (the default) or a ``postgresql://user@host:port/db``
URL (driven by psycopg 3 as ``postgresql+psycopg``). Engines are cached per target and
timeout, so the web app's threads and every ``Store`` opened in one process share one.

SQLite connections are opened read-write without ever creating the file (the store
creates a new file itself, on purpose) and are not pooled (``NullPool``): opening one
costs microseconds, and a pooled handle would keep reading a file that was replaced
under it (a restored backup). Transactions follow SQLAlchemy's documented pysqlite
recipe: the driver's own transaction handling is off and the ``begin`` event emits
``BEGIN IMMEDIATE`` for a write (``BEGIN`` for a read), so writers queue on SQLite's
lock instead of failing half-way. PostgreSQL connections are pooled and pre-pinged;
``lock_timeout`` bounds every lock wait like SQLite's busy timeout.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

__all__ = [
    "WRITE",
    "display_url",
    "engine_for_path",
    "engine_for_url",
    "is_url",
    "parse_url",
    "writer_lock",
]

WRITE = "drafter_write"
"""Key in ``Connection.info``: the next ``begin`` is a write (``BEGIN IMMEDIATE``)."""

_URL_RE = re.compile(r"^postgres(?:ql)?(?:\+\w+)?:/", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^postgres(?:ql)?(?:\+\w+)?:/+", re.IGNORECASE)
_MAX_ENGINES = 32
_ENGINES: dict[tuple[str, float], Engine] = {}
_LOCK = threading.Lock()


def is_url(db: str | Path) -> bool:
    """Whether ``db`` names a PostgreSQL database rather than a SQLite file."""
    return bool(_URL_RE.match(str(db)))


def parse_url(db: str | Path) -> URL:
    """The SQLAlchemy URL of a ``postgresql://`` target (driver psycopg 3).

    A URL that went through :class:`pathlib.Path` (a ``--db`` option typed as a path)
    lost one slash of ``//``; it is put back.
    """
    return make_url(_SCHEME_RE.sub("postgresql+psycopg://", str(db), count=1))


def display_url(url: URL) -> str:
    """``url`` as people see it: ``postgresql://user@host:port/db``, never the password."""
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=True)


_WRITERS: dict[Path, threading.Lock] = {}


def writer_lock(path: Path) -> threading.Lock:
    """The lock this process's writers of the SQLite file ``path`` take before ``BEGIN
    IMMEDIATE``: threads queue on it and wake at once when it is free, where SQLite's
    busy handler polls with growing sleeps and can starve a thread past its timeout
    when dozens write at once (the newsroom under load). Other processes still meet
    SQLite's own lock."""
    key = path.resolve()
    with _LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


def _cached(key: tuple[str, float], make: Any) -> Engine:
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = make()
            while len(_ENGINES) > _MAX_ENGINES:  # tests make many databases; keep a few
                _ENGINES.pop(next(iter(_ENGINES))).dispose()
        return engine


def engine_for_path(path: Path, timeout: float) -> Engine:
    """The engine of the SQLite file ``path`` (which must exist: it never creates it)."""
    uri = path.resolve().as_uri() + "?mode=rw"

    def creator() -> sqlite3.Connection:
        # isolation_level=None: the begin event below issues BEGIN [IMMEDIATE] itself.
        return sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )

    def make() -> Engine:
        engine = sa.create_engine("sqlite+pysqlite://", creator=creator, poolclass=NullPool)
        busy = int(timeout * 1000)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            dbapi_conn.execute(f"PRAGMA busy_timeout = {busy}")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop(WRITE, False) else "BEGIN")

        return engine

    return _cached((f"sqlite:{path.resolve()}", timeout), make)


def engine_for_url(url: URL, timeout: float) -> Engine:
    """The pooled engine of the PostgreSQL database at ``url``."""

    def make() -> Engine:
        engine = sa.create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            connect_args={
                "connect_timeout": max(1, round(timeout)),
                # Bound every lock wait as SQLite's busy timeout does.
                "options": f"-c lock_timeout={int(timeout * 1000)}",
                "application_name": "drafter",
            },
        )

        @event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.info.pop(WRITE, None)

        return engine

    return _cached((url.render_as_string(hide_password=False), timeout), make)
