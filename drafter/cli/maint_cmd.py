"""Looking after the database file: ``drafter store check`` and ``drafter store backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import drafter
from drafter.cli._app import DbOpt, err, out, store_app


@store_app.command("check")
def check_command(db: DbOpt = None) -> None:
    """检查数据库是否完好（完整性检查、引用检查）；有问题时退出码为 1，并说明怎么办。"""
    result = drafter.check_database(db)
    if result.ok:
        out(f"数据库完好：{result.path}（{'、'.join(result.checked)}均通过）")
        return
    err(f"数据库有问题：{result.path}")
    for line in result.problems:
        err(line)
    if result.advice:
        err(f"怎么办：{result.advice}")
    raise typer.Exit(1)


@store_app.command("backup")
def backup_command(
    dest: Annotated[Path, typer.Argument(help="备份写到这个文件（例如 backup-2026-06-16.db）。")],
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="备份文件已存在时覆盖它。")] = False,
) -> None:
    """在线备份数据库（别人正在使用时也可以做），备份文件完整写好后才出现。"""
    path = drafter.backup_database(db, dest, force=force)
    out(f"已备份到 {path}")
    out(f"恢复：停止 drafter 后，把 {path} 复制为数据库文件（--db 或 DRAFTER_DB 所指的位置）")
