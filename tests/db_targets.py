"""Fresh stores for tests: a new SQLite file, or a new PostgreSQL database.

The PostgreSQL server is ``DRAFTER_TEST_PG`` (``.ci/run`` starts a throw-away cluster
and sets it). Migrating a database takes longer than copying one, so each backend
migrates a template once per session: SQLite tests get a copy of its file, PostgreSQL
tests get ``CREATE DATABASE … TEMPLATE`` of it (``STRATEGY FILE_COPY``: 15–60 ms,
against about 0.6 s to migrate), dropped ``WITH (FORCE)`` afterwards so a connection a
test left open (a web app's pool) cannot keep it alive. Clones are made two ahead and
drops run on threads of their own, off the tests' critical path. Names are
``<prefix>_<pid>_<n>``: concurrent sessions on one server never collide, and databases
of a session that was killed are dropped by the next one on the same machine.
"""

from __future__ import annotations

import itertools
import os
import queue
import re
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BACKENDS = ("sqlite", "postgresql")

PG_URL = os.environ.get("DRAFTER_TEST_PG", "")
"""Read at import: the autouse ``isolated_env`` fixture removes ``DRAFTER_*`` per test."""
PG_PREFIX = os.environ.get("DRAFTER_TEST_PG_PREFIX", "drafter_test")
IN_CI = os.environ.get("CI", "").lower() == "true"

PG_MISSING = "PostgreSQL not configured: set DRAFTER_TEST_PG=postgresql://… or run .ci/run"


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name`` (user, host, options kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _libpq_url(url: str) -> str:
    """psycopg takes ``postgresql://``; SQLAlchemy-style ``postgresql+psycopg://`` too."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


class PgServer:
    """Creates and drops the test databases on one PostgreSQL server."""

    def __init__(self, url: str, prefix: str = PG_PREFIX) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", prefix):
            raise ValueError(f"DRAFTER_TEST_PG_PREFIX must be a short lower-case name: {prefix!r}")
        import psycopg

        self.url = url
        self.prefix = prefix
        self._admin: Any = psycopg.connect(_libpq_url(url), autocommit=True)
        self._counter = itertools.count()
        self._names_lock = threading.Lock()
        self._template: str | None = None
        self._drop_orphans()
        self._doomed: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_queued, daemon=True)
        self._dropper.start()
        # Clones made ahead of the tests that take them (or the error that stopped it).
        self._ready: queue.Queue[str] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._cloner: threading.Thread | None = None

    def _name(self) -> str:
        with self._names_lock:
            return f"{self.prefix}_{os.getpid()}_{next(self._counter)}"

    def _drop_queued(self) -> None:
        import psycopg

        with psycopg.connect(_libpq_url(self.url), autocommit=True) as conn:
            while (name := self._doomed.get()) is not None:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _clone_ahead(self, template: str) -> None:
        import psycopg

        try:
            with psycopg.connect(_libpq_url(self.url), autocommit=True) as conn:
                while not self._stop.is_set():
                    name = self._name()
                    conn.execute(
                        f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'
                    )
                    url = with_database(self.url, name)
                    while not self._stop.is_set():
                        try:
                            self._ready.put(url, timeout=0.2)
                            break
                        except queue.Full:
                            continue
                    else:
                        self._doomed.put(name)
        except BaseException as exc:  # raised in every test that waits for a database
            self._error = exc

    def _drop_orphans(self) -> None:
        """Drop databases left by killed sessions (their pid no longer runs here)."""
        host = urlsplit(self.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1", ""):
            return  # another machine's pids mean nothing here
        rows = self._admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (self.prefix.replace("_", r"\_") + r"\_%",),
        ).fetchall()
        for (name,) in rows:
            match = re.fullmatch(re.escape(self.prefix) + r"_(\d+)_\w+", name)
            if match and not _alive(int(match.group(1))):
                self._drop(name)

    def _drop(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def blank(self) -> str:
        """The URL of a new database with no tables at all."""
        name = self._name()
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return with_database(self.url, name)

    def migrated(self) -> str:
        """The URL of a new database holding drafter's current schema and no rows."""
        if self._cloner is None:
            self._template = self._make_template()
            self._cloner = threading.Thread(
                target=self._clone_ahead, args=(self._template,), daemon=True
            )
            self._cloner.start()
        while self._error is None:
            try:
                return self._ready.get(timeout=0.2)
            except queue.Empty:
                if not self._cloner.is_alive():
                    break
        raise RuntimeError("could not make a test database") from self._error

    def _make_template(self) -> str:
        import drafter

        url = self.blank()
        name = urlsplit(url).path.lstrip("/")
        try:
            with drafter.Store(url):
                pass
        except BaseException:
            self._drop(name)
            raise
        # A template must have no sessions; a pool may keep one for a moment.
        self._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        return name

    def drop(self, url: str) -> None:
        """Drop the database of ``url`` soon (on the dropping thread)."""
        self._doomed.put(urlsplit(url).path.lstrip("/"))

    def close(self) -> None:
        self._stop.set()
        if self._cloner is not None:
            self._cloner.join(timeout=120)
        while not self._ready.empty():
            self.drop(self._ready.get())
        self._doomed.put(None)
        self._dropper.join(timeout=120)
        if self._template is not None:
            self._drop(self._template)
        self._admin.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DbTargets:
    """Hands out fresh store locations of one backend (see the module docstring)."""

    def __init__(self, backend: str, server: PgServer | None, scratch: Path) -> None:
        self.backend = backend
        self._server = server
        self._scratch = scratch
        self._sqlite_template: Path | None = None

    def new(self, directory: Path, name: str = "drafter.db") -> str | Path:
        """A store with the current schema and no rows: ``directory / name`` copied from
        a SQLite file migrated once per session (a copy takes ~4 ms, migrating ~100 ms),
        or a new PostgreSQL database cloned the same way."""
        if self._server is not None:
            return self._server.migrated()
        if self._sqlite_template is None:
            import drafter

            template = self._scratch / "template.db"
            drafter.Store(template).close()
            # Closing the last connection checkpoints the WAL: the file alone is the store.
            assert not template.with_name("template.db-wal").exists()
            self._sqlite_template = template
        path = directory / name
        shutil.copyfile(self._sqlite_template, path)
        return path

    def blank(self, directory: Path, name: str = "drafter.db") -> str | Path:
        """A location without drafter's tables: ``directory / name`` with no file yet,
        or an empty PostgreSQL database."""
        if self._server is None:
            return directory / name
        return self._server.blank()

    def drop(self, target: str | Path) -> None:
        if self._server is not None and isinstance(target, str):
            self._server.drop(target)
