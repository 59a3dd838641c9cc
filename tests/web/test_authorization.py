"""Every route for every role: allowed, 403 (wrong role), 404 (another organization's)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

# (method, path template, role -> expected status). {own} is the contributor c1's draft,
# {other} is c2's. "anon" is not logged in: GETs go to the login page (303).
ANON, C1, E1, A1 = "anon", "c1", "e1", "a1"
MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/", {ANON: 303, C1: 303, E1: 303, A1: 303}),
    ("GET", "/login", {ANON: 200, C1: 200, E1: 200, A1: 200}),
    ("GET", "/submit", {ANON: 303, C1: 200, E1: 403, A1: 403}),
    ("GET", "/mine", {ANON: 303, C1: 200, E1: 403, A1: 403}),
    ("GET", "/mine/{own}", {ANON: 303, C1: 200, E1: 403, A1: 403}),
    ("GET", "/mine/{other}", {ANON: 303, C1: 404, E1: 403, A1: 403}),
    ("GET", "/mine/9999", {ANON: 303, C1: 404, E1: 403, A1: 403}),
    ("GET", "/queue", {ANON: 303, C1: 403, E1: 200, A1: 200}),
    ("GET", "/review/{own}", {ANON: 303, C1: 403, E1: 200, A1: 200}),
    ("GET", "/review/9999", {ANON: 303, C1: 403, E1: 404, A1: 404}),
    ("GET", "/stats", {ANON: 303, C1: 403, E1: 200, A1: 200}),
    ("GET", "/issues", {ANON: 303, C1: 403, E1: 200, A1: 200}),
    ("GET", "/issues/9999", {ANON: 303, C1: 403, E1: 404, A1: 404}),
    ("GET", "/issues/9999/preview", {ANON: 303, C1: 403, E1: 404, A1: 404}),
    ("GET", "/issues/9999/download.docx", {ANON: 303, C1: 403, E1: 404, A1: 404}),
    ("POST", "/issues/new", {ANON: 403, C1: 403, E1: 400, A1: 400}),  # nothing accepted yet
    ("POST", "/issues/9999/add", {ANON: 403, C1: 403, E1: 400, A1: 400}),
    ("POST", "/login", {ANON: 401, C1: 401, E1: 401, A1: 401}),  # empty form: no such account
    ("POST", "/submit", {ANON: 403, C1: 400, E1: 403, A1: 403}),
    ("POST", "/review/{own}/edit", {ANON: 403, C1: 403, E1: 400, A1: 400}),
    ("POST", "/review/{own}/accept", {ANON: 403, C1: 403, E1: 400, A1: 400}),
    ("POST", "/review/{own}/reject", {ANON: 403, C1: 403, E1: 400, A1: 400}),
    ("POST", "/review/{own}/heartbeat", {ANON: 403, C1: 403, E1: 200, A1: 200}),
    ("POST", "/review/{own}/note", {ANON: 403, C1: 403, E1: 400, A1: 400}),  # no audience
    ("POST", "/review/{own}/takeover", {ANON: 403, C1: 403, E1: 303, A1: 303}),
    ("GET", "/copies/9999", {ANON: 303, C1: 403, E1: 404, A1: 404}),
    ("GET", "/notifications", {ANON: 303, C1: 200, E1: 200, A1: 200}),
    # Last: it changes the draft (a new draft of the same report).
    ("POST", "/review/{own}/redraft", {ANON: 403, C1: 403, E1: 303, A1: 303}),
    ("GET", "/admin/accounts", {ANON: 303, C1: 403, E1: 403, A1: 200}),
    ("POST", "/admin/accounts/new", {ANON: 403, C1: 403, E1: 403, A1: 400}),  # empty name
    ("POST", "/admin/accounts/nobody/disable", {ANON: 403, C1: 403, E1: 403, A1: 404}),
    ("POST", "/admin/accounts/nobody/password", {ANON: 403, C1: 403, E1: 403, A1: 404}),
    ("POST", "/admin/accounts/nobody/enable", {ANON: 403, C1: 403, E1: 403, A1: 404}),
    ("POST", "/admin/accounts/nobody/orgs", {ANON: 403, C1: 403, E1: 403, A1: 404}),
    ("POST", "/logout", {ANON: 403, C1: 303, E1: 303, A1: 303}),
]


@pytest.mark.parametrize(
    ("method", "template", "role", "expected"),
    [(m, t, role, code) for m, t, codes in MATRIX for role, code in codes.items()],
)
def test_route_by_role(
    shared: dict[str, object],
    login_as: Callable[..., TestClient],
    method: str,
    template: str,
    role: str,
    expected: int,
    csrf: Callable[[str], str],
) -> None:
    drafts = shared["drafts"]
    assert isinstance(drafts, dict)
    path = template.format(own=drafts["c1"], other=drafts["c2"])
    if method == "POST" and template == "/logout":
        client = login_as(shared["app"], None if role == ANON else role)  # logs itself out
    else:
        client = _client(shared, role, login_as)
    if method == "GET":
        r = client.get(path, follow_redirects=False)
    else:
        # A valid CSRF token (where there is a session) and an empty form: the checks
        # under test come before the form's own validation (400).
        token = csrf(client.get("/login").text) if role == ANON else _session_csrf(client, csrf)
        r = client.post(path, data={"csrf": token}, follow_redirects=False)
    assert r.status_code == expected, (method, path, role, r.text[:300])
    if expected == 303 and role == ANON and template != "/":
        assert r.headers["location"].startswith("/login")


def _client(
    shared: dict[str, object], role: str, login_as: Callable[..., TestClient]
) -> TestClient:
    clients = shared.setdefault("clients", {})
    assert isinstance(clients, dict)
    if role not in clients:
        clients[role] = login_as(shared["app"], None if role == ANON else role)
    return clients[role]  # type: ignore[no-any-return]


def _session_csrf(client: TestClient, csrf: Callable[[str], str]) -> str:
    for page in ("/submit", "/queue"):
        r = client.get(page)
        if r.status_code == 200:
            return csrf(r.text)
    raise AssertionError("no page with a CSRF token")


def test_every_route_is_in_the_matrix(shared: dict[str, object]) -> None:
    from starlette.routing import Route

    app = shared["app"].app  # type: ignore[attr-defined]
    routes = {(m, r.path) for r in app.routes if isinstance(r, Route) for m in r.methods or ()}
    covered = {
        (m, t.replace("{own}", "{draft_id:int}").replace("{other}", "{draft_id:int}"))
        for m, t, _ in MATRIX
    } | {
        (
            m,
            t.replace("9999", "{issue_id:int}")
            .replace("download.docx", "download.{fmt}")
            .replace("/add", "/{action}")
            .replace("/nobody/", "/{name}/")
            .replace("/copies/{issue_id:int}", "/copies/{copy_id:int}"),
        )
        for m, t, _ in MATRIX
    }
    assert {(m, p) for m, p in routes if m != "HEAD"} <= covered
