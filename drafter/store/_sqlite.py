"""What only a SQLite store has: its file, opened without creating it, and drafter's mark on it.

drafter's files carry ``PRAGMA application_id`` = :data:`APPLICATION_ID`; a file that
belongs to another application (another id, or tables without drafter's
``schema_version``) is refused rather than given drafter's tables. Databases made
before the id was set are recognised by their ``schema_version`` table and get the id
when next opened. These work on a plain :mod:`sqlite3` connection, so
:mod:`drafter.store.maintenance` can check and back up a file without migrating it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from drafter.errors import InputError, StoreError

__all__ = [
    "APPLICATION_ID",
    "check_drafter_file",
    "connect_existing",
    "missing_database_error",
]

APPLICATION_ID = int.from_bytes(b"DRFT", "big")
"""``PRAGMA application_id`` of drafter's databases (0x44524654, "DRFT")."""


def missing_database_error(path: Path | str) -> InputError:
    """The error of a command that needs an existing database and finds none at ``path``."""
    return InputError(
        f"数据库文件不存在：{path}",
        hint="请检查 --db 或环境变量 DRAFTER_DB 是否写错；还没有数据库时，"
        "先用 drafter submit 收一篇稿（会自动创建数据库）",
        path=str(path),
    )


def connect_existing(path: Path, *, timeout: float) -> sqlite3.Connection:
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
