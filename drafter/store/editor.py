"""The editor a person revises a draft in: ``$VISUAL``, else ``$EDITOR``."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

from drafter.errors import InputError

__all__ = ["EditFn", "editor_command", "run_editor"]

EditFn = Callable[[Path], None]
"""Let a person edit the file in place; the default opens ``$VISUAL`` / ``$EDITOR``."""


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, split like a shell would split it."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    try:
        argv = shlex.split(command or "")
    except ValueError as exc:  # an unbalanced quote
        raise InputError(
            f"无法解析编辑器命令：{command}（{exc}）", hint="请检查 VISUAL / EDITOR 环境变量"
        ) from exc
    if not argv:
        raise InputError(
            "没有设置编辑器",
            hint="请设置环境变量 VISUAL 或 EDITOR，例如 export EDITOR=nano",
        )
    return argv


def run_editor(path: Path) -> None:
    """Open the editor (:func:`editor_command`) on ``path`` and wait for it."""
    argv = [*editor_command(), str(path)]
    try:
        code = subprocess.call(argv)
    except OSError as exc:
        raise InputError(
            f"无法启动编辑器：{argv[0]}（{exc.strerror}）",
            hint="请检查 VISUAL / EDITOR 环境变量",
        ) from exc
    if code != 0:
        raise InputError(f"编辑器异常退出（退出码 {code}），本次修改未保存")
