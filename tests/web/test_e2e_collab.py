"""Working together, end to end in a real headless Chromium (Debian's, driven by Playwright).

Two editors open one draft: the second sees the lock, takes it over, and the first
editor's unsaved text (reported by our script's heartbeat) is kept as a copy they are
told about. The contributor sees the decision, the note and the diff; logging out in
one browser ends that session, so its replayed cookie is refused. Screenshots go to
``$NEWSROOM_SCREENSHOTS`` when set, else the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import MARKS, chromium, login, screenshots_dir, serving

import drafter
from drafter.web import create_app

pytestmark = MARKS

PASSWORD = "correct horse 1"
ORG = "北京抗癌协会"
TEXT = (
    "2026年5月8日上午，北京抗癌协会在朝阳区潘家园街道举办“癌症早筛进社区”科普讲座，"
    "200余名居民参加。协会副理事长王明研究员介绍了常见癌症的早期信号和筛查方法，"
    "现场发放科普手册500余册。"
)
UNSAVED = "（张编辑尚未保存的一句：讲座后还开展了义诊）"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    db = tmp_path / "e2e.db"
    profile = drafter.load_profile()
    with drafter.Store(db) as store:
        drafter.add_account(store, "baosong", PASSWORD, role="contributor", orgs=[ORG])
        drafter.add_account(store, "zhang", PASSWORD, role="editor")
        drafter.add_account(store, "li", PASSWORD, role="editor")
        report = drafter.report_from_text(TEXT, org=ORG, profile=profile)
        with drafter.acting_as("baosong"):
            draft_id = drafter.submit_report(
                store, report, profile=profile, model="offline"
            ).draft.id
    app = create_app(db, profile=profile, workers=0, outbox_interval=0.2)
    with serving(app) as base:
        yield base, db, draft_id


def _login(browser: Any, base: str, name: str) -> Any:
    page = login(browser, base, name, PASSWORD, height=900)
    page.wait_for_load_state()
    return page


def test_two_editors_takeover_decision_and_logout(
    server: tuple[str, Path, int], tmp_path: Path
) -> None:
    base, db, draft_id = server
    shots = screenshots_dir(tmp_path)
    with chromium() as browser:
        _run(browser, base, db, draft_id, shots)


def _run(browser: Any, base: str, db: Path, draft_id: int, shots: Path) -> None:
    review = f"{base}/review/{draft_id}"
    # Editor 张 opens the draft and types without saving; our script reports the text.
    zhang = _login(browser, base, "zhang")
    zhang.goto(review)
    assert zhang.is_visible("#lock-mine")
    if not zhang.is_visible("textarea[name=text]"):
        zhang.click("summary:has-text('修改')")
    with zhang.expect_response(lambda r: r.url.endswith("/heartbeat") and r.ok):
        zhang.type("textarea[name=text]", UNSAVED)
    with drafter.Store(db) as store:
        assert drafter.current_lock(store, draft_id).holder == "zhang"  # type: ignore[union-attr]

    # Editor 李 opens the same draft: the lock is shown, reading only.
    li = _login(browser, base, "li")
    li.goto(review)
    banner = li.inner_text("#lock-banner")
    assert "zhang 正在编辑（" in banner and "起）" in banner
    assert li.locator("textarea[name=text]").count() == 0
    li.screenshot(path=str(shots / "collab-lock.png"), full_page=True)

    # 李 takes over, edits, and accepts with a note to the contributor.
    li.click("button:has-text('接手编辑')")
    li.wait_for_selector("#lock-mine")
    if not li.is_visible("textarea[name=text]"):
        li.click("summary:has-text('修改')")
    md = li.input_value("textarea[name=text]")
    # A changed headline, a paragraph split in two, a clause removed.
    edited = md.replace("举办", "组织举办", 1).replace("居民参加。", "居民参加。\n\n", 1)
    li.fill("textarea[name=text]", edited.replace("，现场发放科普手册500余册。", "。", 1))
    li.click("button:has-text('保存修改')")
    li.wait_for_selector("text=编辑修改稿")
    assert "将通知：baosong" in li.inner_text(".decide")
    li.fill(
        ".decide textarea[name=note]", "“举办”改为“组织举办”，分为两段，删去发放册数，更合本刊体例"
    )
    with drafter.Store(db) as store:
        if store.get_draft(draft_id).current_errors:
            li.fill(".decide input[name=why]", "已与原文核对")
    li.click("button:has-text('采用')")
    li.wait_for_selector(".st-accepted")

    # 张 is told on the next page, and the unsaved text is there as a copy.
    zhang.goto(f"{base}/queue")
    notice = zhang.inner_text(".notice")
    assert "li 接手了稿件" in notice
    zhang.click(".notice a:has-text('查看副本')")
    assert UNSAVED in zhang.inner_text("main")

    # The contributor sees the decision, the note and the diff.
    c = _login(browser, base, "baosong")
    c.goto(f"{base}/mine/{draft_id}")
    main = c.inner_text("main")
    assert "已采用" in main and "更合本刊体例" in main
    assert c.locator(".diff ins").count() > 0 and c.locator(".diff del").count() > 0
    # As the brief reads: the headline apart, each paragraph, the attribution last.
    assert c.locator("#final-text h3.headline").count() == 1
    assert c.inner_text("#final-text h3.headline ins") == "组织"  # the word, not the line
    assert c.locator("#final-text p:not(.attribution)").count() == 2
    assert "现场发放科普手册500余册" in c.inner_text("#final-text p del")
    assert c.inner_text("#final-text p:last-child") == f"（{ORG}）"
    c.screenshot(path=str(shots / "collab-contributor-decision.png"), full_page=True)

    # Logout ends the session: the same cookie, replayed in a fresh browser, is refused.
    cookies = c.context.cookies()
    assert any(k["name"] == "drafter_session" for k in cookies)
    c.click("button:has-text('退出')")
    c.wait_for_url(f"{base}/login*")
    replay = browser.new_context(locale="zh-CN")
    replay.add_cookies(cookies)
    page = replay.new_page()
    page.goto(f"{base}/mine/{draft_id}")
    assert "/login" in page.url and "更合本刊体例" not in page.inner_text("body")
    replay.close()
