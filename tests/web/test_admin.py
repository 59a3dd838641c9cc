"""The admin's account page: only admins; add, disable, reset password through the library."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

import drafter
from tests.web.conftest import PASSWORD, login

Client = Callable[[str | None], TestClient]


def _token(client: TestClient) -> str:
    page = client.get("/admin/accounts")
    assert page.status_code == 200, page.text[:300]
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


@pytest.mark.parametrize(("who", "status"), [("c1", 403), ("e1", 403), ("a1", 200)])
def test_only_admins_see_the_account_page(client_for: Client, who: str, status: int) -> None:
    r = client_for(who).get("/admin/accounts", follow_redirects=False)
    assert r.status_code == status
    if status == 200:
        for name in ("c1", "c2", "e1", "a1"):
            assert f'data-account="{name}"' in r.text
        assert "北京抗癌协会" in r.text


def test_anonymous_goes_to_login(client_for: Client) -> None:
    r = client_for(None).get("/admin/accounts", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


def test_the_menu_links_the_page_for_admins_only(client_for: Client) -> None:
    assert "/admin/accounts" in client_for("a1").get("/queue").text
    assert "/admin/accounts" not in client_for("e1").get("/queue").text


def test_an_editor_cannot_change_accounts(client_for: Client, newsroom: dict[str, Any]) -> None:
    editor = client_for("e1")
    token = re.search(r'name="csrf" value="([^"]+)"', editor.get("/queue").text)
    assert token
    for path in (
        "/admin/accounts/new",
        "/admin/accounts/c1/disable",
        "/admin/accounts/c1/password",
        "/admin/accounts/c1/orgs",
        "/admin/accounts/c1/enable",
    ):
        r = editor.post(path, data={"csrf": token.group(1), "name": "x1", "role": "admin"})
        assert r.status_code == 403, path
    with drafter.Store(newsroom["db"]) as store:
        assert not drafter.get_account(store, "c1").disabled
        assert "x1" not in {a.name for a in drafter.list_accounts(store)}


def test_add_a_contributor_with_two_organizations(
    client_for: Client, newsroom: dict[str, Any]
) -> None:
    admin = client_for("a1")
    r = admin.post(
        "/admin/accounts/new",
        data={
            "csrf": _token(admin),
            "name": "zhang",
            "role": "contributor",
            "orgs": "北京抗癌协会\n北京市医学会",
            "password": "a new password",
        },
    )
    assert r.status_code == 200
    assert "已新建账号 zhang" in r.text
    assert "的初始密码：" not in r.text  # typed by the admin: nothing to show
    with drafter.Store(newsroom["db"]) as store:
        account = drafter.get_account(store, "zhang")
        added = store._query("SELECT actor FROM events WHERE kind = 'account_added' ORDER BY id")
    assert account.role == "contributor"
    assert account.orgs == ("北京抗癌协会", "北京市医学会")
    assert added[-1]["actor"] == "a1"
    login(newsroom["app"], "zhang", "a new password")  # asserts the login succeeds


def test_a_blank_password_is_generated_and_shown_once(
    client_for: Client, newsroom: dict[str, Any]
) -> None:
    admin = client_for("a1")
    r = admin.post(
        "/admin/accounts/new",
        data={"csrf": _token(admin), "name": "wang", "role": "editor", "orgs": "", "password": ""},
    )
    match = re.search(r"wang 的初始密码：(\S+?) ", r.text)
    assert match, r.text[:1000]
    login(newsroom["app"], "wang", match.group(1))
    assert match.group(1) not in admin.get("/admin/accounts").text


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"name": "li", "role": "contributor", "orgs": ""}, 400, "至少指定一个单位"),
        ({"name": "c1", "role": "editor", "orgs": ""}, 409, "账号已存在"),
        ({"name": "li", "role": "editor", "password": "short"}, 400, "密码太短"),
        ({"name": "bad name!", "role": "editor"}, 400, "账号名不合规"),
        ({"name": "li", "role": "boss"}, 400, "未知角色"),
    ],
)
def test_the_library_rules_come_back_in_chinese(
    client_for: Client,
    newsroom: dict[str, Any],
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    admin = client_for("a1")
    r = admin.post("/admin/accounts/new", data={"csrf": _token(admin), **data})
    assert r.status_code == status
    assert message in r.text
    with drafter.Store(newsroom["db"]) as store:
        assert "li" not in {a.name for a in drafter.list_accounts(store)}


def test_disable_ends_the_accounts_sessions(client_for: Client, newsroom: dict[str, Any]) -> None:
    contributor = client_for("c1")
    assert contributor.get("/mine").status_code == 200
    admin = client_for("a1")
    r = admin.post("/admin/accounts/c1/disable", data={"csrf": _token(admin)})
    assert r.status_code == 200 and "账号已停用" in r.text
    assert contributor.get("/mine", follow_redirects=False).status_code == 303
    with drafter.Store(newsroom["db"]) as store:
        assert drafter.get_account(store, "c1").disabled
    page = admin.get("/admin/accounts").text
    row = page.split('data-account="c1"', 1)[1].split("</tr>", 1)[0]
    assert "已停用" in row and "/disable" not in row


def test_an_admin_cannot_disable_themself(client_for: Client, newsroom: dict[str, Any]) -> None:
    admin = client_for("a1")
    r = admin.post("/admin/accounts/a1/disable", data={"csrf": _token(admin)})
    assert r.status_code == 400
    with drafter.Store(newsroom["db"]) as store:
        assert not drafter.get_account(store, "a1").disabled


def test_unknown_account_is_404(client_for: Client) -> None:
    admin = client_for("a1")
    r = admin.post("/admin/accounts/nobody/disable", data={"csrf": _token(admin)})
    assert r.status_code == 404


def test_reset_password(client_for: Client, newsroom: dict[str, Any]) -> None:
    contributor = client_for("c1")
    admin = client_for("a1")
    r = admin.post("/admin/accounts/c1/password", data={"csrf": _token(admin), "password": ""})
    match = re.search(r"c1 的新密码：(\S+?) ", r.text)
    assert r.status_code == 200 and match
    assert contributor.get("/mine", follow_redirects=False).status_code == 303  # logged out
    login(newsroom["app"], "c1", match.group(1))
    with pytest.raises(AssertionError):
        login(newsroom["app"], "c1", PASSWORD)
    r = admin.post("/admin/accounts/c1/password", data={"csrf": _token(admin), "password": "abc"})
    assert r.status_code == 400 and "密码太短" in r.text


def test_posts_need_the_csrf_token(client_for: Client, newsroom: dict[str, Any]) -> None:
    admin = client_for("a1")
    r = admin.post("/admin/accounts/new", data={"name": "zz", "role": "editor"})
    assert r.status_code == 403
    r = admin.post("/admin/accounts/c1/disable", data={"csrf": "forged"})
    assert r.status_code == 403
    with drafter.Store(newsroom["db"]) as store:
        assert not drafter.get_account(store, "c1").disabled


def test_organization_names_are_escaped(client_for: Client) -> None:
    admin = client_for("a1")
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    r = admin.post(
        "/admin/accounts/new",
        data={"csrf": _token(admin), "name": "xss", "role": "contributor", "orgs": payload},
    )
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def _row(html: str, name: str) -> str:
    return html.split(f'data-account="{name}"', 1)[1].split("</tr>", 1)[0]


def test_enable_a_disabled_account(client_for: Client, newsroom: dict[str, Any]) -> None:
    with drafter.Store(newsroom["db"]) as store:
        drafter.disable_account(store, "c1")
    admin = client_for("a1")
    assert "/enable" in _row(admin.get("/admin/accounts").text, "c1")
    assert "/enable" not in _row(admin.get("/admin/accounts").text, "c2")  # c2 is enabled
    r = admin.post("/admin/accounts/c1/enable", data={"csrf": _token(admin)})
    assert r.status_code == 200 and "账号已重新启用" in r.text
    row = _row(r.text, "c1")
    assert "正常" in row and "/disable" in row and "/enable" not in row
    assert client_for("c1").get("/mine").status_code == 200  # the old password again
    with drafter.Store(newsroom["db"]) as store:
        assert not drafter.get_account(store, "c1").disabled
        events = store._query("SELECT actor FROM events WHERE kind = 'account_enabled'")
    assert [e["actor"] for e in events] == ["a1"]


def test_change_a_contributors_organizations(client_for: Client, newsroom: dict[str, Any]) -> None:
    contributor = client_for("c1")
    other_draft = newsroom["drafts"]["c2"]
    assert contributor.get(f"/mine/{other_draft}").status_code == 404  # not theirs
    admin = client_for("a1")
    assert "/orgs" not in _row(admin.get("/admin/accounts").text, "e1")  # editors see all
    r = admin.post(
        "/admin/accounts/c1/orgs",
        data={"csrf": _token(admin), "orgs": "北京抗癌协会、 北京市医学会"},
    )
    assert r.status_code == 200, r.text[:300]
    assert "c1 的所属单位已改为：北京抗癌协会、北京市医学会" in r.text
    assert "北京抗癌协会、北京市医学会" in _row(r.text, "c1")
    with drafter.Store(newsroom["db"]) as store:
        assert drafter.get_account(store, "c1").orgs == ("北京抗癌协会", "北京市医学会")
    assert contributor.get(f"/mine/{other_draft}").status_code == 200  # now their org too


@pytest.mark.parametrize(
    ("name", "orgs", "status", "message"),
    [
        ("c1", " ", 400, "至少指定一个单位"),
        ("e1", "北京抗癌协会", 400, "只有报送人"),
        ("nobody", "北京抗癌协会", 404, ""),
    ],
)
def test_bad_organization_changes_are_refused(
    client_for: Client, newsroom: dict[str, Any], name: str, orgs: str, status: int, message: str
) -> None:
    admin = client_for("a1")
    r = admin.post(f"/admin/accounts/{name}/orgs", data={"csrf": _token(admin), "orgs": orgs})
    assert r.status_code == status
    assert message in r.text
    with drafter.Store(newsroom["db"]) as store:
        assert drafter.get_account(store, "c1").orgs == ("北京抗癌协会",)
        assert drafter.get_account(store, "e1").orgs == ()
