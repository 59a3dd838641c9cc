"""The outbox: messages derived from events, and SMTP delivery against loopback servers.

The SMTP servers are started by the tests on 127.0.0.1 (aiosmtpd for a real one, a bare
socket for one that accepts and never answers).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drafter.profile import Profile
from drafter.store import outbox
from drafter.store._connection import acting_as
from drafter.store.accounts import add_account
from drafter.store.database import Store
from drafter.store.delivery import SmtpConfig, smtp_config
from drafter.store.workflow import accept, reject, revise_text, submit_report
from drafter.text.clock import local_time

TESTS = Path(__file__).resolve().parents[1]
from workflow_data import fake_draft, make_report  # noqa: E402

controller_mod = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd not installed")
PASSWORD = "correct horse 1"


@pytest.fixture
def store(db_target: str | Path) -> Iterator[Store]:
    with Store(db_target, timeout=0.5) as s:
        yield s


def _newsroom(store: Store, profile: Profile) -> int:
    report = make_report("district", profile)
    org = report.org or ""
    add_account(store, "baosong", PASSWORD, role="contributor", orgs=[org])
    add_account(store, "bianji", PASSWORD, role="editor")
    outbox.set_notify_address(store, "baosong", "baosong@example.org")
    outbox.set_notify_address(store, "bianji", "bianji@example.org")
    return submit_report(store, report, profile=profile, draft_fn=fake_draft).draft.id


def test_events_become_one_message_per_recipient(store: Store, profile: Profile) -> None:
    from drafter.brieftext import render_brief_md

    draft_id = _newsroom(store, profile)
    assert outbox.notify_recipients(store, draft_id, "submitted") == ["bianji"]
    assert outbox.collect_outbox(store) == 1
    (new,) = outbox.outbox_messages(store, recipient="bianji")
    assert new.kind == "submitted" and new.email == "bianji@example.org"

    brief = store.get_draft(draft_id).current_brief
    assert brief is not None
    edited = render_brief_md(brief).replace("开展科技志愿服务", "组织科技志愿者")
    with acting_as("bianji"):
        revise_text(store, draft_id, edited, profile=profile)
        accept(store, draft_id, profile=profile, note="标题动词改得更具体")
    assert outbox.notify_recipients(store, draft_id, "changed") == ["baosong"]
    assert outbox.collect_outbox(store) == 1
    assert outbox.collect_outbox(store) == 0  # the cursor moved: nothing twice
    (told,) = outbox.outbox_messages(store, recipient="baosong")
    assert told.kind == "changed" and "已采用（有修改）" in told.subject
    assert "标题动词改得更具体" in told.body  # the note
    assert "+ " in told.body and "组织科技志愿者" in told.body  # the diff


def test_a_rejection_tells_the_contributor_why(store: Store, profile: Profile) -> None:
    draft_id = _newsroom(store, profile)
    reject(store, draft_id, "与本刊无关")
    outbox.collect_outbox(store)
    (told,) = outbox.outbox_messages(store, recipient="baosong")
    assert told.kind == "rejected" and "与本刊无关" in told.body


def test_editor_sections_choose_who_hears_of_a_new_report(store: Store, profile: Profile) -> None:
    draft_id = _newsroom(store, profile)
    outbox.set_notify_address(store, "bianji", "bianji@example.org", sections=["nowhere"])
    assert outbox.notify_recipients(store, draft_id, "submitted") == []
    brief = store.get_draft(draft_id).current_brief
    assert brief is not None
    outbox.set_notify_address(store, "bianji", None, sections=[brief.section])
    assert outbox.notify_recipients(store, draft_id, "submitted") == ["bianji"]


def test_reopening_an_issue_tells_the_contributors_whose_briefs_it_held(
    store: Store, profile: Profile
) -> None:
    import datetime as dt

    from drafter.store.issues import new_issue
    from drafter.store.publish import publish_issue, reopen_issue

    draft_id = _newsroom(store, profile)
    with acting_as("bianji"):
        accept(store, draft_id, profile=profile)
    record = new_issue(store, profile=profile, date=dt.date(2026, 6, 22))
    publish_issue(store, record.id, profile=profile)
    outbox.collect_outbox(store)
    before = {m.id for m in outbox.outbox_messages(store)}
    assert outbox.notify_recipients(store, draft_id, "unpublished") == ["baosong"]
    reopen_issue(store, record.id, "第2篇人名有误")
    assert outbox.collect_outbox(store) == 1  # the contributor; editors are not told
    (told,) = [m for m in outbox.outbox_messages(store) if m.id not in before]
    assert told.recipient == "baosong" and told.kind == "unpublished"
    assert told.draft_id == draft_id and "撤回刊发" in told.subject
    assert "2026年第1期" in told.body and "重新打开" in told.body  # which issue, and what
    assert "第2篇人名有误" in told.body  # and why
    assert outbox.collect_outbox(store) == 0


def test_note_times_in_a_message_are_the_offices(store: Store, profile: Profile) -> None:
    from drafter.store.notes import add_note, list_notes

    draft_id = _newsroom(store, profile)
    with acting_as("bianji"):
        add_note(store, draft_id, "请核对人数", audience="contributor")
        reject(store, draft_id, "与本刊无关")
    outbox.collect_outbox(store)
    (told,) = outbox.outbox_messages(store, recipient="baosong")
    (note,) = [n for n in list_notes(store, draft_id) if n.body == "请核对人数"]
    assert f"bianji，{local_time(note.created_at, profile.timezone)}）：请核对人数" in told.body


# -- delivery ------------------------------------------------------------------------------


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    """Refuses the first ``refuse`` messages with a temporary error, then accepts."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.received: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Handler, int]]:
    handler = _Handler()
    port = _port()
    controller = controller_mod.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _config(port: int, **kw: Any) -> SmtpConfig:
    base: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "tls": "none",
        "sender": "desk@example.org",
        "timeout": 2.0,
        "max_attempts": 3,
        "backoff_seconds": 0.0,
    }
    return SmtpConfig(**(base | kw))


def test_delivers_to_a_loopback_server(
    store: Store, profile: Profile, smtp_server: tuple[_Handler, int]
) -> None:
    handler, port = smtp_server
    _newsroom(store, profile)
    outbox.collect_outbox(store)
    assert outbox.send_outbox(store, _config(port)) == {"sent": 1, "retry": 0, "failed": 0}
    (envelope,) = handler.received
    assert envelope.rcpt_tos == ["bianji@example.org"]
    assert "新报送" in envelope.content.decode("utf-8", "replace") or envelope.content
    (msg,) = outbox.outbox_messages(store)
    assert msg.status == "sent" and msg.sent_at is not None
    assert outbox.send_outbox(store, _config(port))["sent"] == 0  # sent once only


def test_a_refusing_server_is_retried_with_backoff(
    store: Store, profile: Profile, smtp_server: tuple[_Handler, int]
) -> None:
    handler, port = smtp_server
    handler.refuse = 1
    _newsroom(store, profile)
    outbox.collect_outbox(store)
    waiting = _config(port, backoff_seconds=3600.0)
    assert outbox.send_outbox(store, waiting) == {"sent": 0, "retry": 1, "failed": 0}
    (msg,) = outbox.outbox_messages(store)
    assert msg.status == "pending" and msg.attempts == 1 and "451" in (msg.last_error or "")
    assert outbox.send_outbox(store, waiting)["sent"] == 0  # not due yet: the backoff holds
    with store.transaction() as conn:  # the hour passes
        conn.execute("UPDATE outbox SET next_attempt = '2000-01-01T00:00:00+00:00'")
    assert outbox.send_outbox(store, waiting)["sent"] == 1
    assert len(handler.received) == 1


def test_gives_up_after_the_configured_attempts(store: Store, profile: Profile) -> None:
    _newsroom(store, profile)
    outbox.collect_outbox(store)
    closed = _config(_port(), max_attempts=2)  # nothing listens: connection refused
    assert outbox.send_outbox(store, closed)["retry"] == 1
    assert outbox.send_outbox(store, closed)["failed"] == 1
    (msg,) = outbox.outbox_messages(store)
    assert msg.status == "failed" and msg.attempts == 2


@pytest.fixture
def hanging_server() -> Iterator[int]:
    """Accepts connections and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(srv.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        for c in held:
            c.close()
        srv.close()


def test_a_hanging_server_is_given_up_within_the_timeout(
    store: Store, profile: Profile, hanging_server: int
) -> None:
    _newsroom(store, profile)
    outbox.collect_outbox(store)
    start = time.monotonic()
    counts = outbox.send_outbox(store, _config(hanging_server, timeout=0.5))
    elapsed = time.monotonic() - start
    assert counts["retry"] == 1
    assert elapsed < 0.5 + 1.0, f"took {elapsed:.2f}s with a 0.5s timeout"
    (msg,) = outbox.outbox_messages(store)
    assert (
        "timed out" in (msg.last_error or "").lower() or "timeout" in (msg.last_error or "").lower()
    )


def test_smtp_settings_come_from_the_environment_and_hide_the_password(
    profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert smtp_config(profile) is None  # no host: the app shows the outbox instead
    monkeypatch.setenv("DRAFTER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DRAFTER_SMTP_SENDER", "desk@example.org")
    monkeypatch.setenv("DRAFTER_SMTP_PASSWORD", "s3cret-pw")
    config = smtp_config(profile)
    assert config is not None and config.password == "s3cret-pw"
    assert "s3cret-pw" not in repr(config)
