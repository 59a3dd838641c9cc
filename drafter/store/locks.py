"""Edit locks on a draft: who is editing it, since when, and takeovers that lose nothing.

Opening a draft for editing (the review page, ``drafter revise``, a Word import) takes
its lock; anyone else may read it but not save (:func:`require_unlocked`, called by
:func:`drafter.store.workflow.revise_text`, raises :class:`~drafter.errors.LockedError`).
A lock lapses after an idle time (:func:`lock_idle`: ``DRAFTER_LOCK_IDLE_MINUTES``,
else the profile's ``collab.lock_idle_minutes``). The holder's browser reports its
unsaved text with each heartbeat; when another editor takes the lock over (or the lock
lapsed), that text is kept as a copy (:class:`KeptCopy`) the holder is told about on
their next page and in the outbox. The draft's version check stays the last defence.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from drafter.errors import InputError, LockedError, NotFoundError
from drafter.profile import Profile
from drafter.store._connection import Conn, current_user, utc_now
from drafter.store._connection import lock as advisory_lock
from drafter.store.database import Store
from drafter.text.clock import local_time

__all__ = [
    "DEFAULT_LOCK_IDLE",
    "EditLock",
    "KeptCopy",
    "current_lock",
    "editing",
    "heartbeat",
    "kept_copies",
    "lock_idle",
    "mark_copy_seen",
    "open_for_edit",
    "release_lock",
    "require_unlocked",
    "take_over",
]

DEFAULT_LOCK_IDLE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class EditLock:
    """A live lock: its draft, holder, when it was taken and when the holder was last seen."""

    draft_id: int
    holder: str
    since: str
    last_seen: str

    def since_hm(self, tz: str | None = None) -> str:
        """When it was taken, as ``HH:MM`` in the office's zone (``tz``: the profile's)."""
        return local_time(self.since, tz, "%H:%M")

    def label(self, tz: str | None = None) -> str:
        """“张三 正在编辑（10:42 起）”, in the office's zone."""
        return f"{self.holder} 正在编辑（{self.since_hm(tz)} 起）"


@dataclass(frozen=True)
class KeptCopy:
    """Unsaved text of a holder whose lock was taken over (or lapsed), kept for them."""

    id: int
    draft_id: int
    holder: str
    taken_by: str
    text: str
    seen: bool
    created_at: str


def lock_idle(profile: Profile | None = None) -> dt.timedelta:
    """How long a silent lock lives: the environment, else the profile, else 15 minutes."""
    raw = os.environ.get("DRAFTER_LOCK_IDLE_MINUTES", "").strip()
    if raw:
        try:
            return dt.timedelta(minutes=float(raw))
        except ValueError:
            raise InputError(f"DRAFTER_LOCK_IDLE_MINUTES 不是数字：{raw}", hint="例如 15") from None
    if profile is not None:
        return dt.timedelta(minutes=profile.collab.lock_idle_minutes)
    return DEFAULT_LOCK_IDLE


def _cutoff(idle: dt.timedelta | None) -> str:
    then = dt.datetime.now(dt.UTC) - (idle if idle is not None else lock_idle())
    return then.isoformat(timespec="seconds")


def _lock(r: Any) -> EditLock:
    return EditLock(r["draft_id"], r["holder"], r["since"], r["last_seen"])


def current_lock(
    store: Store, draft_id: int, *, idle: dt.timedelta | None = None
) -> EditLock | None:
    """The draft's live lock, or ``None`` (never taken, released, or idle too long)."""
    found = store._query(
        "SELECT * FROM edit_locks WHERE draft_id = :d AND last_seen >= :cut",
        {"d": draft_id, "cut": _cutoff(idle)},
    )
    return _lock(found[0]) if found else None


def _report_id(conn: Conn, draft_id: int) -> int:
    row = conn.execute("SELECT report_id FROM drafts WHERE id = :d", {"d": draft_id}).fetchone()
    if row is None:
        raise NotFoundError(f"没有稿件 {draft_id}", hint="用 drafter queue 查看稿件编号")
    return int(row["report_id"])


def _keep(conn: Conn, draft_id: int, r: Any, taken_by: str, *, lapsed: bool) -> int | None:
    """Keep the old holder's unsaved text as a copy and log the takeover; the copy's id."""
    text = (r["pending_text"] or "").strip()
    copy_id = None
    now = utc_now()
    if text:
        row = conn.execute(
            "INSERT INTO kept_copies (draft_id, holder, taken_by, text, created_at)"
            " VALUES (:d, :h, :t, :x, :now) RETURNING id",
            {"d": draft_id, "h": r["holder"], "t": taken_by, "x": text, "now": now},
        ).fetchone()
        assert row is not None  # RETURNING gives the new row
        copy_id = int(row["id"])
    Store._event(
        conn,
        "lock_lapsed" if lapsed else "lock_taken_over",
        draft_id=draft_id,
        report_id=_report_id(conn, draft_id),
        detail={"previous": r["holder"], "since": r["since"], "copy_id": copy_id},
    )
    return copy_id


def open_for_edit(
    store: Store, draft_id: int, *, holder: str | None = None, idle: dt.timedelta | None = None
) -> EditLock:
    """Take the draft's lock when it is free, lapsed or already ours; the lock as it stands.

    The returned lock's holder is someone else when they hold it: the caller shows it
    and offers reading only. A lapsed lock's unsaved text is kept for its holder.
    """
    who = holder or current_user()
    now = utc_now()
    with store.transaction() as conn:
        advisory_lock(conn, f"edit_lock:{draft_id}")  # PostgreSQL: one taker at a time
        row = conn.execute(
            "SELECT * FROM edit_locks WHERE draft_id = :d", {"d": draft_id}
        ).fetchone()
        if row is not None and row["holder"] == who:
            conn.execute(
                "UPDATE edit_locks SET last_seen = :now WHERE draft_id = :d",
                {"now": now, "d": draft_id},
            )
            return EditLock(draft_id, who, row["since"], now)
        if row is not None and row["last_seen"] >= _cutoff(idle):
            return _lock(row)
        if row is not None:
            _keep(conn, draft_id, row, who, lapsed=True)
            conn.execute("DELETE FROM edit_locks WHERE draft_id = :d", {"d": draft_id})
        else:
            _report_id(conn, draft_id)  # a missing draft is NotFound, not a lock
        conn.execute(
            "INSERT INTO edit_locks (draft_id, holder, since, last_seen)"
            " VALUES (:d, :h, :now, :now)",
            {"d": draft_id, "h": who, "now": now},
        )
    return EditLock(draft_id, who, now, now)


def take_over(store: Store, draft_id: int, *, holder: str | None = None) -> int | None:
    """Take the lock from whoever holds it (logged); the id of the copy kept for them."""
    who = holder or current_user()
    now = utc_now()
    with store.transaction() as conn:
        advisory_lock(conn, f"edit_lock:{draft_id}")  # PostgreSQL: one taker at a time
        row = conn.execute(
            "SELECT * FROM edit_locks WHERE draft_id = :d", {"d": draft_id}
        ).fetchone()
        copy_id = None
        if row is not None and row["holder"] != who:
            copy_id = _keep(conn, draft_id, row, who, lapsed=False)
            conn.execute("DELETE FROM edit_locks WHERE draft_id = :d", {"d": draft_id})
            row = None
        if row is None:
            _report_id(conn, draft_id)
            conn.execute(
                "INSERT INTO edit_locks (draft_id, holder, since, last_seen)"
                " VALUES (:d, :h, :now, :now)",
                {"d": draft_id, "h": who, "now": now},
            )
    return copy_id


def heartbeat(
    store: Store, draft_id: int, text: str | None = None, *, holder: str | None = None
) -> bool:
    """The holder is still here (with their unsaved text); False when the lock is not theirs."""
    who = holder or current_user()
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE edit_locks SET last_seen = :now,"
            " pending_text = COALESCE(:text, pending_text)"
            " WHERE draft_id = :d AND holder = :h RETURNING draft_id",
            {"now": utc_now(), "text": text, "d": draft_id, "h": who},
        )
        return cur.fetchone() is not None


def release_lock(store: Store, draft_id: int, *, holder: str | None = None) -> None:
    """Give the lock back (after saving, or leaving); someone else's lock is left alone."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM edit_locks WHERE draft_id = :d AND holder = :h",
            {"d": draft_id, "h": holder or current_user()},
        )


def require_unlocked(
    store: Store, draft_id: int, *, who: str | None = None, zone: str | None = None
) -> None:
    """Refuse to save while someone else holds a live lock on the draft (``zone``: for its time)."""
    lock = current_lock(store, draft_id)
    if lock is not None and lock.holder != (who or current_user()):
        raise LockedError(
            f"稿件 {draft_id}：{lock.label(zone)}，暂不能保存",
            hint="可以阅读；等对方完成，或由编辑在审稿页接手编辑（对方未保存的文字会留存副本）",
            draft_id=draft_id,
            holder=lock.holder,
        )


@contextmanager
def editing(store: Store, draft_id: int, *, zone: str | None = None) -> Iterator[EditLock]:
    """Hold the draft's lock for a command-line edit; refused when someone else holds it.

    Given back at the end, unless it was already the user's (their open review page keeps it).
    """
    before = current_lock(store, draft_id)
    lock = open_for_edit(store, draft_id)
    if lock.holder != current_user():
        require_unlocked(store, draft_id, zone=zone)
    try:
        yield lock
    finally:
        if before is None or before.holder != lock.holder:
            release_lock(store, draft_id)


def kept_copies(
    store: Store, *, holder: str | None = None, draft_id: int | None = None, unseen: bool = False
) -> list[KeptCopy]:
    """Kept copies, newest first: a holder's, a draft's, or (``unseen``) not yet read."""
    where: list[str] = ["1 = 1"]
    params: dict[str, object] = {}
    if holder is not None:
        where.append("holder = :h")
        params["h"] = holder
    if draft_id is not None:
        where.append("draft_id = :d")
        params["d"] = draft_id
    if unseen:
        where.append("seen = 0")
    found = store._query(
        f"SELECT * FROM kept_copies WHERE {' AND '.join(where)} ORDER BY id DESC", params
    )
    return [
        KeptCopy(
            r["id"],
            r["draft_id"],
            r["holder"],
            r["taken_by"],
            r["text"],
            bool(r["seen"]),
            r["created_at"],
        )
        for r in found
    ]


def mark_copy_seen(store: Store, copy_id: int, *, holder: str | None = None) -> None:
    """The holder has read the notice of their kept copy (the copy itself stays)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE kept_copies SET seen = 1 WHERE id = :i AND holder = :h",
            {"i": copy_id, "h": holder or current_user()},
        )
