"""Issue numbering continues across builds, resets the number in a new year, and persists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from drafter.errors import IssueError
from drafter.issue.numbering import (
    Numbering,
    data_dir,
    load_numbering,
    next_numbering,
    save_numbering,
    state_path,
)


def _build(date: dt.date, **overrides: int) -> Numbering:
    """What the CLI does for one build: continue from the state, then record."""
    numbering = next_numbering(date, load_numbering(), **overrides)
    save_numbering(numbering)
    return numbering


def test_state_lives_in_drafter_data_dir(isolated_env: Path) -> None:
    assert data_dir() == isolated_env / "drafter-data"
    _build(dt.date(2026, 5, 4))
    assert state_path().is_file()
    assert state_path().parent == isolated_env / "drafter-data"


def test_first_issue_without_history_is_number_one() -> None:
    n = next_numbering(dt.date(2026, 5, 4), None)
    assert (n.year, n.number, n.total) == (2026, 1, 1)


def test_three_builds_continue_from_the_override() -> None:
    first = _build(dt.date(2026, 5, 4), number=15, total=68)
    second = _build(dt.date(2026, 5, 11))
    third = _build(dt.date(2026, 5, 18))
    assert [(x.number, x.total) for x in (first, second, third)] == [(15, 68), (16, 69), (17, 70)]
    assert load_numbering() == third


def test_year_boundary_resets_number_and_keeps_total() -> None:
    _build(dt.date(2026, 12, 21), number=50, total=200)
    last_of_year = _build(dt.date(2026, 12, 28))
    first_of_year = _build(dt.date(2027, 1, 4))
    second_of_year = _build(dt.date(2027, 1, 11))
    assert (last_of_year.year, last_of_year.number, last_of_year.total) == (2026, 51, 201)
    assert (first_of_year.year, first_of_year.number, first_of_year.total) == (2027, 1, 202)
    assert (second_of_year.number, second_of_year.total) == (2, 203)


def test_rebuilding_the_same_date_keeps_its_numbers() -> None:
    _build(dt.date(2026, 5, 4), number=7, total=30)
    again = _build(dt.date(2026, 5, 4))
    assert (again.number, again.total) == (7, 30)
    assert _build(dt.date(2026, 5, 11)).number == 8


def test_flags_override_the_remembered_numbers() -> None:
    _build(dt.date(2026, 5, 4), number=7, total=30)
    n = next_numbering(dt.date(2026, 5, 11), load_numbering(), number=20)
    assert (n.number, n.total) == (20, 31)


def test_earlier_date_needs_explicit_numbers() -> None:
    _build(dt.date(2026, 5, 11), number=8, total=31)
    with pytest.raises(IssueError) as info:
        next_numbering(dt.date(2026, 5, 4), load_numbering())
    assert "--number" in (info.value.hint or "")
    n = next_numbering(dt.date(2026, 5, 4), load_numbering(), number=7, total=30)
    assert (n.number, n.total) == (7, 30)


def test_non_positive_numbers_are_refused() -> None:
    with pytest.raises(IssueError):
        next_numbering(dt.date(2026, 5, 4), None, number=0)


@pytest.mark.parametrize("content", ["{not json", json.dumps({"year": 2026}), "[]"])
def test_corrupt_state_is_a_clear_error(content: str) -> None:
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text(content, encoding="utf-8")
    with pytest.raises(IssueError) as info:
        load_numbering()
    assert "损坏" in info.value.message


def test_unwritable_data_dir_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("DRAFTER_DATA_DIR", str(blocker / "sub"))
    with pytest.raises(IssueError) as info:
        save_numbering(next_numbering(dt.date(2026, 5, 4), None))
    assert "DRAFTER_DATA_DIR" in (info.value.hint or "")
