"""Notes on a draft: internal ones (editors only) and notes to the contributor.

Each note has its author and time and is also an event (``note_added``), so the log
tells the whole story. Notes to the contributor appear on their submission page, in
``drafter feedback`` and in the notification of a decision; a rejection and an
accepted-with-changes decision require one (:func:`drafter.store.workflow.accept`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drafter.errors import InputError
from drafter.store._connection import Conn, current_user, utc_now
from drafter.store.database import Store

__all__ = ["AUDIENCES", "Audience", "Note", "add_note", "list_notes", "write_note"]

Audience = Literal["internal", "contributor"]
AUDIENCES: dict[str, str] = {"internal": "内部备注", "contributor": "给报送人的说明"}
MAX_NOTE = 4000


@dataclass(frozen=True)
class Note:
    id: int
    draft_id: int
    audience: Audience
    author: str
    body: str
    created_at: str

    @property
    def audience_zh(self) -> str:
        return AUDIENCES[self.audience]


def _clean(body: str) -> str:
    text = body.strip()
    if not text:
        raise InputError("备注不能为空")
    if len(text) > MAX_NOTE:
        raise InputError(f"备注太长：最多 {MAX_NOTE} 个字符")
    return text


def write_note(
    conn: Conn, draft_id: int, report_id: int, audience: Audience, body: str, *, log: bool = True
) -> int:
    """Write a note (and its event) inside the caller's transaction; its id.

    ``log=False`` when the note is part of a decision whose own event carries it.
    """
    if audience not in AUDIENCES:
        raise InputError(f"未知的备注类型：{audience}", hint="internal 或 contributor")
    text = _clean(body)
    author = current_user()
    row = conn.execute(
        "INSERT INTO notes (draft_id, audience, author, body, created_at)"
        " VALUES (:d, :a, :au, :b, :now) RETURNING id",
        {"d": draft_id, "a": audience, "au": author, "b": text, "now": utc_now()},
    ).fetchone()
    assert row is not None  # RETURNING gives the new row
    note_id = int(row["id"])
    if not log:
        return note_id
    Store._event(
        conn,
        "note_added",
        draft_id=draft_id,
        report_id=report_id,
        detail={"note_id": note_id, "audience": audience, "body": text},
    )
    return note_id


def add_note(store: Store, draft_id: int, body: str, *, audience: Audience = "internal") -> Note:
    """Add a note to a draft (author: the acting user)."""
    record = store.get_draft(draft_id)
    with store.transaction() as conn:
        note_id = write_note(conn, draft_id, record.report_id, audience, body)
    return next(n for n in list_notes(store, draft_id) if n.id == note_id)


def list_notes(
    store: Store, draft_id: int, *, audience: Audience | None = None, since: str | None = None
) -> list[Note]:
    """A draft's notes, oldest first; only one audience's when given."""
    sql = "SELECT * FROM notes WHERE draft_id = :d"
    params: dict[str, object] = {"d": draft_id}
    if audience is not None:
        sql += " AND audience = :a"
        params["a"] = audience
    if since is not None:
        sql += " AND created_at >= :s"
        params["s"] = since
    return [
        Note(r["id"], r["draft_id"], r["audience"], r["author"], r["body"], r["created_at"])
        for r in store._query(sql + " ORDER BY id", params)
    ]
