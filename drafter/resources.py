"""Where drafter's data lives: bundled in the wheel, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from drafter.errors import DrafterError

__all__ = ["DataDir", "data_dir"]

DataDir = Literal["prompts", "schemas", "evals"]

_PKG = Path(__file__).resolve().parent


def data_dir(name: DataDir) -> Path:
    """The directory holding ``prompts/``, ``schemas/`` or ``evals/``.

    A built wheel carries them under ``drafter/_data/``; an editable install or a
    checkout reads them from the repository's top level.
    """
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise DrafterError(
        f"找不到数据目录 {name}/",
        hint="安装包不完整：请重新安装 drafter（pip install --force-reinstall drafter）",
        name=name,
    )
