"""The collaboration commands: notes, the edit lock, the outbox (listing, sending, addresses)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import drafter
from drafter.cli import app

TESTS = Path(__file__).resolve().parent.parent
from workflow_data import write_report  # noqa: E402

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def draft_id(db_target: str | Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("DRAFTER_DB", str(db_target))
    result = run("submit", str(write_report(tmp_path, "district")))
    assert result.exit_code == 0, result.output
    return int(result.stdout.strip().split()[-1])


def test_notes_are_added_and_listed(draft_id: int, db_target: str | Path) -> None:
    assert run("note", str(draft_id), "数字待核实").exit_code == 0
    added = run("note", str(draft_id), "请补充日期", "--to-contributor")
    assert added.exit_code == 0 and "给报送人的说明" in added.stdout
    listed = run("note", str(draft_id)).stdout
    assert "［内部备注］数字待核实" in listed and "［给报送人的说明］请补充日期" in listed
    with drafter.Store(db_target) as store:
        first = drafter.list_notes(store, draft_id)[0]
    shown = drafter.local_time(first.created_at, drafter.load_profile().timezone)
    assert listed.startswith(f"{shown} ")  # the office's time, as on the pages, not UTC
    feedback = run("feedback", "--org", "怀柔区科协")
    assert "请补充日期" in feedback.stdout and "数字待核实" not in feedback.stdout


def test_lock_shows_the_holder_and_can_be_taken_over(draft_id: int, db_target: str | Path) -> None:
    assert "没有人在编辑" in run("lock", str(draft_id)).stdout
    with drafter.Store(db_target) as store:
        drafter.open_for_edit(store, draft_id, holder="张三")
        drafter.heartbeat(store, draft_id, "张三没存的字", holder="张三")
    assert "张三 正在编辑（" in run("lock", str(draft_id)).stdout
    taken = run("lock", str(draft_id), "--take")
    assert taken.exit_code == 0 and "副本" in taken.stdout
    with drafter.Store(db_target) as store:
        (copy,) = drafter.kept_copies(store, holder="张三")
    assert copy.text == "张三没存的字"
    assert run("lock", str(draft_id), "--release").exit_code == 0
    assert "没有人在编辑" in run("lock", str(draft_id)).stdout


def test_outbox_without_smtp_is_listed_not_sent(draft_id: int, db_target: str | Path) -> None:
    with drafter.Store(db_target) as store:
        drafter.add_account(store, "bianji", "correct horse 1", role="editor")
    assert run("outbox", "address", "bianji", "bianji@example.org").exit_code == 0
    with drafter.Store(db_target) as store:  # the editor joined after the report came in
        drafter.reject(store, draft_id, "与本刊无关")
    sent = run("outbox", "send")
    assert sent.exit_code == 0 and "未配置 SMTP" in sent.stdout
    assert run("outbox", "list").exit_code == 0
    assert run("outbox", "address", "nobody", "x@example.org").exit_code != 0


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


def test_outbox_send_retries_a_refused_connection(
    draft_id: int, db_target: str | Path, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with drafter.Store(db_target) as store:
        drafter.add_account(
            store, "baosong", "correct horse 1", role="contributor", orgs=["怀柔区科协"]
        )
        drafter.set_notify_address(store, "baosong", "baosong@example.org")
        drafter.reject(store, draft_id, "与本刊无关")
    for key, value in {
        "DRAFTER_SMTP_HOST": "127.0.0.1",
        "DRAFTER_SMTP_PORT": str(closed_port),
        "DRAFTER_SMTP_TLS": "none",
        "DRAFTER_SMTP_SENDER": "desk@example.org",
        "DRAFTER_SMTP_TIMEOUT": "1",
        "DRAFTER_SMTP_PASSWORD": "never-shown-pw",
    }.items():
        monkeypatch.setenv(key, value)
    sent = run("outbox", "send")
    assert sent.exit_code == 0 and "稍后重试 1 条" in sent.stdout
    assert "never-shown-pw" not in sent.output
    (row,) = json.loads(run("outbox", "list", "--format", "json").stdout)
    assert row["recipient"] == "baosong" and row["attempts"] == 1 and row["status"] == "pending"


def test_decisions_say_who_will_be_told(
    draft_id: int, db_target: str | Path, tmp_path: Path
) -> None:
    """accept/reject print the accounts the outbox will notify (as the pages do)."""
    second = run("submit", str(write_report(tmp_path, "district")))
    other_id = int(second.stdout.strip().split()[-1])
    assert "将通知：无" in run("reject", str(other_id), "--why", "重复报送").stdout
    with drafter.Store(db_target) as store:
        drafter.add_account(
            store, "huairou", "correct horse 1", role="contributor", orgs=["怀柔区科协"]
        )
        drafter.add_account(
            store, "other", "correct horse 1", role="contributor", orgs=["北京市医学会"]
        )
    accepted = run("accept", str(draft_id))
    assert accepted.exit_code == 0, accepted.output
    assert "将通知：huairou" in accepted.stdout and "other" not in accepted.stdout
