"""The issue desk page: status shown, each brief's organization, reorder by ↑/↓, frozen once published."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

import drafter
from tests.web.conftest import REPORT

Client = Callable[[str | None], TestClient]


def _issue_with_two_briefs(newsroom: dict[str, Any]) -> tuple[int, str, list[int]]:
    """Both contributors' drafts accepted, plus a third, in one draft issue."""
    profile = drafter.load_profile()
    with drafter.Store(newsroom["db"]) as store, drafter.acting_as("e1"):
        org = "北京抗癌协会"
        text = REPORT.format(org=org).replace("200", "300")
        report = drafter.report_from_text(text, org=org, profile=profile)
        third = drafter.submit_report(store, report, profile=profile, model="offline").draft.id
        for draft_id in (*newsroom["drafts"].values(), third):
            drafter.accept(store, draft_id, force=True, why="测试")
        record = drafter.new_issue(store, profile=profile, date=dt.date(2026, 5, 15), editor="e1")
    section, ids = next((k, v) for k, v in record.layout.items() if len(v) >= 2)
    return record.id, section, ids


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_arrows_reorder_a_section(client_for: Client, newsroom: dict[str, Any]) -> None:
    issue_id, section, ids = _issue_with_two_briefs(newsroom)
    e1 = client_for("e1")
    page = e1.get(f"/issues/{issue_id}").text
    assert "草稿" in page and "刊发本期" in page
    first = page.split(f'<li data-draft="{ids[0]}">', 1)[1].split("</li>", 1)[0]
    second = page.split(f'<li data-draft="{ids[1]}">', 1)[1].split("</li>", 1)[0]
    assert 'aria-label="下移"' in first and 'aria-label="上移"' not in first
    assert 'aria-label="上移"' in second
    assert "北京" in first  # the sender is named beside the headline
    r = e1.post(
        f"/issues/{issue_id}/move",
        data={"csrf": _csrf(page), "draft_id": str(ids[1]), "section": section, "position": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with drafter.Store(newsroom["db"]) as store:
        layout = drafter.get_issue(store, issue_id).layout
    assert layout[section][:2] == [ids[1], ids[0]]


def test_the_issue_list_shows_status_and_a_published_issue_is_frozen(
    client_for: Client, newsroom: dict[str, Any]
) -> None:
    issue_id, _section, _ids = _issue_with_two_briefs(newsroom)
    e1 = client_for("e1")
    listing = e1.get("/issues").text
    row = listing.split(f'href="/issues/{issue_id}"', 1)[1].split("</tr>", 1)[0]
    assert "草稿" in row and "已刊发" not in row
    with drafter.Store(newsroom["db"]) as store, drafter.acting_as("e1"):
        drafter.publish_issue(store, issue_id, profile=drafter.load_profile())
    row = e1.get("/issues").text.split(f'href="/issues/{issue_id}"', 1)[1].split("</tr>", 1)[0]
    assert "已刊发" in row
    desk = e1.get(f"/issues/{issue_id}").text
    assert "已刊发" in desk and "刊发本期" not in desk and "/move" not in desk
