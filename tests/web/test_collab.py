"""Working together in the newsroom: locks and takeovers, notes, checklists, notifications,
sessions that end when they should, and a mail server that never slows a request."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import drafter
from drafter.web import create_app
from drafter.web.auth import COOKIE

Client = Callable[[str | None], TestClient]


def _ids(newsroom: dict[str, object]) -> dict[str, int]:
    drafts = newsroom["drafts"]
    assert isinstance(drafts, dict)
    return drafts


def _db(newsroom: dict[str, object]) -> str | Path:
    db = newsroom["db"]
    assert isinstance(db, str | Path)
    return db


def _version(html: str) -> str:
    import re

    match = re.search(r'name="version" value="(\d+)"', html)
    assert match
    return match.group(1)


def _edited(client: TestClient, draft_id: int) -> str:
    import re
    from html import unescape

    page = client.get(f"/review/{draft_id}").text
    match = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "the holder sees the edit form"
    return unescape(match.group(1)).replace("举办", "组织举办")


def test_second_editor_sees_the_lock_reads_but_cannot_save(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1, a1 = client_for("e1"), client_for("a1")
    mine = e1.get(f"/review/{draft_id}")
    assert 'id="lock-mine"' in mine.text and 'name="text"' in mine.text
    other = a1.get(f"/review/{draft_id}")
    assert other.status_code == 200
    assert "e1 正在编辑（" in other.text and " 起）" in other.text
    assert 'name="text"' not in other.text  # read only: no edit form
    refused = a1.post(
        f"/review/{draft_id}/edit",
        data={
            "csrf": csrf(other.text),
            "version": _version(other.text),
            "text": _edited(e1, draft_id),
        },
    )
    assert refused.status_code == 409 and "e1 正在编辑" in refused.text
    with drafter.Store(_db(newsroom)) as store:
        assert store.revisions(draft_id) == []


def test_leaving_with_nothing_unsaved_frees_the_draft(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1, a1 = client_for("e1"), client_for("a1")
    page = e1.get(f"/review/{draft_id}")
    left = e1.post(f"/review/{draft_id}/heartbeat", data={"csrf": csrf(page.text), "leaving": "1"})
    assert left.json() == {"holder": False}
    assert 'id="lock-mine"' in a1.get(f"/review/{draft_id}").text


def test_takeover_keeps_the_first_editors_text_and_tells_them(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1, a1 = client_for("e1"), client_for("a1")
    page = e1.get(f"/review/{draft_id}")
    beat = e1.post(
        f"/review/{draft_id}/heartbeat", data={"csrf": csrf(page.text), "text": "e1 没存的一句"}
    )
    assert beat.json() == {"holder": True}
    seen = a1.get(f"/review/{draft_id}")
    taken = a1.post(f"/review/{draft_id}/takeover", data={"csrf": csrf(seen.text)})
    assert taken.status_code == 200 and 'name="text"' in taken.text  # a1 edits now
    lost = e1.post(f"/review/{draft_id}/heartbeat", data={"csrf": csrf(page.text), "text": "x"})
    assert lost.json() == {"holder": False}
    nxt = e1.get("/queue")
    assert "a1 接手了稿件" in nxt.text and "/copies/" in nxt.text
    copy_url = nxt.text.split('href="/copies/')[1].split('"')[0]
    kept = e1.get(f"/copies/{copy_url}")
    assert "e1 没存的一句" in kept.text
    assert "a1 接手了稿件" not in e1.get("/queue").text  # told once
    with drafter.Store(_db(newsroom)) as store:
        event = [e for e in store.events(draft_id) if e.kind == "lock_taken_over"][-1]
        assert event.actor == "a1" and event.detail["previous"] == "e1"
        drafter.collect_outbox(store)
        told = drafter.outbox_messages(store, recipient="e1")
    assert told and told[0].kind == "lock_taken_over"


def test_notes_internal_and_to_the_contributor(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1, c1 = client_for("e1"), client_for("c1")
    page = e1.get(f"/review/{draft_id}")
    for audience, body in (("internal", "内部：先别采用"), ("contributor", "请补充参加人数来源")):
        r = e1.post(
            f"/review/{draft_id}/note",
            data={"csrf": csrf(page.text), "audience": audience, "body": body},
        )
        assert r.status_code == 200
    assert "内部：先别采用" in r.text and "请补充参加人数来源" in r.text
    theirs = c1.get(f"/mine/{draft_id}").text
    assert "请补充参加人数来源" in theirs and "内部：先别采用" not in theirs
    assert (
        c1.post(
            f"/review/{draft_id}/note",
            data={"csrf": csrf(theirs), "audience": "internal", "body": "x"},
        ).status_code
        == 403
    )


def test_accepting_changes_needs_a_note_and_the_page_says_who_is_told(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1, c1 = client_for("e1"), client_for("c1")
    page = e1.get(f"/review/{draft_id}")
    saved = e1.post(
        f"/review/{draft_id}/edit",
        data={
            "csrf": csrf(page.text),
            "version": _version(page.text),
            "text": _edited(e1, draft_id),
        },
    )
    assert saved.status_code == 200
    assert "将通知：c1" in saved.text  # who hears of it, before the button is pressed
    assert "采用修改稿时给报送人写明说明" in saved.text and "check-fail" in saved.text
    with drafter.Store(_db(newsroom)) as store:
        version = store.get_draft(draft_id).version
    form = {"csrf": csrf(saved.text), "version": str(version)}
    refused = e1.post(f"/review/{draft_id}/accept", data=form)
    assert refused.status_code == 400 and "给报送人" in refused.text
    done = e1.post(f"/review/{draft_id}/accept", data=form | {"note": "“举办”改为“组织举办”"})
    assert done.status_code == 200 and "st-accepted" in done.text
    theirs = c1.get(f"/mine/{draft_id}").text
    assert "已采用" in theirs and "“举办”改为“组织举办”" in theirs and "<ins>" in theirs


def test_notifications_page_shows_the_outbox_without_smtp(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    draft_id = _ids(newsroom)["c1"]
    e1 = client_for("e1")
    page = e1.get(f"/review/{draft_id}")
    e1.post(
        f"/review/{draft_id}/reject",
        data={"csrf": csrf(page.text), "version": _version(page.text), "why": "与本刊无关"},
    )
    with drafter.Store(_db(newsroom)) as store:
        drafter.collect_outbox(store)
    mine = client_for("c1").get("/notifications").text
    assert "未配置邮件服务器" in mine and "已退回" in mine and "与本刊无关" in mine
    assert "与本刊无关" not in client_for("c2").get("/notifications").text


# -- sessions -------------------------------------------------------------------------------


def test_logout_ends_the_session_and_a_replayed_cookie_is_refused(
    newsroom: dict[str, object], client_for: Client, csrf: Callable[[str], str]
) -> None:
    e1 = client_for("e1")
    token = e1.cookies.get(COOKIE)
    assert token
    page = e1.get("/queue")
    e1.post("/logout", data={"csrf": csrf(page.text)})
    replay = TestClient(newsroom["app"], raise_server_exceptions=False)  # type: ignore[arg-type]
    replay.cookies.set(COOKIE, token)
    r = replay.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_password_change_and_disable_end_sessions_at_once(
    newsroom: dict[str, object], client_for: Client
) -> None:
    e1, c1 = client_for("e1"), client_for("c1")
    with drafter.Store(_db(newsroom)) as store:
        drafter.set_password(store, "e1", "another horse 2")
        drafter.disable_account(store, "c1")
    assert e1.get("/queue", follow_redirects=False).status_code == 303
    assert c1.get("/mine", follow_redirects=False).status_code == 303


def test_a_new_session_id_at_every_login(
    newsroom: dict[str, object], csrf: Callable[[str], str]
) -> None:
    client = TestClient(newsroom["app"], raise_server_exceptions=False)  # type: ignore[arg-type]
    tokens = []
    for _ in range(2):
        page = client.get("/login")
        client.post(
            "/login", data={"csrf": csrf(page.text), "name": "e1", "password": "correct horse 1"}
        )
        tokens.append(client.cookies.get(COOKIE))
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]
    stale = TestClient(newsroom["app"], raise_server_exceptions=False)  # type: ignore[arg-type]
    stale.cookies.set(COOKIE, tokens[0])
    assert stale.get("/queue", follow_redirects=False).status_code == 303  # ended at login


def test_idle_and_absolute_timeouts(
    newsroom: dict[str, object], client_for: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    e1 = client_for("e1")
    assert e1.get("/queue", follow_redirects=False).status_code == 200
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat(timespec="seconds")
    with drafter.Store(_db(newsroom)) as store, store.transaction() as conn:
        conn.execute("UPDATE sessions SET last_seen = :t", {"t": long_ago})
    assert e1.get("/queue", follow_redirects=False).status_code == 303  # idle past 2 h
    e2 = client_for("e1")
    monkeypatch.setenv("DRAFTER_SESSION_IDLE_MINUTES", "600")
    with drafter.Store(_db(newsroom)) as store, store.transaction() as conn:
        conn.execute("UPDATE sessions SET expires_at = :t", {"t": long_ago})
    assert e2.get("/queue", follow_redirects=False).status_code == 303  # absolute limit


# -- mail never slows a request ----------------------------------------------------------


@pytest.fixture
def hanging_smtp() -> Iterator[int]:
    """A loopback server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(srv.getsockname()[1])
    stop.set()
    thread.join(2)
    for c in held:
        c.close()
    srv.close()


def test_a_hanging_mail_server_never_delays_the_request(
    newsroom: dict[str, object],
    hanging_smtp: int,
    monkeypatch: pytest.MonkeyPatch,
    csrf: Callable[[str], str],
) -> None:
    timeout = 2.0
    for key, value in {
        "DRAFTER_SMTP_HOST": "127.0.0.1",
        "DRAFTER_SMTP_PORT": str(hanging_smtp),
        "DRAFTER_SMTP_TLS": "none",
        "DRAFTER_SMTP_SENDER": "desk@example.org",
        "DRAFTER_SMTP_TIMEOUT": str(timeout),
    }.items():
        monkeypatch.setenv(key, value)
    db = _db(newsroom)
    with drafter.Store(db) as store:
        drafter.set_notify_address(store, "c1", "c1@example.org")
    draft_id = _ids(newsroom)["c1"]
    app = create_app(db, outbox_interval=0.05, workers=0)
    with TestClient(app, raise_server_exceptions=False) as client:  # lifespan: sender runs
        login = client.get("/login")
        client.post(
            "/login",
            data={"csrf": csrf(login.text), "name": "e1", "password": "correct horse 1"},
        )
        page = client.get(f"/review/{draft_id}")
        start = time.monotonic()
        r = client.post(
            f"/review/{draft_id}/reject",
            data={"csrf": csrf(page.text), "version": _version(page.text), "why": "与本刊无关"},
            follow_redirects=False,
        )
        elapsed = time.monotonic() - start
        assert r.status_code == 303
        assert elapsed < timeout / 2, f"reject took {elapsed:.3f}s"
        deadline = time.monotonic() + timeout * 3
        tried: list[drafter.Message] = []
        while time.monotonic() < deadline and not tried:
            time.sleep(0.1)
            with drafter.Store(db) as store:
                tried = [m for m in drafter.outbox_messages(store, recipient="c1") if m.attempts]
        assert tried and tried[0].status == "pending" and tried[0].last_error  # retried later


def test_the_issue_page_shows_the_publish_checklist_and_who_is_told(
    newsroom: dict[str, object], client_for: Client
) -> None:
    draft_id = _ids(newsroom)["c1"]
    profile = drafter.load_profile()
    with drafter.Store(_db(newsroom)) as store:
        drafter.accept(store, draft_id, profile=profile, force=True, why="已核对")
        issue = drafter.new_issue(store, profile=profile, date=dt.date(2026, 5, 15))
    page = client_for("e1").get(f"/issues/{issue.id}").text
    assert "刊发前检查" in page and "没有事实核查错误（guard）" in page
    assert "将通知：c1" in page
