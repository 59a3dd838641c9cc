"""The HTML preview: well-formed, escaped, every part of the issue present."""

from __future__ import annotations

from html.parser import HTMLParser

from drafter.issue import render
from drafter.profile import Profile
from drafter.schemas import Issue


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"meta", "br"}:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.unbalanced.append(tag)

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.texts.setdefault(self.stack[-1], []).append(data)


def _parse(issue: Issue, profile: Profile) -> _Collector:
    text = render(issue, "html", profile=profile)
    assert isinstance(text, str) and text.startswith("<!DOCTYPE html>")
    collector = _Collector()
    collector.feed(text)
    return collector


def test_structure(built_issue: Issue, profile: Profile) -> None:
    c = _parse(built_issue, profile)
    assert c.unbalanced == [] and c.stack == []
    assert c.texts["h1"] == [built_issue.masthead.name]
    assert c.texts["li"] == built_issue.toc
    assert c.texts["h3"] == [b.headline for s in built_issue.sections for b in s.briefs]
    assert [b.headline for b in built_issue.leads] == [
        t for t in c.texts["h2"] if t not in {"目录提要", *(s.title for s in built_issue.sections)}
    ]


def test_text_is_escaped(built_issue: Issue, profile: Profile) -> None:
    lead = built_issue.leads[0]
    hostile = lead.model_copy(update={"headline": "<script>alert(1)</script>标题"})
    issue = built_issue.model_copy(update={"leads": [hostile]})
    text = render(issue, "html", profile=profile)
    assert isinstance(text, str)
    assert "<script>" not in text and "&lt;script&gt;" in text
