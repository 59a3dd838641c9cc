"""Notifications: an outbox derived from the event log, delivered by SMTP in the background.

:func:`collect_outbox` reads the events since its cursor and writes one message per event and
recipient (``UNIQUE (event_id, recipient)``: a second collector adds nothing):
contributors hear when their report is accepted (as is, or changed), rejected or
published, with the notes to them and the editors' changes; editors hear of a new
report in their sections; an editor whose lock was taken over hears where their
unsaved text was kept. :func:`notify_recipients` tells a page, before the button is pressed,
who will be told. :func:`send_outbox` delivers what is due with
:func:`drafter.store.delivery.send_mail`, retrying with doubling backoff up to the
configured attempts; :class:`OutboxSender` does it in a background thread (started
with the web app; ``drafter outbox send`` runs one round). Without SMTP, messages
wait in the outbox and the app shows them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from drafter.profile import load_profile
from drafter.schemas import OrgKind
from drafter.store._connection import Conn, utc_now
from drafter.store.database import Store
from drafter.store.delivery import SmtpConfig, send_mail
from drafter.text.clock import local_time

__all__ = [
    "ACTIONS_ZH",
    "Message",
    "OutboxSender",
    "collect_outbox",
    "notify_recipients",
    "outbox_messages",
    "send_outbox",
    "set_notify_address",
]

log = logging.getLogger(__name__)

ACTIONS_ZH = {
    "submitted": "新报送",
    "accepted": "已采用",
    "changed": "已采用（有修改）",
    "rejected": "已退回",
    "published": "已刊发",
    "unpublished": "撤回刊发",
    "lock_taken_over": "编辑被接手",
    "lock_lapsed": "编辑已超时",
}
_CONTRIBUTOR_EVENTS = ("accepted", "rejected", "published", "unpublished")


@dataclass(frozen=True)
class Message:
    id: int
    recipient: str
    email: str | None
    draft_id: int | None
    kind: str
    subject: str
    body: str
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    sent_at: str | None

    @property
    def kind_zh(self) -> str:
        return ACTIONS_ZH.get(self.kind, self.kind)


def set_notify_address(
    store: Store, account: str, email: str | None, *, sections: list[str] | None = None
) -> None:
    """Where ``account`` is told things; an editor's ``sections`` (none: every section)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO notify_addresses (account, email, sections_json) VALUES (:a, :e, :s)"
            " ON CONFLICT (account) DO UPDATE SET email = :e, sections_json = :s",
            {"a": account, "e": email or None, "s": json.dumps(sections or [], ensure_ascii=False)},
        )


def _addresses(store: Store) -> dict[str, tuple[str | None, list[str]]]:
    return {
        r["account"]: (r["email"], json.loads(r["sections_json"]))
        for r in store._query("SELECT * FROM notify_addresses")
    }


def notify_recipients(store: Store, draft_id: int, action: str) -> list[str]:
    """The accounts told when ``action`` happens to the draft (for the page, and collect)."""
    from drafter.store.accounts import list_accounts

    d = store.get_draft(draft_id)
    people = [a for a in list_accounts(store) if not a.disabled]
    if action in (*_CONTRIBUTOR_EVENTS, "changed"):
        return [a.name for a in people if a.role == "contributor" and a.may_see(d.org, d.org_short)]
    if action == "submitted":
        brief = d.current_brief
        # Not drafted yet (a worker drafts it later): the profile places it by its kind.
        section = (
            brief.section if brief is not None else load_profile().section_of(cast(OrgKind, d.kind))
        )
        where = _addresses(store)
        return [
            a.name
            for a in people
            if a.is_editor and (not where.get(a.name, (None, []))[1] or section in where[a.name][1])
        ]
    return []


def _body(store: Store, draft_id: int, kind: str) -> tuple[str, str]:
    """Subject and text of a decision message: state, notes to the contributor, changes."""
    from drafter.store.contributors import draft_status
    from drafter.store.diff import format_diff
    from drafter.store.notes import list_notes

    item = draft_status(store, draft_id)
    headline = item["headline"] or "（未成稿）"
    subject = f"【{ACTIONS_ZH[kind]}】稿件 {draft_id}：{headline}"
    lines = [f"稿件 {draft_id}：{headline}", f"状态：{item['status_zh']}"]
    if item["issue"]:
        lines.append(f"刊于：{item['issue']}")
    zone = load_profile().timezone
    for note in list_notes(store, draft_id, audience="contributor"):
        lines.append(f"编辑说明（{note.author}，{local_time(note.created_at, zone)}）：{note.body}")
    changes = format_diff(item["diff"])
    if changes:
        lines.append("编辑改动（- 原稿，+ 改后）：")
        lines.extend(f"  {line}" for line in changes)
    return subject, "\n".join(lines) + "\n"


def _unpublished(
    store: Store, draft_id: int, event: dict[str, object], why: str
) -> tuple[str, str]:
    """Subject and text telling a contributor their printed brief's issue was reopened."""
    from drafter.store.contributors import issue_label

    issue_id = event.get("issue_id")
    label = issue_label(store, issue_id if isinstance(issue_id, int) else None) or "所刊期刊"
    headline = store.get_draft(draft_id).headline or "（未成稿）"
    subject = f"【{ACTIONS_ZH['unpublished']}】稿件 {draft_id}：{headline}"
    lines = [
        f"稿件 {draft_id}：{headline}",
        f"{label}已由编辑部重新打开，这篇稿件暂时撤回刊发。",
        f"理由：{why}" if why else "",
        "改定后重新刊发时会再通知你。",
    ]
    return subject, "\n".join(line for line in lines if line) + "\n"


def _messages_for(store: Store, event: dict[str, object]) -> list[tuple[str, str, str, str]]:
    """(recipient, kind, subject, body) for one event; nothing for events nobody hears of."""
    kind = str(event["kind"])
    draft_id = event["draft_id"]
    if not isinstance(draft_id, int):
        return []
    detail = json.loads(str(event["detail_json"]))
    if kind in ("lock_taken_over", "lock_lapsed"):
        copy = detail.get("copy_id")
        kept = (
            f"你未保存的文字已留存为副本（编号 {copy}），打开该稿件的审稿页即可取回。"
            if copy
            else ""
        )
        body = f"稿件 {draft_id} 的编辑已由 {event['actor']} 接手。{kept}\n"
        return [(str(detail.get("previous")), kind, f"【{ACTIONS_ZH[kind]}】稿件 {draft_id}", body)]
    if kind == "submitted":
        d = store.get_draft(draft_id)
        subject = f"【新报送】稿件 {draft_id}：{d.org or '（未知单位）'}"
        body = f"{d.org or '（未知单位）'} 报送了稿件 {draft_id}，请到队列中审阅。\n"
        return [(name, kind, subject, body) for name in notify_recipients(store, draft_id, kind)]
    if kind == "unpublished":  # its issue was reopened: the brief is out until it is again
        subject, body = _unpublished(store, draft_id, event, str(detail.get("why") or ""))
        return [(name, kind, subject, body) for name in notify_recipients(store, draft_id, kind)]
    if kind in _CONTRIBUTOR_EVENTS:
        if kind == "accepted" and store.revisions(draft_id):
            kind = "changed"
        subject, body = _body(store, draft_id, kind)
        return [(name, kind, subject, body) for name in notify_recipients(store, draft_id, kind)]
    return []


def collect_outbox(store: Store) -> int:
    """Turn new events into messages; how many were written. Safe to run concurrently."""
    cursor = store._query("SELECT last_event_id FROM outbox_cursor WHERE id = 1")
    last = int(cursor[0]["last_event_id"]) if cursor else 0
    events = store._query(
        "SELECT * FROM events WHERE id > :last AND draft_id IS NOT NULL ORDER BY id LIMIT 500",
        {"last": last},
    )
    top = store._query("SELECT MAX(id) AS m FROM events")[0]["m"] or last
    planned = [(e["id"], m) for e in events for m in _messages_for(store, dict(e))]
    where = _addresses(store)
    written = 0
    now = utc_now()
    end = int(events[-1]["id"]) if len(events) == 500 else int(top)
    with store.transaction() as conn:
        for event_id, (who, kind, subject, body) in planned:
            cur = conn.execute(
                "INSERT INTO outbox (event_id, recipient, email, draft_id, kind, subject, body,"
                " next_attempt, created_at) VALUES (:e, :r, :m, :d, :k, :s, :b, :now, :now)"
                " ON CONFLICT (event_id, recipient) DO NOTHING RETURNING id",
                {
                    "e": event_id,
                    "r": who,
                    "m": where.get(who, (None, []))[0],
                    "d": _draft_of(conn, event_id),
                    "k": kind,
                    "s": subject,
                    "b": body,
                    "now": now,
                },
            )
            written += cur.fetchone() is not None
        conn.execute(
            "INSERT INTO outbox_cursor (id, last_event_id) VALUES (1, :t)"
            " ON CONFLICT (id) DO UPDATE SET last_event_id = :t"
            " WHERE outbox_cursor.last_event_id < :t",
            {"t": end},
        )
    return written


def _draft_of(conn: Conn, event_id: int) -> int | None:
    row = conn.execute("SELECT draft_id FROM events WHERE id = :e", {"e": event_id}).fetchone()
    return None if row is None else row["draft_id"]


def _message(r: Any) -> Message:
    g = r.__getitem__
    return Message(
        g("id"),
        g("recipient"),
        g("email"),
        g("draft_id"),
        g("kind"),
        g("subject"),
        g("body"),
        g("status"),
        g("attempts"),
        g("last_error"),
        g("created_at"),
        g("sent_at"),
    )


def outbox_messages(
    store: Store, *, recipient: str | None = None, status: str | None = None, limit: int = 200
) -> list[Message]:
    """Messages, newest first: one recipient's, or of one status."""
    sql, params = "SELECT * FROM outbox WHERE 1 = 1", dict[str, object]()
    if recipient is not None:
        sql += " AND recipient = :r"
        params["r"] = recipient
    if status is not None:
        sql += " AND status = :s"
        params["s"] = status
    params["n"] = limit
    return [_message(r) for r in store._query(sql + " ORDER BY id DESC LIMIT :n", params)]


SendFn = Callable[[SmtpConfig, str, str, str], None]


def send_outbox(
    store: Store, config: SmtpConfig, *, send: SendFn | None = None, limit: int = 50
) -> dict[str, int]:
    """Deliver the messages due now; a failure is retried after a doubling backoff."""
    now = dt.datetime.now(dt.UTC)
    due = store._query(
        "SELECT * FROM outbox WHERE status = 'pending' AND email IS NOT NULL"
        " AND next_attempt <= :now ORDER BY id LIMIT :n",
        {"now": now.isoformat(timespec="seconds"), "n": limit},
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    # A lease: another sender (the app's thread, `drafter outbox send`) skips a message
    # this one is sending; if this process dies, the message is due again after it.
    lease = (now + dt.timedelta(seconds=config.timeout * 4 + 60)).isoformat(timespec="seconds")
    for r in due:
        with store.transaction() as conn:
            claimed = conn.execute(
                "UPDATE outbox SET next_attempt = :lease WHERE id = :i AND status = 'pending'"
                " AND next_attempt = :seen RETURNING id",
                {"lease": lease, "i": r["id"], "seen": r["next_attempt"]},
            ).fetchone()
        if claimed is None:
            continue
        try:
            (send or send_mail)(config, r["email"], r["subject"], r["body"])
        except Exception as exc:  # any failure of the network or server: retried later
            attempts = int(r["attempts"]) + 1
            gave_up = attempts >= config.max_attempts
            wait = dt.timedelta(seconds=config.backoff_seconds * 2 ** (attempts - 1))
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning(
                "outbox %s to %s failed (attempt %s): %s", r["id"], r["email"], attempts, error
            )
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE outbox SET attempts = :a, status = :s, next_attempt = :n,"
                    " last_error = :e WHERE id = :i",
                    {
                        "a": attempts,
                        "s": "failed" if gave_up else "pending",
                        "n": (now + wait).isoformat(timespec="seconds"),
                        "e": error,
                        "i": r["id"],
                    },
                )
            counts["failed" if gave_up else "retry"] += 1
            continue
        with store.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = :t,"
                " last_error = NULL WHERE id = :i",
                {"t": utc_now(), "i": r["id"]},
            )
        counts["sent"] += 1
    return counts


class OutboxSender:
    """A daemon thread: collect and (with SMTP) deliver every ``interval`` seconds.

    It opens its own store connection, so a slow or hanging mail server never holds up
    a web request; :meth:`stop` ends it.
    """

    def __init__(self, db: str | Path, config: SmtpConfig | None, *, interval: float = 5.0) -> None:
        self.db, self.config, self.interval = db, config, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="drafter-outbox", daemon=True)

    def start(self) -> OutboxSender:
        self._thread.start()
        return self

    def poke(self) -> None:
        """Run a round soon (after a request that wrote events)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with Store(self.db) as store:
                    collect_outbox(store)
                    if self.config is not None:
                        send_outbox(store, self.config)
            except Exception:  # keep running: the next round retries
                log.exception("outbox round failed")
            self._wake.wait(self.interval)
            self._wake.clear()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
