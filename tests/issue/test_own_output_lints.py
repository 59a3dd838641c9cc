"""Own output lints clean and parses back: rendered .md and .txt issues, demo and reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.issue import parse_issue, render
from drafter.profile import Profile
from drafter.samples.demo import run_demo
from drafter.schemas import Issue
from drafter.style import fix, lint


def _errors(text: str, profile: Profile) -> list[str]:
    return [f"{f.rule} {f.excerpt}" for f in lint(text, profile) if f.severity == "error"]


def _rendered(issue: Issue, fmt: str, profile: Profile) -> str:
    out = render(issue, fmt, profile=profile)
    assert isinstance(out, str)
    return out


@pytest.fixture(scope="module")
def demo_issue(tmp_path_factory: pytest.TempPathFactory) -> Issue:
    return run_demo(tmp_path_factory.mktemp("demo")).issue


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_demo_issue_lints_clean(demo_issue: Issue, profile: Profile, fmt: str) -> None:
    text = _rendered(demo_issue, fmt, profile)
    assert _errors(text, profile) == []
    assert fix(text, profile).changes == []


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_reference_round_trip_lints_clean(
    reference_issue: str, profile: Profile, fmt: str
) -> None:
    text = _rendered(parse_issue(reference_issue, profile=profile), fmt, profile)
    assert _errors(text, profile) == []
    assert fix(text, profile).changes == []
    again = _rendered(parse_issue(text, profile=profile), fmt, profile)
    assert again == text


def test_txt_layout_is_read_as_layout(built_issue: Issue, profile: Profile) -> None:
    """Two ideographic spaces begin a paragraph; ─ lines are rules; the first headline after
    目录提要 and after each section title is a headline."""
    text = _rendered(built_issue, "txt", profile)
    assert "\n\u3000\u3000" in text and "─" * 10 in text
    rules = {f.rule for f in lint(text, profile)}
    assert not rules & {"space.extra", "headline.missing", "break.sentence", "markup.markdown"}
    # The indent is layout, not text: a stray space after it is still found.
    para = built_issue.leads[0].paragraphs[0]
    damaged = text.replace(f"\u3000\u3000{para}", f"\u3000\u3000 {para}", 1)
    assert damaged != text
    assert "space.extra" in {f.rule for f in lint(damaged, profile)}


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_spaces_that_belong_to_the_text_survive_parsing(
    built_issue: Issue, profile: Profile, fmt: str
) -> None:
    slogan = "“阳光心态 健康成长”"
    title = "《关于加快绿化建设 推进城市更新的意见》"
    first = built_issue.leads[0]
    lead = first.model_copy(
        update={
            "headline": f"市科协举办{slogan}主题活动",
            "paragraphs": [f"会议以{slogan}为主题，解读了{title}。", *first.paragraphs],
        }
    )
    issue = built_issue.model_copy(update={"leads": [lead, *built_issue.leads[1:]]})
    text = _rendered(issue, fmt, profile)
    parsed = parse_issue(text, profile=profile)
    assert parsed.leads[0].headline == lead.headline
    assert parsed.leads[0].paragraphs[0] == lead.paragraphs[0]
    assert _rendered(parsed, fmt, profile) == text
    assert _errors(text, profile) == []


def test_demo_files_on_disk_lint_clean(profile: Profile, tmp_path: Path) -> None:
    run_demo(tmp_path)
    for name in ("issue.md", "issue.txt"):
        assert _errors((tmp_path / name).read_text(encoding="utf-8"), profile) == []
