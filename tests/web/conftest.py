"""A newsroom over a fresh store: two contributors, an editor, an admin, one draft each.

The store is ``db_target``'s: every test using a newsroom runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from db_targets import DbTargets
from starlette.testclient import TestClient

import drafter
from drafter.web import create_app

PASSWORD = "correct horse 1"
REPORT = (
    "2026年5月8日，{org}在北京举办肿瘤防治科普讲座，200余名市民参加。"
    "专家张三研究员介绍了防癌知识，现场发放宣传材料500份。"
)
ACCOUNTS = {
    "c1": ("contributor", ["北京抗癌协会"]),
    "c2": ("contributor", ["北京市医学会"]),
    "e1": ("editor", []),
    "a1": ("admin", []),
}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


@pytest.fixture
def csrf() -> Callable[[str], str]:
    """The CSRF token in a page's forms."""
    return csrf_of


def make_newsroom(db: str | Path) -> dict[str, object]:
    """The store path, the app and the draft id of each contributor's organization."""
    profile = drafter.load_profile()
    drafts: dict[str, int] = {}
    with drafter.Store(db) as store:
        for name, (role, orgs) in ACCOUNTS.items():
            drafter.add_account(store, name, PASSWORD, role=role, orgs=orgs)
        for name in ("c1", "c2"):
            org = ACCOUNTS[name][1][0]
            report = drafter.report_from_text(REPORT.format(org=org), org=org, profile=profile)
            with drafter.acting_as(name):
                result = drafter.submit_report(store, report, profile=profile, model="offline")
            drafts[name] = result.draft.id
    return {"db": db, "app": create_app(db, profile=profile), "drafts": drafts}


@pytest.fixture
def newsroom(db_target: str | Path) -> dict[str, object]:
    return make_newsroom(db_target)


@pytest.fixture(scope="module")
def shared(
    db_targets: DbTargets, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, object]]:
    """One newsroom for a whole module of read-only or refused requests (hashing is slow)."""
    target = db_targets.new(tmp_path_factory.mktemp("shared"), "news.db")
    yield make_newsroom(target)
    db_targets.drop(target)


@pytest.fixture
def login_as() -> Callable[..., TestClient]:
    return login


def login(app: object, name: str | None, password: str = PASSWORD) -> TestClient:
    """A client logged in as ``name`` (``None``: not logged in)."""
    client = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
    if name is not None:
        page = client.get("/login")
        r = client.post(
            "/login",
            data={"csrf": csrf_of(page.text), "name": name, "password": password},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    return client


@pytest.fixture
def client_for(newsroom: dict[str, object]) -> Callable[[str | None], TestClient]:
    """A logged-in client for an account name (``None``: not logged in)."""

    def make(name: str | None) -> TestClient:
        return login(newsroom["app"], name)

    return make
