"""End to end in a real headless Chromium (Debian's package, driven by Playwright).

A contributor logs in, pastes a report, previews and submits; an editor edits, accepts,
makes it the lead of a new issue, downloads the .docx (read back with python-docx) and
publishes; the contributor sees the outcome. Every page is screenshotted (into
``$NEWSROOM_SCREENSHOTS`` when set, else the test's temporary directory).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from browser import MARKS, chromium, login, screenshots_dir, serving

import drafter
from drafter.web import create_app

pytestmark = MARKS

PASSWORD = "correct horse 1"
TEXT = (
    "北京抗癌协会“癌症早筛进社区”活动简报\n\n"
    "2026年5月8日上午，北京抗癌协会在朝阳区潘家园街道举办“癌症早筛进社区”科普讲座，"
    "200余名居民参加。协会副理事长王明研究员介绍了常见癌症的早期信号和筛查方法，"
    "现场发放科普手册500余册，并为60名居民提供了免费咨询。"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "e2e.db"
    with drafter.Store(db) as store:
        drafter.add_account(store, "baosong", PASSWORD, role="contributor", orgs=["北京抗癌协会"])
        drafter.add_account(store, "bianji", PASSWORD, role="editor")
    with serving(create_app(db)) as base:
        yield base, db


def test_contributor_to_published_issue(server: tuple[str, Path], tmp_path: Path) -> None:
    base, db = server
    shots = screenshots_dir(tmp_path)
    with chromium() as browser:
        _run(browser, base, db, shots, tmp_path)
    assert len(list(shots.glob("*.png"))) >= 8


def _login(browser: Any, base: str, name: str) -> Any:
    return login(browser, base, name, PASSWORD)


def _run(browser: Any, base: str, db: Path, shots: Path, tmp: Path) -> None:
    # The contributor: paste, preview, submit.
    c = _login(browser, base, "baosong")
    c.wait_for_url(f"{base}/submit")
    c.fill("textarea[name=text]", TEXT)
    c.wait_for_selector("#preview[data-live='1']")  # the live preview, from our own script
    c.click("button[value=preview]")
    c.wait_for_selector("#preview")
    assert "潘家园" in c.inner_text("#preview")
    c.screenshot(path=str(shots / "01-contributor-preview.png"), full_page=True)
    c.click("button[value=submit]")
    c.wait_for_url(f"{base}/mine/*")
    draft_id = int(c.url.rsplit("/", 1)[1])
    # The server's in-process worker drafts it in the background; the page reloads itself.
    deadline = time.monotonic() + 20
    while "已完成" not in c.inner_text("main"):
        assert time.monotonic() < deadline, "the background draft never finished"
        time.sleep(0.5)
    c.screenshot(path=str(shots / "02-contributor-submitted.png"), full_page=True)

    # The editor: queue, review, edit, accept.
    e = _login(browser, base, "bianji")
    e.wait_for_url(f"{base}/queue")
    e.screenshot(path=str(shots / "03-editor-queue.png"), full_page=True)
    e.click(f"a[href='/review/{draft_id}'] >> nth=1")
    e.wait_for_url(f"{base}/review/{draft_id}")
    # Pointing at a fact in the draft highlights it in the source too (our script, under CSP).
    fact = e.locator(".draft mark.fact[data-fact]").first
    fact.hover()
    linked = e.locator(f".source mark.fact[data-fact='{fact.get_attribute('data-fact')}']").first
    assert "linked" in (linked.get_attribute("class") or "")
    e.screenshot(path=str(shots / "04-editor-review.png"), full_page=True)
    if not e.is_visible("textarea[name=text]"):
        e.click("summary:has-text('修改')")
    md = e.input_value("textarea[name=text]")
    lines = md.splitlines()
    lines[0] = lines[0].split(" ", 1)[0] + " 北京抗癌协会举办癌症早筛科普讲座"
    e.fill("textarea[name=text]", "\n".join(lines))
    e.click("button:has-text('保存修改')")
    e.wait_for_selector("text=编辑修改稿")
    with drafter.Store(db) as store:
        errors = store.get_draft(draft_id).current_errors
    if errors:
        e.fill(".decide input[name=why]", "已与原文核对")
    e.fill(".decide textarea[name=note]", "标题改得更简洁")  # a changed text is explained
    e.click("button:has-text('采用')")
    e.wait_for_selector(".st-accepted")

    # The issue desk: new issue, lead, download the .docx, publish.
    e.click("a:has-text('组刊')")
    e.click("button:has-text('新建一期')")
    e.wait_for_url(f"{base}/issues/*")
    e.click("button:has-text('设为头条')")
    e.wait_for_selector("button:has-text('取消头条')")
    e.screenshot(path=str(shots / "05-editor-issue-desk.png"), full_page=True)
    issue_url = e.url
    preview = e.context.new_page()
    preview.goto(f"{issue_url}/preview")
    preview.screenshot(path=str(shots / "06-issue-preview.png"), full_page=True)
    preview.close()
    with e.expect_download() as info:
        e.click("a:has-text('下载 .docx')")
    saved = tmp / "issue.docx"
    info.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "癌症早筛科普讲座" in text
    e.click("button:has-text('刊发本期')")
    e.wait_for_selector("text=已刊发")
    e.screenshot(path=str(shots / "07-editor-published.png"), full_page=True)

    # The contributor sees the outcome, the editor's change marked.
    c.goto(f"{base}/mine/{draft_id}")
    assert "已刊发" in c.inner_text("main")
    assert c.locator("ins").count() > 0
    c.screenshot(path=str(shots / "08-contributor-outcome.png"), full_page=True)
    c.goto(f"{base}/mine")
    c.screenshot(path=str(shots / "09-contributor-mine.png"), full_page=True)


# Six weeks of decided drafts by two prompt versions, so the stats charts have lines.
HISTORY_WEEKS = 6


def _seed_history(db: Path) -> None:
    profile = drafter.load_profile()
    with drafter.Store(db) as store:
        drafter.add_account(store, "bianji", PASSWORD, role="editor")
        drafter.add_account(store, "guanli", PASSWORD, role="admin")
        monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
        for week in range(HISTORY_WEEKS):
            for k, org in enumerate(("北京抗癌协会", "北京市朝阳区科学技术协会", "北京气象学会")):
                text = TEXT.replace("北京抗癌协会", org).replace("200", str(200 + week * 10 + k))
                report = drafter.report_from_text(text, org=org, profile=profile)
                draft = drafter.submit_report(store, report, profile=profile, model="offline")
                draft_id = draft.draft.id
                created = monday - dt.timedelta(weeks=HISTORY_WEEKS - week) + dt.timedelta(days=k)
                with store.transaction() as conn:
                    conn.execute(
                        "UPDATE drafts SET engine = 'model', model = 'qwen2.5-7b',"
                        " prompt_id = 'brief', prompt_version = :v, created_at = :t"
                        " WHERE id = :id",
                        {
                            "v": "3" if week < 3 else "4",
                            "t": f"{created.isoformat()}T04:00:00+00:00",
                            "id": draft_id,
                        },
                    )
                with drafter.acting_as("bianji"):
                    if (week + k) % 3 == 0:  # the editor shortens the first paragraph
                        brief = store.get_draft(draft_id).current_brief
                        assert brief is not None
                        md = drafter.render_brief_md(brief)
                        drafter.revise_text(
                            store, draft_id, md.replace("，并为60名居民提供了免费咨询", "")
                        )
                    if (week + k) % 4 == 3:
                        drafter.reject(store, draft_id, "与本刊无关")
                    else:
                        drafter.accept(store, draft_id, force=True, why="已核对")


def test_stats_charts_and_the_account_page(tmp_path: Path) -> None:
    """The editor's weekly charts render as SVG; the admin adds an account in the browser."""
    db = tmp_path / "history.db"
    _seed_history(db)
    shots = screenshots_dir(tmp_path)
    with serving(create_app(db)) as base, chromium() as browser:
        e = _login(browser, base, "bianji")
        e.wait_for_url(f"{base}/queue")
        e.goto(f"{base}/stats")
        charts = e.locator("svg.line-chart")
        assert charts.count() == 4
        assert charts.first.bounding_box()["width"] > 300  # drawn, not collapsed
        assert e.locator("svg.line-chart polyline").count() >= 4
        assert "qwen2.5-7b · brief@4" in e.inner_text(".charts >> nth=1")
        e.screenshot(path=str(shots / "10-editor-stats.png"), full_page=True)
        a = _login(browser, base, "guanli")
        a.wait_for_url(f"{base}/queue")
        a.click("a:has-text('账号管理')")
        a.wait_for_url(f"{base}/admin/accounts")
        a.fill(".add-account input[name=name]", "zhangsan")
        a.fill(".add-account textarea[name=orgs]", "北京抗癌协会\n北京市医学会")
        a.click(".add-account button:has-text('新建')")
        a.wait_for_selector("text=已新建账号 zhangsan")
        assert "zhangsan 的初始密码" in a.inner_text("main")
        assert "北京抗癌协会、北京市医学会" in a.inner_text("tr[data-account=zhangsan]")
        a.screenshot(path=str(shots / "11-admin-accounts.png"), full_page=True)
    with drafter.Store(db) as store:
        assert drafter.get_account(store, "zhangsan").orgs == ("北京抗癌协会", "北京市医学会")
