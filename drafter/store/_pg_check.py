"""``drafter store check`` on PostgreSQL: what the server does not check for drafter.

PostgreSQL keeps its own pages consistent (``amcheck``/``pg_dump`` are the
administrator's); drafter checks that it can connect, that the schema is at this
program's version, that the event log's append-only triggers are there and enabled,
and that every reference resolves (a constraint added ``NOT VALID`` or a trigger
disabled during a restore can let a dangling one in). It never migrates.
"""

from __future__ import annotations

import sqlalchemy as sa

from drafter.errors import InputError, StoreError
from drafter.store import migrations
from drafter.store._connection import DEFAULT_TIMEOUT
from drafter.store._engine import display_url, engine_for_url, parse_url

__all__ = ["check_postgresql"]

_TRIGGERS = ("events_no_update", "events_no_delete")

PG_ADVICE = (
    "请停止所有 drafter 进程（包括 drafter serve 和 drafter worker），由数据库管理员用最近一次 "
    "pg_dump 备份恢复（pg_restore）；没有备份时请保留现状并联系维护者"
)


def _connect(url: str) -> sa.Connection:
    where = display_url(parse_url(url))
    try:
        return engine_for_url(parse_url(url), DEFAULT_TIMEOUT).connect()
    except sa.exc.DBAPIError as exc:
        text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "does not exist" in text:
            raise InputError(
                f"数据库不存在：{where}", hint="请检查 --db 或 DRAFTER_DB 是否写错", path=where
            ) from None
        raise StoreError(
            f"无法连接数据库：{where}（{text}）",
            hint="请确认 PostgreSQL 正在运行、主机和端口正确、允许本机连接；密码请放在 PGPASSWORD 或 ~/.pgpass",
            path=where,
        ) from None


def check_postgresql(url: str) -> tuple[list[str], list[str], str]:
    """(what was checked, problems found, advice) for the PostgreSQL store at ``url``."""
    checked = ["连接数据库"]
    problems: list[str] = []
    with _connect(url) as conn:
        insp = sa.inspect(conn)
        tables = set(insp.get_table_names())
        if "alembic_version" not in tables:
            where = display_url(parse_url(url))
            raise InputError(
                f"{where} 里没有 drafter 的数据（没有结构版本记录）",
                hint="请检查 --db 或 DRAFTER_DB 是否写错",
                path=where,
            )
        checked.append("结构版本")
        rev = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        head = migrations.head_version()
        version = int(rev) if rev and str(rev).isdigit() else None
        if version is None or version > head:
            problems.append(f"数据库结构版本 {rev} 比当前程序支持的 {head} 新：请升级 drafter")
        elif version < head:
            problems.append(
                f"数据库结构版本 {version} 低于当前程序的 {head}：下次由 drafter 以写入方式打开（如 drafter submit、drafter serve）时会自动升级"
            )
        checked.append("事件日志的只追加触发器")
        rows = conn.execute(
            sa.text(
                "SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relname = 'events' AND c.relnamespace = current_schema()::regnamespace"
            )
        ).mappings()
        triggers = {r["tgname"]: r["tgenabled"] for r in rows}
        for name in _TRIGGERS:
            if name not in triggers:
                problems.append(f"事件日志缺少触发器 {name}：历史记录可被改写")
            elif triggers[name] == "D":
                problems.append(f"事件日志的触发器 {name} 已被停用：历史记录可被改写")
        checked.append("引用检查")
        broken = 0
        lines: list[str] = []
        for table in sorted(tables):
            for fk in insp.get_foreign_keys(table):
                if len(fk["constrained_columns"]) != 1:
                    continue
                col, parent = fk["constrained_columns"][0], fk["referred_table"]
                ref = fk["referred_columns"][0]
                n = conn.execute(
                    sa.text(
                        f'SELECT COUNT(*) FROM "{table}" c WHERE c."{col}" IS NOT NULL AND NOT EXISTS'
                        f' (SELECT 1 FROM "{parent}" p WHERE p."{ref}" = c."{col}")'
                    )
                ).scalar()
                if n:
                    broken += int(n)
                    lines.append(f"  表 {table} 有 {n} 行的 {col} 引用的 {parent} 记录不存在")
        if broken:
            problems += [f"有 {broken} 处失效的引用（被引用的记录不存在）：", *lines]
    advice = PG_ADVICE if any(not p.startswith("数据库结构版本") for p in problems) else ""
    if problems and not advice:
        advice = "按上面的提示处理后重新运行 drafter store check"
    return checked, problems, advice
