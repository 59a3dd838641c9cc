"""The editorial database opened: either engine, its errors, transactions and migrations.

:class:`Database` opens one store — a SQLite file (default) or a PostgreSQL URL — through
the process's SQLAlchemy engine for it (:mod:`drafter.store._engine`) and knows nothing
of reports or drafts: :mod:`drafter.store._reader` adds the queries and
:class:`drafter.store.database.Store` the writes. The SQL contract it hands out
(:class:`~drafter.store._connection.Conn`, ``lock``, ``for_update``) is
:mod:`drafter.store._connection`'s.

Driver errors of both engines are translated in one place (:meth:`Database._error`).
Schema changes are Alembic revisions (:mod:`drafter.store.migrations`), all pending ones
run in one write transaction when a database is opened; ``schema_version`` is kept in
step with ``alembic_version`` for older tooling and ``store check``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa

from drafter.errors import ConflictError, InputError, LockedError, StoreError
from drafter.store import migrations
from drafter.store._connection import (
    Conn,
    Row,
    _timeout,
    lock,
    resolve_db,
    utc_now,
)
from drafter.store._engine import (
    WRITE,
    display_url,
    engine_for_path,
    engine_for_url,
    is_url,
    parse_url,
    writer_lock,
)
from drafter.store._sqlite import (
    APPLICATION_ID,
    check_drafter_file,
    missing_database_error,
)

__all__ = ["Database"]

log = logging.getLogger(__name__)

_CURRENT: set[str | Path] = set()
"""PostgreSQL databases this process has seen at the newest schema (opens skip the checks)."""


def _has_table(conn: Conn, name: str) -> bool:
    sql = (
        "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = :name"
        if conn.dialect == "sqlite"
        else "SELECT 1 AS present FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name = :name"
    )
    return conn.execute(sql, {"name": name}).fetchone() is not None


def _stored_version(conn: Conn) -> int:
    """The schema version recorded: Alembic's revision, else a release's ``schema_version``."""
    if _has_table(conn, "alembic_version"):
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is not None:
            rev = str(row["version_num"])
            return int(rev) if rev.isdigit() else 10**6  # not ours: newer than we know
    if _has_table(conn, "schema_version"):
        row = conn.execute("SELECT MAX(version) AS v FROM schema_version").fetchone()
        return int(row["v"] or 0) if row is not None else 0
    return 0


class Database:
    """One store, opened and migrated. Use as a context manager, or call :meth:`close`.

    ``target`` is a SQLite file path or a ``postgresql://`` URL. ``target_version``
    stops migrating at that schema version (tests build old databases with it);
    ``None`` brings the database up to date. ``create=False`` (the commands that only
    read) never creates a database: a missing file or database is an
    :class:`~drafter.errors.InputError` naming it.
    """

    def __init__(
        self,
        target: str | Path,
        *,
        timeout: float | None = None,
        target_version: int | None = None,
        create: bool = True,
    ) -> None:
        self.timeout = _timeout() if timeout is None else timeout
        if is_url(target):
            url = parse_url(target)
            self.location = display_url(url)
            self.target: str | Path = url.render_as_string(hide_password=False)
            # ``path`` is shown to people and reopens the database (a Path that went
            # through pathlib still parses as the URL): never the password, which
            # belongs in PGPASSWORD or ~/.pgpass.
            self.path = Path(self.location)
            self._sa = self._connect_postgresql(url, create)
        else:
            self.path = Path(target)
            self.target = self.path
            self.location = str(self.path)
            self._sa = self._connect_sqlite(create)
        self._conn = Conn(self._sa)
        self.dialect = self._conn.dialect
        try:
            if self.dialect == "postgresql":
                if not self._still_current():
                    self._check_postgresql(create)
                    if self.migrate(target_version) == migrations.head_version():
                        _CURRENT.add(self.target)
            else:
                self.migrate(target_version)
        except BaseException:
            self.close()
            raise

    # -- opening ---------------------------------------------------------------------------
    def _connect_sqlite(self, create: bool) -> sa.Connection:
        path = self.path
        if path.is_dir():
            raise StoreError(
                f"数据库路径是一个目录：{path}",
                hint="--db 或 DRAFTER_DB 应指向一个文件，例如 drafter.db",
                path=str(path),
            )
        if not path.is_file():
            if not create:
                raise missing_database_error(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"无法创建数据库目录：{path.parent}（{exc.strerror}）",
                    hint="请检查路径和权限，或用 --db 指定其他位置",
                    path=str(path),
                ) from exc
            with self._translated("打开数据库"):
                sqlite3.connect(path).close()  # the engine itself never creates a file
        with self._translated("打开数据库"):
            conn = engine_for_path(path, self.timeout).connect()
        try:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            with self._translated("打开数据库"):
                ours = check_drafter_file(raw, path)  # type: ignore[arg-type]
            if not ours and not create:
                raise missing_database_error(path)
            with self._translated("打开数据库"):
                raw.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_postgresql(self, url: sa.URL, create: bool) -> sa.Connection:
        engine = engine_for_url(url, self.timeout)
        try:
            with self._translated("连接数据库"):
                # Reads outside a transaction run in autocommit: one round trip, not
                # BEGIN/SELECT/COMMIT. _sa_transaction switches to READ COMMITTED.
                return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except StoreError as exc:
            if "does not exist" not in str(exc.__cause__):
                raise
            if not create:
                raise InputError(
                    f"数据库不存在：{self.location}",
                    hint="请检查 --db 或 DRAFTER_DB 是否写错；新数据库可用 createdb 建立，"
                    "或先用 drafter submit 收一篇稿（有建库权限时会自动创建）",
                    path=self.location,
                ) from None
        _create_postgresql_database(url, self.location)
        with self._translated("连接数据库"):
            return engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _still_current(self) -> bool:
        """Whether a PostgreSQL database this process found current is still at the
        newest schema: one query instead of the checks of a first open."""
        if self.target not in _CURRENT:
            return False
        try:
            with self._translated("打开数据库"):
                row = self._conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except StoreError:  # made anew under the same name: check it from the start
            _CURRENT.discard(self.target)
            return False
        return row is not None and row["version_num"] == migrations.revision_id(
            migrations.head_version()
        )

    def _check_postgresql(self, create: bool) -> None:
        """Refuse a database holding another application's tables (PostgreSQL has no
        application_id); ``create=False`` refuses one without drafter's tables."""
        with self._translated("打开数据库"):
            tables = self._conn.execute(
                "SELECT COUNT(*) AS n FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchone()
            ours = _has_table(self._conn, "alembic_version")
        if ours:
            return
        if tables is not None and tables["n"]:
            raise StoreError(
                f"{self.location} 已有其他数据表，但不是 drafter 数据库（没有 drafter 的结构版本记录）",
                hint="drafter 不会把自己的表写进别的程序的数据库；请用 --db 或 DRAFTER_DB "
                "指向 drafter 的数据库，或一个新的空数据库",
                path=self.location,
            )
        if not create:
            raise InputError(
                f"数据库里还没有 drafter 的数据：{self.location}",
                hint="请检查 --db 或 DRAFTER_DB 是否写错；还没有数据时，先用 drafter submit 收一篇稿",
                path=self.location,
            )

    @classmethod
    def open(
        cls, db: str | Path | None = None, *, timeout: float | None = None, create: bool = True
    ) -> Self:
        """Open the database ``resolve_db(db)``, migrating as needed; ``create=False``
        refuses a missing one instead of creating it (for commands that only read)."""
        return cls(resolve_db(db), timeout=timeout, create=create)

    def close(self) -> None:
        sa_conn = getattr(self, "_sa", None)
        if sa_conn is not None:
            sa_conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- errors and transactions -------------------------------------------------------------
    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Driver errors of either engine → LockedError, ConflictError or StoreError, in Chinese."""
        try:
            yield
        except sa.exc.DBAPIError as exc:
            raise self._error(action, exc.orig if exc.orig is not None else exc) from exc
        except sqlite3.Error as exc:  # the raw SQLite connection (opening, pragmas)
            raise self._error(action, exc) from exc

    def _error(self, action: str, orig: BaseException) -> StoreError:
        where = self.location
        state = getattr(orig, "sqlstate", None)
        text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if state in ("40001", "40P01"):  # serialization failure, deadlock
            return ConflictError(
                f"{action}时与其他用户同时进行的修改冲突，本次操作已撤销，什么也没有被覆盖",
                hint="请重新读取后再试",
                path=where,
            )
        low = text.lower()
        if state in ("55P03", "57014") or (
            isinstance(orig, sqlite3.OperationalError) and ("locked" in low or "busy" in low)
        ):
            return LockedError(
                f"数据库被其他进程占用，等待 {self.timeout:g} 秒后仍未释放：{where}",
                hint="请等对方操作完成后重试；若一直如此，检查是否有卡住的 drafter 进程"
                "（等待时间可用环境变量 DRAFTER_DB_TIMEOUT 调整）",
                path=where,
            )
        if isinstance(orig, sqlite3.DatabaseError) and not isinstance(
            orig, sqlite3.OperationalError | sqlite3.IntegrityError
        ):
            return StoreError(
                f"{action}失败：{where} 不是可用的 drafter 数据库（{text}）",
                hint="请用 --db 指定正确的文件；损坏的文件请从备份恢复",
                path=where,
            )
        if not isinstance(orig, sqlite3.Error) and (state is None or state.startswith("08")):
            return StoreError(
                f"无法连接数据库：{where}（{text}）",
                hint="请确认 PostgreSQL 正在运行、主机和端口正确、允许本机连接"
                "（可用 psql 以同一地址试连）；密码请放在 PGPASSWORD 或 ~/.pgpass",
                path=where,
            )
        return StoreError(
            f"{action}失败：{where}（{text}）",
            hint="请检查数据库是否完好、磁盘是否已满、是否有写权限",
            path=where,
        )

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """One write transaction: all of it commits, or (on any exception) none of it.

        SQLite: ``BEGIN IMMEDIATE``. A transaction opened inside another joins it.
        """
        conn = self._conn
        raw = conn.sqlite
        if conn.in_transaction:
            yield conn
        elif raw is not None:
            writer = writer_lock(self.path)
            with self._translated("写入数据库"):
                if not writer.acquire(timeout=self.timeout):
                    # Translated like SQLite's own busy timeout: the same LockedError.
                    raise sqlite3.OperationalError("database is locked")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    conn.in_transaction = True
                    try:
                        yield conn
                    except BaseException:
                        conn.in_transaction = False
                        if raw.in_transaction:
                            raw.execute("ROLLBACK")
                        raise
                    conn.in_transaction = False
                    raw.execute("COMMIT")
                finally:
                    writer.release()
        else:
            with self._sa_transaction("写入数据库") as joined:
                yield joined

    @contextmanager
    def _sa_transaction(self, action: str) -> Iterator[Conn]:
        """A write transaction through SQLAlchemy (PostgreSQL; on SQLite, for Alembic:
        the pysqlite ``begin`` event makes it ``BEGIN IMMEDIATE``)."""
        conn = self._conn
        sa_conn = self._sa
        postgresql = conn.dialect == "postgresql"
        with self._translated(action):
            if sa_conn.in_transaction():
                sa_conn.rollback()
            if postgresql:
                sa_conn.execution_options(isolation_level="READ COMMITTED")
            try:
                sa_conn.info[WRITE] = True
                tx = sa_conn.begin()
                conn.in_transaction = True
                try:
                    yield conn
                except BaseException:
                    conn.in_transaction = False
                    if tx.is_active:
                        tx.rollback()
                    raise
                conn.in_transaction = False
                tx.commit()
            finally:
                if postgresql and not sa_conn.closed and not sa_conn.invalidated:
                    if sa_conn.in_transaction():
                        sa_conn.rollback()
                    sa_conn.execution_options(isolation_level="AUTOCOMMIT")

    def _query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self._translated("读取数据库"):
            return self._conn.execute(sql, params).fetchall()

    # -- migrations ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self._translated("读取数据库"):
            return _stored_version(self._conn)

    def _raw_sqlite(self, sql: str) -> None:
        """A statement on the SQLite connection outside any transaction (a pragma that
        is a no-op inside one)."""
        assert self._conn.sqlite is not None
        with self._translated("升级数据库"):
            self._conn.sqlite.execute(sql)

    def _mark(self) -> None:
        """Set drafter's ``application_id`` (new files, and files made before it existed)."""
        app_id = self._conn.execute("PRAGMA application_id").fetchone()
        if app_id is None or int(app_id["application_id"]) != APPLICATION_ID:
            with self.transaction() as conn:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _after_step(self, conn: Conn, version: int) -> None:
        """After each revision, in its transaction: references checked, ``schema_version``."""
        if conn.dialect == "sqlite":
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"数据库升级到结构版本 {version} 时发现 {len(broken)} 处失效的引用，"
                    f"已撤销本次升级：{self.location}",
                    hint="请保留该数据库并联系维护者；升级前的数据没有改动",
                    path=self.location,
                )
        name = {r.version: r.name for r in migrations.revisions()}[version]
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :name, :at)",
            {"v": version, "name": name, "at": utc_now()},
        )
        log.info("applied migration %04d_%s to %s", version, name, self.location)

    def migrate(self, target_version: int | None = None) -> int:
        """Bring the schema to ``target_version`` (default: the newest) in one write
        transaction; the resulting version. A database newer than this program is refused."""
        latest = migrations.head_version()
        target = latest if target_version is None else target_version
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"数据库结构版本 {current} 比当前程序支持的 {latest} 新：{self.location}",
                hint="请升级 drafter 后再打开这个数据库",
                path=self.location,
            )
        if self.dialect == "sqlite":
            with self._translated("升级数据库"):
                self._mark()
        if current >= target:
            return current
        sqlite = self.dialect == "sqlite"
        # SQLite: foreign keys off while migrating so a step may rebuild a referenced
        # table (the pragma is a no-op inside a transaction); each step checks them.
        if sqlite:
            self._raw_sqlite("PRAGMA foreign_keys = OFF")
        try:
            with self._sa_transaction("升级数据库") as conn:
                lock(conn, "drafter-migrate")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                # Re-read inside the write lock: another process may have migrated.
                current = _stored_version(conn)
                if current < target:
                    if current and not _has_table(conn, "alembic_version"):
                        migrations.stamp(
                            conn.connection, current
                        )  # made by a release before Alembic
                    migrations.upgrade(
                        conn.connection,
                        target,
                        on_step=lambda step: self._after_step(conn, int(step.up_revision_id or 0)),
                    )
        finally:
            if sqlite:
                self._raw_sqlite("PRAGMA foreign_keys = ON")
        return self.schema_version()


def _create_postgresql_database(url: sa.URL, location: str) -> None:
    """``CREATE DATABASE`` through the server's ``postgres`` database (needs the right)."""
    import psycopg

    name = url.database or ""
    admin = url.set(drivername="postgresql", database="postgres")
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name.replace(chr(34), chr(34) * 2)}"')
    except psycopg.errors.DuplicateDatabase:
        return  # another process created it first
    except psycopg.Error as exc:
        raise StoreError(
            f"数据库不存在，且无法自动创建：{location}（{str(exc).strip().splitlines()[0]}）",
            hint=f"请由数据库管理员创建：createdb {name}，或用 --db 指向已有的数据库",
            path=location,
        ) from exc
    log.info("created database %s", location)
