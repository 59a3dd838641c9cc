"""Looking after the database: an integrity check and an online backup.

On SQLite both work on the file directly and never migrate it: a backup taken before
an upgrade is of the database as it was. Neither creates a database that does not
exist, and neither touches another application's file. On PostgreSQL the check
connects and verifies what the server does not (schema at this program's version, the
event log's triggers, every reference resolving); backups are the administrator's
``pg_dump``, whose exact command line :func:`backup_database` gives.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import InputError, StoreError
from drafter.store._connection import (
    DEFAULT_TIMEOUT,
    check_drafter_file,
    connect_existing,
    missing_database_error,
    resolve_db,
)
from drafter.store._engine import display_url, parse_url

__all__ = ["DatabaseCheck", "backup_database", "check_database"]

_MAX_LISTED = 20

RESTORE_HINT = (
    "请停止正在使用该数据库的 drafter（包括 drafter serve），把损坏的文件改名保留，"
    "再把最近一次 drafter store backup 做的备份复制到原位置；没有备份时，可试用 "
    "sqlite3 原文件 '.recover' | sqlite3 新文件 抢救数据"
)


@dataclass
class DatabaseCheck:
    """What :func:`check_database` found: ``problems`` in Chinese, empty when all is well."""

    path: Path | str
    """The SQLite file, or the PostgreSQL URL without its password."""
    problems: list[str] = field(default_factory=list)
    advice: str = ""
    checked: list[str] = field(default_factory=list)
    """What was checked, in Chinese (for the report)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: str | Path | None = None) -> DatabaseCheck:
    """Run ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` on the database
    (PostgreSQL: :func:`drafter.store._pg_check.check_postgresql`).

    A missing file is an :class:`~drafter.errors.InputError`; another application's
    file a :class:`~drafter.errors.StoreError`; damage is reported, not raised.
    """
    target = resolve_db(db)
    if isinstance(target, str):
        from drafter.store._pg_check import check_postgresql

        location = display_url(parse_url(target))
        result = DatabaseCheck(path=location)
        result.checked, result.problems, result.advice = check_postgresql(target)
        return result
    path = target
    result = DatabaseCheck(path=path, checked=["完整性检查", "引用检查"])
    conn = connect_existing(path, timeout=DEFAULT_TIMEOUT)
    try:
        try:
            check_drafter_file(conn, path)
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            messages = [str(r[0]) for r in rows if str(r[0]) != "ok"]
            if messages:
                result.problems.append(f"完整性检查发现 {len(messages)} 处损坏：")
                result.problems.extend(f"  {m}" for m in messages[:_MAX_LISTED])
                if len(messages) > _MAX_LISTED:
                    result.problems.append(f"  ……另有 {len(messages) - _MAX_LISTED} 处")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            result.problems.append(f"无法读取数据库（{exc}）：文件已损坏，或不是 SQLite 数据库")
            result.advice = RESTORE_HINT
            return result
        if broken:
            result.problems.append(f"有 {len(broken)} 处失效的引用（被引用的记录不存在）：")
            for table, rowid, parent, _fk in broken[:_MAX_LISTED]:
                result.problems.append(f"  表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
            if len(broken) > _MAX_LISTED:
                result.problems.append(f"  ……另有 {len(broken) - _MAX_LISTED} 处")
        if result.problems:
            result.advice = RESTORE_HINT
    finally:
        conn.close()
    return result


def backup_database(db: str | Path | None, dest: str | Path, *, force: bool = False) -> Path:
    """Copy the database to ``dest`` with SQLite's online backup; returns ``dest``.

    Safe while others read and write (the backup is a consistent snapshot). The copy is
    written to a temporary file beside ``dest`` and renamed into place, so ``dest`` is
    never half-written; an existing ``dest`` is refused unless ``force``. The copy is a
    single self-contained file (rollback journal, not WAL).
    On PostgreSQL this is an :class:`~drafter.errors.InputError` giving the ``pg_dump``
    command line for the database (its administrator's tool, without the password).
    """
    resolved = resolve_db(db)
    if isinstance(resolved, str):
        raise _use_pg_dump(resolved, Path(dest).expanduser())
    path = resolved
    target = Path(dest).expanduser()
    if target.is_dir():
        raise InputError(f"{target} 是一个目录", hint="请给出备份文件的路径，例如 backup.db")
    if not target.parent.is_dir():
        raise InputError(
            f"备份文件所在的目录不存在：{target.parent}", hint="请先创建该目录，或换一个位置"
        )
    if not path.is_file():
        raise missing_database_error(path)
    if target.exists() and target.resolve() == path.resolve():
        raise InputError(f"备份文件不能是数据库本身：{target}", hint="请把备份写到另一个文件")
    if (target.exists() or target.is_symlink()) and not force:
        raise InputError(
            f"备份文件已存在：{target}",
            hint="换一个文件名，或加 --force 覆盖它",
            path=str(target),
        )
    src = connect_existing(path, timeout=DEFAULT_TIMEOUT)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        try:
            check_drafter_file(src, path)
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"备份失败：{path} → {target}（{exc}）",
                hint="请检查磁盘空间和写权限；数据库被长时间占用时稍后重试",
                path=str(path),
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"备份失败：{path} 已损坏或不是 SQLite 数据库（{exc}）",
                hint="先运行 drafter store check 查看问题",
                path=str(path),
            ) from exc
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(
                f"无法写入备份文件 {target}：{exc.strerror or exc}",
                hint="请检查目录的写权限和磁盘空间",
                path=str(target),
            ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return target


def _use_pg_dump(url: str, dest: Path) -> InputError:
    """The error that tells how to back up a PostgreSQL store: ``pg_dump``'s exact line."""
    where = display_url(parse_url(url))
    dump = f"pg_dump --format=custom --file={shlex.quote(str(dest))} {shlex.quote(where)}"
    restore = (
        f"pg_restore --clean --if-exists --dbname={shlex.quote(where)} {shlex.quote(str(dest))}"
    )
    return InputError(
        f"PostgreSQL 数据库请用 pg_dump 备份：{dump}",
        hint=f"密码请放在 PGPASSWORD 或 ~/.pgpass，不要写进命令行；恢复时停止 drafter 后运行：{restore}",
        command=dump,
    )
