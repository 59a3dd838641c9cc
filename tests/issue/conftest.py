"""Fixtures for the issue tests: brief files written in house style, and an issue built from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.brieftext import parse_brief
from drafter.profile import Profile
from drafter.schemas import Brief, Issue

FIXTURES = Path(__file__).parent / "fixtures"
BRIEF_FILES = sorted((FIXTURES / "briefs").glob("*.md"))
ISSUE_DATE = dt.date(2026, 5, 18)


def _strip_source(issue: Issue) -> dict[str, object]:
    """The issue as data, without the provenance that names the input file."""
    data = issue.model_dump(mode="json")
    for brief in data["leads"]:
        brief["provenance"]["source_file"] = None
    for section in data["sections"]:
        for brief in section["briefs"]:
            brief["provenance"]["source_file"] = None
    return data


@pytest.fixture
def strip_source() -> Callable[[Issue], dict[str, object]]:
    """Compare issues without the provenance that names the input file."""
    return _strip_source


@pytest.fixture
def brief_files() -> list[Path]:
    return list(BRIEF_FILES)


@pytest.fixture
def fixture_briefs(profile: Profile) -> list[Brief]:
    return [
        parse_brief(p.read_text(encoding="utf-8"), profile=profile, source_file=str(p))
        for p in BRIEF_FILES
    ]


@pytest.fixture
def built_issue(fixture_briefs: list[Brief], profile: Profile) -> Issue:
    from drafter.issue import build_issue

    return build_issue(
        fixture_briefs,
        profile=profile,
        date=ISSUE_DATE,
        number=19,
        total=152,
        editor="林晓",
        reviewer="高远",
    )


@pytest.fixture
def damaged_issue() -> str:
    return (FIXTURES / "damaged_issue.md").read_text(encoding="utf-8")
