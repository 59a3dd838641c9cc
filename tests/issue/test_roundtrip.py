"""parse → render .md → parse gives the same Issue; render is a fixed point after one cycle."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drafter.issue import parse_issue, render
from drafter.profile import Profile
from drafter.schemas import Issue

Strip = Callable[[Issue], dict[str, object]]


def _cycle(text: str, profile: Profile, strip_source: Strip, fmt: str = "md") -> None:
    first = parse_issue(text, profile=profile, source_file="input")
    rendered = render(first, fmt, profile=profile)
    assert isinstance(rendered, str)
    second = parse_issue(rendered, profile=profile)
    assert strip_source(second) == strip_source(first)
    assert render(second, fmt, profile=profile) == rendered


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_reference_round_trip(
    reference_issue: str, profile: Profile, fmt: str, strip_source: Strip
) -> None:
    _cycle(reference_issue, profile, strip_source, fmt)


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_damaged_fixture_round_trip(
    damaged_issue: str, profile: Profile, fmt: str, strip_source: Strip
) -> None:
    _cycle(damaged_issue, profile, strip_source, fmt)


def test_built_issue_round_trip(built_issue: Issue, profile: Profile, strip_source: Strip) -> None:
    md = render(built_issue, "md", profile=profile)
    assert isinstance(md, str)
    _cycle(md, profile, strip_source)
    parsed = parse_issue(md, profile=profile)
    assert [b.headline for b in parsed.briefs()] == [b.headline for b in built_issue.briefs()]
    assert [b.paragraphs for b in parsed.briefs()] == [b.paragraphs for b in built_issue.briefs()]
    assert parsed.masthead == built_issue.masthead
