"""Numbered SQL migrations of the editorial database, and their loader.

Each ``NNNN_name.sql`` file here is one schema step, applied in order by
:meth:`drafter.store.database.Store.migrate` in its own transaction and recorded in the
``schema_version`` table. The files are package data, read through
:mod:`importlib.resources`, so an installed wheel carries them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from drafter.errors import StoreError

__all__ = ["Migration", "load_migrations"]

_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The script split into complete statements (trigger bodies kept whole)."""
        out: list[str] = []
        buf = ""
        for line in self.sql.splitlines(keepends=True):
            buf += line
            if sqlite3.complete_statement(buf):
                if _strip_sql_comments(buf):
                    out.append(buf.strip())
                buf = ""
        if _strip_sql_comments(buf):
            raise StoreError(
                f"迁移脚本 {self.version:04d}_{self.name}.sql 结尾有不完整的语句",
                hint="安装包损坏：请重新安装 drafter",
            )
        return out


def _strip_sql_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql).strip()


def load_migrations() -> list[Migration]:
    """The bundled migrations in version order (read from package data)."""
    found: list[Migration] = []
    for entry in resources.files("drafter.store.migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"迁移脚本编号不连续：{versions}", hint="安装包损坏：请重新安装 drafter")
    return found
