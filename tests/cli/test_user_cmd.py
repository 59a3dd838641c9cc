"""``drafter user enable`` and ``drafter user orgs`` (add/list/disable/passwd: tests/web/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import drafter
from drafter.cli import app
from drafter.errors import InputError, NotFoundError, exit_code_for

runner = CliRunner()


def _add(db: str, name: str, role: str, *orgs: str) -> None:
    args = ["user", "add", name, "--role", role, "--password-stdin", "--db", db]
    for org in orgs:
        args += ["--org", org]
    r = runner.invoke(app, args, input="password123\n")
    assert r.exit_code == 0, r.output


def test_enable_a_disabled_account(db_target: str | Path) -> None:
    db = str(db_target)
    _add(db, "zhang", "contributor", "北京抗癌协会")
    assert runner.invoke(app, ["user", "disable", "zhang", "--db", db]).exit_code == 0
    r = runner.invoke(app, ["user", "enable", "zhang", "--db", db])
    assert r.exit_code == 0, r.output
    assert "已启用账号 zhang" in r.output
    listing = runner.invoke(app, ["user", "list", "--db", db]).output
    assert "zhang\t报送人" in listing and "已停用" not in listing
    with drafter.Store(db_target) as store:
        assert drafter.authenticate(store, "zhang", "password123") is not None
    r = runner.invoke(app, ["user", "enable", "nobody", "--db", db])
    assert r.exit_code == exit_code_for(NotFoundError("x")) and "没有账号：nobody" in r.output


def test_set_a_contributors_organizations(db_target: str | Path) -> None:
    db = str(db_target)
    _add(db, "zhang", "contributor", "北京抗癌协会")
    _add(db, "li", "editor")
    r = runner.invoke(app, ["user", "orgs", "zhang", "北京市医学会", " 北京护理学会 ", "--db", db])
    assert r.exit_code == 0, r.output
    assert "zhang 的所属单位：北京市医学会、北京护理学会" in r.output
    assert (
        "zhang\t报送人  北京市医学会、北京护理学会"
        in runner.invoke(app, ["user", "list", "--db", db]).output
    )
    r = runner.invoke(app, ["user", "orgs", "li", "北京市医学会", "--db", db])
    assert r.exit_code == exit_code_for(InputError("x")) and "只有报送人" in r.output
    r = runner.invoke(app, ["user", "orgs", "zhang", " ", "--db", db])
    assert r.exit_code == exit_code_for(InputError("x")) and "至少指定一个单位" in r.output
    r = runner.invoke(app, ["user", "orgs", "zhang", "--db", db])
    assert r.exit_code != 0  # the organizations are required
    with drafter.Store(db_target) as store:
        assert drafter.get_account(store, "zhang").orgs == ("北京市医学会", "北京护理学会")
        assert drafter.get_account(store, "li").orgs == ()
