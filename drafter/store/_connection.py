"""The editorial database's connection: opening, error translation, transactions, migrations.

:class:`Database` owns one SQLite connection (WAL, foreign keys on, bounded busy wait)
and knows nothing of reports or drafts: :mod:`drafter.store._reader` adds the queries
and :class:`drafter.store.database.Store` the writes. Every write is one
``BEGIN IMMEDIATE`` transaction (:meth:`Database.transaction`): a process killed at any
moment leaves either the whole change or none of it.

Schema changes are numbered files in ``drafter/store/migrations`` (``0001_initial.sql``
…), applied in order and recorded in ``schema_version``. drafter's files carry
``PRAGMA application_id`` = :data:`APPLICATION_ID`; a file that belongs to another
application (another id, or tables without drafter's ``schema_version``) is refused
rather than given drafter's tables. Databases made before the id was set are
recognised by their ``schema_version`` table and get the id when next opened.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import getpass
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from drafter.errors import InputError, LockedError, StoreError
from drafter.store.migrations import Migration, load_migrations

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_TIMEOUT",
    "Conn",
    "Database",
    "acting_as",
    "check_drafter_file",
    "connect_existing",
    "current_user",
    "missing_database_error",
    "resolve_db_path",
    "utc_now",
]

log = logging.getLogger(__name__)

Conn = sqlite3.Connection
"""What :meth:`Database.transaction` yields: ``conn.execute(sql, {"name": value})`` with
named ``:name`` parameters, rows read by column name (``row["id"]``)."""

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for another process's lock; ``DRAFTER_DB_TIMEOUT`` overrides it."""


def resolve_db_path(db: str | Path | None = None) -> Path:
    """``--db``, then ``DRAFTER_DB``, then ``drafter.db`` in the user data directory."""
    if db is not None and str(db):
        return Path(db).expanduser()
    env = os.environ.get("DRAFTER_DB")
    if env:
        return Path(env).expanduser()
    data = os.environ.get("DRAFTER_DATA_DIR")
    if data:
        return Path(data).expanduser() / "drafter.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("drafter", appauthor=False)) / "drafter.db"


APPLICATION_ID = int.from_bytes(b"DRFT", "big")
"""``PRAGMA application_id`` of drafter's databases (0x44524654, "DRFT")."""


def missing_database_error(path: Path) -> InputError:
    """The error of a command that needs an existing database and finds none at ``path``."""
    return InputError(
        f"数据库文件不存在：{path}",
        hint="请检查 --db 或环境变量 DRAFTER_DB 是否写错；还没有数据库时，"
        "先用 drafter submit 收一篇稿（会自动创建数据库）",
        path=str(path),
    )


def connect_existing(path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> sqlite3.Connection:
    """Connect to the SQLite file at ``path`` without ever creating it (or its folders)."""
    if not path.is_file():
        raise missing_database_error(path)
    uri = path.resolve().as_uri() + "?mode=rw"
    try:
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.OperationalError as exc:
        if not path.exists():
            raise missing_database_error(path) from exc
        raise StoreError(
            f"打开数据库失败：{path}（{exc}）",
            hint="请检查文件权限（需要读写权限）和所在磁盘",
            path=str(path),
        ) from exc


def _has_drafter_marker(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` holds drafter's ``schema_version`` table, as migration 1 makes it."""
    cols = {row[1] for row in conn.execute("PRAGMA table_info(schema_version)").fetchall()}
    if not {"version", "name", "applied_at"} <= cols:
        return False
    row = conn.execute("SELECT name FROM schema_version WHERE version = 1").fetchone()
    return row is not None and row[0] == "initial"


def check_drafter_file(conn: sqlite3.Connection, path: Path) -> bool:
    """Refuse another application's SQLite file; True if it is (already) drafter's.

    False means an empty database that drafter may initialise. A file with another
    non-zero ``application_id``, or with tables but no drafter ``schema_version``, is a
    :class:`~drafter.errors.StoreError`.
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return True
    hint = (
        "drafter 不会把自己的表写进别的程序的数据库；请用 --db 或 DRAFTER_DB 指向 drafter 的数据库，"
        "或指向一个新文件名让 drafter 新建"
    )
    if app_id != 0:
        raise StoreError(
            f"{path} 属于另一个程序（application_id = {app_id:#010x}），不是 drafter 数据库",
            hint=hint,
            path=str(path),
        )
    tables = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]
    if not tables:
        return False
    if _has_drafter_marker(conn):
        return True
    raise StoreError(
        f"{path} 已有其他数据表，但不是 drafter 数据库（没有 drafter 的结构版本记录）",
        hint=hint,
        path=str(path),
    )


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


class Database:
    """One SQLite file, opened and migrated. Use as a context manager, or call :meth:`close`.

    ``target_version`` stops migrating at that schema version (tests build old
    databases with it); ``None`` brings the database up to date. ``create=False`` (the
    commands that only read) never creates the file or its folders: a missing or empty
    file is an :class:`~drafter.errors.InputError` naming the path.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float | None = None,
        target_version: int | None = None,
        create: bool = True,
    ) -> None:
        self.path = Path(path)
        self.timeout = _timeout() if timeout is None else timeout
        if self.path.is_dir():
            raise StoreError(
                f"数据库路径是一个目录：{self.path}",
                hint="--db 或 DRAFTER_DB 应指向一个文件，例如 drafter.db",
                path=str(self.path),
            )
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"无法创建数据库目录：{self.path.parent}（{exc.strerror}）",
                    hint="请检查路径和权限，或用 --db 指定其他位置",
                    path=str(self.path),
                ) from exc
            with self._translated("打开数据库"):
                # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
                self._conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        else:
            self._conn = connect_existing(self.path, timeout=self.timeout)
        self._conn.row_factory = sqlite3.Row
        try:
            with self._translated("打开数据库"):
                self._conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
                ours = check_drafter_file(self._conn, self.path)
            if not ours and not create:
                raise missing_database_error(self.path)
            with self._translated("打开数据库"):
                self._conn.execute("PRAGMA foreign_keys = ON")
                self._conn.execute("PRAGMA journal_mode = WAL")
            self.migrate(target_version)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def open(
        cls, db: str | Path | None = None, *, timeout: float | None = None, create: bool = True
    ) -> Self:
        """Open the database ``resolve_db_path(db)``, migrating as needed; ``create=False``
        refuses a missing file instead of creating it (for commands that only read)."""
        return cls(resolve_db_path(db), timeout=timeout, create=create)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """sqlite3 errors → LockedError (busy past the wait) or StoreError, in Chinese."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise LockedError(
                    f"数据库被其他进程占用，等待 {self.timeout:g} 秒后仍未释放：{self.path}",
                    hint="请等对方操作完成后重试；若一直如此，检查是否有卡住的 drafter 进程"
                    "（等待时间可用环境变量 DRAFTER_DB_TIMEOUT 调整）",
                    path=str(self.path),
                ) from exc
            raise StoreError(
                f"{action}失败：{self.path}（{exc}）",
                hint="请检查数据库文件是否完好、磁盘是否已满、是否有写权限",
                path=str(self.path),
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{action}失败：{self.path} 不是可用的 drafter 数据库（{exc}）",
                hint="请用 --db 指定正确的文件；损坏的文件请从备份恢复",
                path=str(self.path),
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or (on any exception) none of it."""
        with self._translated("写入数据库"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._translated("读取数据库"):
            return list(self._conn.execute(sql, params).fetchall())

    def schema_version(self) -> int:
        rows = self._query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
        if not rows:
            return 0
        row = self._query("SELECT MAX(version) AS v FROM schema_version")[0]
        return int(row["v"] or 0)

    def _apply(self, mig: Migration) -> None:
        """One migration in one transaction; foreign keys checked before it commits."""
        with self.transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            # Re-read inside the write lock: another process may have migrated.
            done = conn.execute("SELECT 1 FROM schema_version WHERE version = ?", (mig.version,))
            if done.fetchone():
                return
            for statement in mig.statements():
                conn.execute(statement)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"数据库升级到结构版本 {mig.version} 时发现 {len(broken)} 处失效的引用，"
                    f"已撤销本次升级：{self.path}",
                    hint="请保留该文件并联系维护者；升级前的数据没有改动",
                    path=str(self.path),
                )
            conn.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (mig.version, mig.name, utc_now()),
            )
            log.info("applied migration %04d_%s to %s", mig.version, mig.name, self.path)

    def _mark(self) -> None:
        """Set drafter's ``application_id`` (new files, and files made before it existed)."""
        with self._translated("升级数据库"):
            app_id = int(self._conn.execute("PRAGMA application_id").fetchone()[0])
        if app_id != APPLICATION_ID:
            with self.transaction() as conn:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def migrate(self, target_version: int | None = None) -> int:
        """Apply pending migrations, each in its own transaction; the resulting version."""
        migrations = load_migrations()
        latest = migrations[-1].version
        target = latest if target_version is None else target_version
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"数据库结构版本 {current} 比当前程序支持的 {latest} 新：{self.path}",
                hint="请升级 drafter 后再打开这个数据库",
                path=str(self.path),
            )
        self._mark()
        if current >= target:
            return current
        # Foreign keys are off while migrating so a step may rebuild a referenced table;
        # each step checks them before it commits. (The pragma is a no-op in a txn.)
        with self._translated("升级数据库"):
            self._conn.execute("PRAGMA foreign_keys = OFF")
        try:
            for mig in migrations:
                if mig.version > target:
                    break
                self._apply(mig)
        finally:
            with self._translated("升级数据库"):
                self._conn.execute("PRAGMA foreign_keys = ON")
        return self.schema_version()
