"""CSRF, XSS, login throttling, session expiry, headers, the error page, upload checks."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

import drafter
from drafter.store.accounts import MAX_FAILURES
from drafter.web import create_app

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _post(client: TestClient, page: str, path: str, csrf: Callable[[str], str], **data: Any) -> Any:
    token = csrf(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def test_a_post_without_the_csrf_token_is_refused(
    newsroom: dict[str, Any], client_for: Callable[[str | None], TestClient]
) -> None:
    editor = client_for("e1")
    draft_id = newsroom["drafts"]["c1"]
    for data in ({}, {"csrf": "forged"}):
        r = editor.post(f"/review/{draft_id}/reject", data={**data, "why": "x", "version": "1"})
        assert r.status_code == 403
        assert "CSRF" in r.text
    with drafter.Store(newsroom["db"]) as store:
        assert store.get_draft(draft_id).status == "drafted"  # nothing happened


def test_login_needs_the_login_form_token(newsroom: dict[str, Any]) -> None:
    client = TestClient(newsroom["app"])
    r = client.post("/login", data={"name": "e1", "password": "correct horse 1"})
    assert r.status_code == 403


def test_every_user_written_field_is_escaped(
    db_target: Any, csrf: Callable[[str], str], login_as: Callable[..., TestClient]
) -> None:
    db = db_target
    org = f"协会{XSS}"
    with drafter.Store(db) as store:
        drafter.add_account(store, "c9", "correct horse 1", role="contributor", orgs=[org])
        drafter.add_account(store, "e9", "correct horse 1", role="editor")
    app = create_app(db)
    contributor = login_as(app, "c9")
    text = f"2026年5月8日，北京抗癌协会举办科普讲座{XSS}，200余名市民参加。"
    # Upload with a hostile file name and hostile content; then paste.
    token = csrf(contributor.get("/submit").text)
    r = contributor.post(
        "/submit",
        data={"csrf": token, "org": org, "action": "submit"},
        files={"file": (f"{XSS}.txt", io.BytesIO(text.encode()), "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    r = _post(contributor, "/submit", "/submit", csrf, org=org, text=text, action="preview")
    _assert_escaped(r.text)
    r = _post(contributor, "/submit", "/submit", csrf, org=org, text=text, action="submit")
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    drafter.run_workers(db, until_idle=True)  # drafted, so the drafted text is checked too
    editor = login_as(app, "e9")
    page = editor.get(f"/review/{draft_id}").text
    _assert_escaped(page)
    version = page.split('name="version" value="')[1].split('"')[0]
    md = f"# 标题{XSS}\n\n正文{XSS}。\n"
    r = _post(
        editor, f"/review/{draft_id}", f"/review/{draft_id}/edit", csrf, text=md, version=version
    )
    assert r.status_code in (303, 400), r.text
    with drafter.Store(db) as store:
        version = str(store.get_draft(draft_id).version)
    r = _post(
        editor, f"/review/{draft_id}", f"/review/{draft_id}/reject", csrf, why=XSS, version=version
    )
    assert r.status_code == 303, r.text
    for client, path in (
        (editor, "/queue?status="),
        (editor, f"/review/{draft_id}"),
        (contributor, "/mine"),
        (contributor, f"/mine/{draft_id}"),
        (contributor, "/submit"),
    ):
        _assert_escaped(client.get(path).text)
    assert "&lt;script&gt;" in contributor.get(f"/mine/{draft_id}").text  # the reason, escaped


def _assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(2)>" not in html or "&lt;img" in html


def test_login_is_throttled_after_repeated_failures(
    newsroom: dict[str, Any], csrf: Callable[[str], str]
) -> None:
    client = TestClient(newsroom["app"])
    for _ in range(MAX_FAILURES):
        r = _post(client, "/login", "/login", csrf, name="e1", password="wrong")
        assert r.status_code == 401
        assert "账号或密码不正确" in r.text
    r = _post(client, "/login", "/login", csrf, name="e1", password="correct horse 1")
    assert r.status_code == 429
    assert "登录失败次数过多" in r.text


def test_an_expired_session_goes_back_to_login(newsroom: dict[str, Any]) -> None:
    with drafter.Store(newsroom["db"]) as store:
        account = drafter.get_account(store, "e1")
        token, _ = drafter.open_session(store, account, ttl=dt.timedelta(seconds=-1))
        assert drafter.session_for(store, token) is None
    client = TestClient(newsroom["app"], cookies={"drafter_session": token})
    r = client.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_disabled_account_loses_its_session(
    newsroom: dict[str, Any], client_for: Callable[[str | None], TestClient]
) -> None:
    editor = client_for("e1")
    assert editor.get("/queue").status_code == 200
    with drafter.Store(newsroom["db"]) as store:
        drafter.disable_account(store, "e1")
    assert editor.get("/queue", follow_redirects=False).status_code == 303


def test_cookies_and_security_headers(newsroom: dict[str, Any], csrf: Callable[[str], str]) -> None:
    client = TestClient(newsroom["app"])
    r = _post(client, "/login", "/login", csrf, name="e1", password="correct horse 1")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    secure = TestClient(create_app(newsroom["db"], secure=True), base_url="https://testserver")
    r = _post(secure, "/login", "/login", csrf, name="e1", password="correct horse 1")
    assert "Secure" in r.headers["set-cookie"]


def test_an_unexpected_error_shows_an_id_not_a_traceback(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(drafter, "queue_page", boom)
    editor = client_for("e1")
    with caplog.at_level(logging.ERROR, logger="drafter.web"):
        r = editor.get("/queue")
    assert r.status_code == 500
    assert "服务器出错" in r.text and "secret internals" not in r.text
    assert "Traceback" not in r.text
    error_id = r.text.split("<code>")[1].split("</code>")[0]
    assert error_id in caplog.text and "secret internals" in caplog.text
    assert r.headers["x-content-type-options"] == "nosniff"


def test_an_upload_is_typed_by_its_content(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
) -> None:
    contributor = client_for("c1")
    token = csrf(contributor.get("/submit").text)
    r = contributor.post(
        "/submit",
        data={"csrf": token, "org": "北京抗癌协会", "action": "preview"},
        files={"file": ("report.txt", io.BytesIO(b"\x7fELF\x00\x00\x01binary"), "text/plain")},
    )
    assert r.status_code == 400
    assert "不是文本或 Word 文档" in r.text


def test_actions_are_logged_with_the_account(
    newsroom: dict[str, Any],
    client_for: Callable[[str | None], TestClient],
    csrf: Callable[[str], str],
) -> None:
    editor = client_for("e1")
    draft_id = newsroom["drafts"]["c1"]
    with drafter.Store(newsroom["db"]) as store:
        version = str(store.get_draft(draft_id).version)
    r = _post(
        editor,
        f"/review/{draft_id}",
        f"/review/{draft_id}/reject",
        csrf,
        why="与本刊无关",
        version=version,
    )
    assert r.status_code == 303
    with drafter.Store(newsroom["db"]) as store:
        events = store.events(draft_id)
    assert events[0].actor == "c1"
    assert events[-1].kind == "rejected" and events[-1].actor == "e1"


def test_an_unknown_page_is_a_chinese_404(newsroom: dict[str, Any]) -> None:
    r = TestClient(newsroom["app"]).get("/no/such/page")
    assert r.status_code == 404 and "找不到页面" in r.text and "Not Found" not in r.text


def test_an_oversized_upload_is_refused(
    db_target: Any, csrf: Callable[[str], str], login_as: Callable[..., TestClient]
) -> None:
    db = db_target
    with drafter.Store(db) as store:
        drafter.add_account(
            store, "c1", "correct horse 1", role="contributor", orgs=["北京抗癌协会"]
        )
    client = login_as(create_app(db, max_upload=1024), "c1")
    token = csrf(client.get("/submit").text)
    r = client.post(
        "/submit",
        data={"csrf": token, "org": "北京抗癌协会", "action": "preview"},
        files={"file": ("big.txt", io.BytesIO("科普".encode() * 2000), "text/plain")},
    )
    assert r.status_code == 413 and "文件太大" in r.text
