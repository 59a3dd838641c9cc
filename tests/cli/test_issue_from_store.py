"""`drafter issue build --from-store`: accepted drafts become an issue, published once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from drafter.cli import app
from drafter.issue import parse_issue
from drafter.store.database import Store

TESTS = Path(__file__).resolve().parent.parent
from workflow_data import REPORTS, write_report  # noqa: E402

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _submit(tmp_path: Path, db: str | Path, name: str) -> str:
    result = run("submit", str(write_report(tmp_path, name)), "--db", str(db))
    assert result.exit_code in (0, 1), result.output
    found = re.search(r"(\d+)\s*$", result.stdout.strip())
    assert found, result.stdout
    return found.group(1)


def test_build_from_store_makes_a_draft_issue_and_publish_numbers_it(
    tmp_path: Path, profile: Any, db_target: str | Path
) -> None:
    db = db_target
    names = list(REPORTS)[:3]
    ids = [_submit(tmp_path, db, n) for n in names]
    for draft_id in ids[:2]:  # two accepted, one left pending
        assert run("accept", draft_id, "--db", str(db)).exit_code == 0
    preview = tmp_path / "preview.md"
    result = run(
        "issue", "build", "--from-store", "--db", str(db), "--out", str(preview),
        "--date", "2026-06-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "已新建草稿期 1（2 篇，未刊发）" in result.stderr
    assert len(parse_issue(preview.read_text(encoding="utf-8"), profile=profile).briefs()) == 2
    with Store.open(db) as store:
        assert len(store.accepted_unpublished()) == 2  # building is not publishing
    again = run("issue", "build", "--from-store", "--db", str(db), "--out", str(preview))
    assert again.exit_code == 2
    assert "没有可编入的稿件" in again.stderr

    out = tmp_path / "issue.md"
    published = run("issue", "publish", "1", "--out", str(out), "--db", str(db))
    assert published.exit_code == 0, published.output
    assert "已刊发 2026年第1期（总第1期），2 篇稿件标记为已刊发" in published.stdout
    assert "sha256" in published.stdout
    with Store.open(db) as store:
        assert store.accepted_unpublished() == []
    twice = run("issue", "publish", "1", "--out", str(out), "--db", str(db))
    assert twice.exit_code == 5
    assert "已刊发，不能再修改" in twice.stderr


def test_build_from_store_takes_no_number(tmp_path: Path) -> None:
    result = run(
        "issue", "build", "--from-store", "--db", str(tmp_path / "d.db"),
        "--out", str(tmp_path / "x.md"), "--number", "3",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "刊发时才编期号" in result.stderr


def test_build_without_briefs_or_store_is_a_clear_error(tmp_path: Path) -> None:
    result = run("issue", "build", "--out", str(tmp_path / "x.md"))
    assert result.exit_code == 2
    assert "没有要编排的简讯" in result.stderr


def test_submit_takes_the_same_kind_names_as_draft(
    tmp_path: Path, db_target: str | Path
) -> None:
    db = db_target
    report = write_report(tmp_path, "district")
    ok = run("submit", str(report), "--db", str(db), "--kind", "区科协")
    assert ok.exit_code in (0, 1), ok.output
    bad = run("submit", str(report), "--db", str(db), "--kind", "火星")
    assert bad.exit_code == 2
    assert "火星" in bad.stderr
