"""Issue numbering: the number within the year and the running total, remembered.

The last issue built is kept as a small JSON file in the user's data directory
(``DRAFTER_DATA_DIR`` if set, else the platform's user data directory). The next
issue continues from it: the number within the year goes up by one and starts
again at 1 in a new year; the running total always goes up by one. Rebuilding the
issue of the same date reuses its numbers, so an editor who fixes a brief and
builds again does not skip a number. Flags override everything.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import IssueError
from drafter.text.files import write_atomic

__all__ = [
    "STATE_FILE",
    "Numbering",
    "data_dir",
    "load_numbering",
    "next_numbering",
    "save_numbering",
    "state_path",
]

log = logging.getLogger(__name__)

STATE_FILE = "issue-numbering.json"


@dataclass(frozen=True)
class Numbering:
    """One issue's place in the series."""

    year: int
    number: int
    total: int
    date: dt.date


def data_dir() -> Path:
    """The user's drafter data directory (``DRAFTER_DATA_DIR`` wins)."""
    override = os.environ.get("DRAFTER_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("drafter", appauthor=False))


def state_path() -> Path:
    return data_dir() / STATE_FILE


def load_numbering(path: Path | None = None) -> Numbering | None:
    """The last issue recorded, or None when no issue has been built yet."""
    p = path or state_path()
    if not p.is_file():
        return None
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        return Numbering(
            year=int(raw["year"]),
            number=int(raw["number"]),
            total=int(raw["total"]),
            date=dt.date.fromisoformat(str(raw["date"])),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise IssueError(
            f"期号记录文件已损坏：{p}（{exc}）",
            hint="删除该文件，并用 --number 和 --total 指定本期期号",
            path=str(p),
        ) from exc


def next_numbering(
    date: dt.date,
    last: Numbering | None,
    *,
    number: int | None = None,
    total: int | None = None,
) -> Numbering:
    """The numbers of the issue dated ``date`` that follows ``last``.

    Explicit ``number`` / ``total`` win. With no history the first issue is 第1期,
    总第1期 (or 总第N期 where N = ``number`` when only the number is given).
    """
    for name, value in (("--number", number), ("--total", total)):
        if value is not None and value < 1:
            raise IssueError(f"{name} 必须是正整数，收到 {value}", hint="期号从 1 开始")
    if last is None:
        n = number or 1
        return Numbering(year=date.year, number=n, total=total or n, date=date)
    if date == last.date:
        # The same issue built again: keep its numbers.
        return Numbering(
            year=date.year, number=number or last.number, total=total or last.total, date=date
        )
    if date < last.date and (number is None or total is None):
        raise IssueError(
            f"本期日期 {date.isoformat()} 早于上一期（{last.date.isoformat()}，"
            f"{last.year}年第{last.number}期），无法自动续编期号",
            hint="请用 --number 和 --total 指定本期期号",
        )
    auto_number = last.number + 1 if date.year == last.year else 1
    return Numbering(
        year=date.year,
        number=number or auto_number,
        total=total or last.total + 1,
        date=date,
    )


def save_numbering(numbering: Numbering, path: Path | None = None) -> Path:
    """Remember ``numbering`` as the last issue built (atomic write)."""
    p = path or state_path()
    try:
        _write_state(p, numbering)
    except OSError as exc:
        raise IssueError(
            f"无法记录期号：{p}（{exc.strerror or exc}）",
            hint="请检查该目录的写权限，或用环境变量 DRAFTER_DATA_DIR 指定数据目录",
            path=str(p),
        ) from exc
    return p


def _write_state(p: Path, numbering: Numbering) -> None:
    payload = {
        "year": numbering.year,
        "number": numbering.number,
        "total": numbering.total,
        "date": numbering.date.isoformat(),
    }
    write_atomic(p, json.dumps(payload, ensure_ascii=False, indent=2))
    log.info("recorded issue numbering %s in %s", payload, p)
