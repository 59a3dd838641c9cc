"""Accounts, sessions and throttling in the store; the 0004 migration upgrades in place."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import drafter
from drafter.store.accounts import MAX_FAILURES


@pytest.fixture
def store(db_target: str | Path) -> Iterator[drafter.Store]:
    with drafter.Store(db_target) as s:
        yield s


def test_add_list_disable_passwd(store: drafter.Store) -> None:
    a = drafter.add_account(store, "zhang", "password1", role="contributor", orgs=["北京抗癌协会"])
    assert a.orgs == ("北京抗癌协会",) and not a.is_editor and a.role_zh == "报送人"
    drafter.add_account(store, "li", "password2", role="editor")
    assert [x.name for x in drafter.list_accounts(store)] == ["li", "zhang"]
    assert drafter.authenticate(store, "zhang", "password1") == a
    assert drafter.authenticate(store, "zhang", "nope") is None
    drafter.set_password(store, "zhang", "password3")
    assert drafter.authenticate(store, "zhang", "password1") is None
    assert drafter.authenticate(store, "zhang", "password3") is not None
    drafter.disable_account(store, "zhang")
    assert drafter.authenticate(store, "zhang", "password3") is None
    # The hash is argon2, never the password.
    row = store._query("SELECT password_hash FROM accounts WHERE name = 'li'")[0]
    assert row["password_hash"].startswith("$argon2") and "password2" not in row["password_hash"]


def test_bad_accounts_are_refused(store: drafter.Store) -> None:
    with pytest.raises(drafter.InputError, match="至少指定一个单位"):
        drafter.add_account(store, "x", "password1", role="contributor")
    with pytest.raises(drafter.InputError, match="太短"):
        drafter.add_account(store, "x", "short", role="editor")
    with pytest.raises(drafter.InputError, match="未知角色"):
        drafter.add_account(store, "x", "password1", role="root")
    with pytest.raises(drafter.InputError, match="账号名"):
        drafter.add_account(store, "a b<", "password1", role="editor")
    drafter.add_account(store, "x", "password1", role="editor")
    with pytest.raises(drafter.ConflictError):
        drafter.add_account(store, "x", "password1", role="editor")
    with pytest.raises(drafter.NotFoundError):
        drafter.disable_account(store, "nobody")


def test_throttling_and_sessions(store: drafter.Store) -> None:
    a = drafter.add_account(store, "li", "password2", role="editor")
    for _ in range(MAX_FAILURES):
        assert drafter.authenticate(store, "li", "wrong") is None
    with pytest.raises(drafter.InputError, match="过多"):
        drafter.authenticate(store, "li", "password2")
    token, session = drafter.open_session(store, a)
    assert drafter.session_for(store, token) == session
    assert drafter.session_for(store, token + "x") is None
    drafter.end_session(store, token)
    assert drafter.session_for(store, token) is None
    old, _ = drafter.open_session(store, a, ttl=dt.timedelta(seconds=-5))
    assert drafter.session_for(store, old) is None
    # Stored hashed: the cookie value is not in the database.
    assert not store._query("SELECT 1 FROM sessions WHERE token_hash = :t", {"t": token})


def test_account_events_carry_the_actor(store: drafter.Store) -> None:
    with drafter.acting_as("admin1"):
        drafter.add_account(store, "li", "password2", role="editor")
    row = store._query("SELECT kind, actor FROM events WHERE kind = 'account_added'")[0]
    assert (row["kind"], row["actor"]) == ("account_added", "admin1")


def test_a_version_3_database_gains_accounts_in_place(tmp_path: Path) -> None:
    # SQLite only: an office's existing file upgrading in place (PostgreSQL stores start
    # at the current schema).
    path = tmp_path / "old.db"
    drafter.Store(path, target_version=3).close()
    with drafter.Store(path) as store:
        assert store.schema_version() >= 4
        drafter.add_account(store, "li", "password2", role="editor")


def test_enable_a_disabled_account(store: drafter.Store) -> None:
    drafter.add_account(store, "zhang", "password1", role="contributor", orgs=["北京抗癌协会"])
    drafter.disable_account(store, "zhang")
    assert drafter.authenticate(store, "zhang", "password1") is None
    with drafter.acting_as("admin1"):
        again = drafter.enable_account(store, "zhang")
    assert not again.disabled and again.orgs == ("北京抗癌协会",)
    assert drafter.authenticate(store, "zhang", "password1") == again  # the old password
    row = store._query("SELECT detail_json, actor FROM events WHERE kind = 'account_enabled'")
    assert [(r["actor"], r["detail_json"]) for r in row] == [("admin1", '{"account": "zhang"}')]
    with pytest.raises(drafter.NotFoundError, match="没有账号"):
        drafter.enable_account(store, "nobody")


def test_set_orgs_of_a_contributor(store: drafter.Store) -> None:
    drafter.add_account(store, "zhang", "password1", role="contributor", orgs=["北京抗癌协会"])
    with drafter.acting_as("admin1"):
        a = drafter.set_orgs(store, "zhang", [" 北京市医学会 ", "", "北京抗癌协会"])
    assert a.orgs == ("北京市医学会", "北京抗癌协会")  # cleaned as add_account cleans
    assert drafter.get_account(store, "zhang").orgs == a.orgs
    assert a.may_see("北京市医学会", None) and not a.may_see("北京护理学会", None)
    row = store._query("SELECT detail_json, actor FROM events WHERE kind = 'account_orgs_set'")
    assert len(row) == 1 and row[0]["actor"] == "admin1"
    assert json.loads(row[0]["detail_json"]) == {
        "account": "zhang",
        "before": ["北京抗癌协会"],
        "orgs": ["北京市医学会", "北京抗癌协会"],
    }


def test_set_orgs_refusals_change_nothing(store: drafter.Store) -> None:
    drafter.add_account(store, "zhang", "password1", role="contributor", orgs=["北京抗癌协会"])
    drafter.add_account(store, "li", "password2", role="editor")
    with pytest.raises(drafter.InputError, match="至少指定一个单位"):
        drafter.set_orgs(store, "zhang", ["  ", ""])
    with pytest.raises(drafter.InputError, match="只有报送人"):
        drafter.set_orgs(store, "li", ["北京抗癌协会"])
    with pytest.raises(drafter.NotFoundError, match="没有账号"):
        drafter.set_orgs(store, "nobody", ["北京抗癌协会"])
    assert drafter.get_account(store, "zhang").orgs == ("北京抗癌协会",)
    assert drafter.get_account(store, "li").orgs == ()
    assert not store._query("SELECT 1 AS x FROM events WHERE kind = 'account_orgs_set'")
