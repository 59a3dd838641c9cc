"""The editorial database: reports, drafts, revisions, decisions, issues and events.

One :class:`Store` over one SQLite file or PostgreSQL database. The access layer is
deliberately narrow — explicit methods, plain SQL both engines accept, no ORM. It is
built in three layers: the connection,
transactions and migrations (:mod:`drafter.store._connection`), the queries
(:mod:`drafter.store._reader`) and, here, the writes.

Every write is one transaction (``BEGIN IMMEDIATE`` on SQLite; the draft's row locked
``FOR UPDATE`` on PostgreSQL): a process killed at any moment
leaves either the whole change or none of it. Drafts carry a ``version``; a change
made against a stale version raises :class:`~drafter.errors.ConflictError` instead
of overwriting another editor's work.

Draft lifecycle (``drafts.status``)::

    submitted ─► drafted ─► revised ─► accepted ─► (published: issue recorded)
        │           │  ▲        │  ▲      │
        ▼           │  └ redraft│  └──────┴ revise again (accepted: back to review)
      failed ───────┘           └──────────► rejected  (from any undecided state)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from drafter.errors import ConflictError, NotFoundError
from drafter.schemas import Brief, Finding, Report
from drafter.store._connection import (
    DEFAULT_TIMEOUT,
    Conn,
    Row,
    current_user,
    for_update,
    resolve_db_path,
    utc_now,
)
from drafter.store._reader import Reader
from drafter.store.records import (
    DRAFTABLE,
    EDITABLE,
    REVISABLE,
    STATUS_ZH,
    UNDECIDED,
    DraftRecord,
    DraftStatus,
    RevisionRecord,
    findings_to_json,
    revision_from_row,
)

# The row types live in drafter.store.records; UNDECIDED and DraftRecord stay
# importable from here for callers that predate the split.
__all__ = ["DEFAULT_TIMEOUT", "UNDECIDED", "DraftRecord", "Store", "resolve_db_path"]


class Store(Reader):
    """The editorial database: :class:`~drafter.store._reader.Reader`'s queries and the writes.

    Open with ``Store(path)`` or :meth:`Store.open`; use as a context manager, or call
    :meth:`close`. ``target_version`` stops migrating at that schema version (tests
    build old databases with it); ``None`` brings the database up to date.
    """

    # -- write primitives (inside a transaction) ---------------------------------------
    @staticmethod
    def _event(
        conn: Conn,
        kind: str,
        *,
        draft_id: int | None,
        report_id: int | None,
        detail: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO events (report_id, draft_id, kind, detail_json, actor, created_at)"
            " VALUES (:report_id, :draft_id, :kind, :detail, :actor, :at)",
            {
                "report_id": report_id,
                "draft_id": draft_id,
                "kind": kind,
                "detail": json.dumps(detail or {}, ensure_ascii=False),
                "actor": actor or current_user(),
                "at": utc_now(),
            },
        )

    def _claim(
        self,
        conn: Conn,
        draft_id: int,
        expected_version: int | None,
        allowed: Sequence[DraftStatus],
        action: str,
    ) -> Row:
        """Check a draft is in an allowed state at the expected version (inside a txn);
        on PostgreSQL its row stays locked until the transaction ends."""
        row = conn.execute(
            "SELECT id, report_id, status, version, published_issue_id FROM drafts"
            " WHERE id = :id" + for_update(conn),
            {"id": draft_id},
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"没有编号为 {draft_id} 的稿件",
                hint="用 drafter queue 查看待处理稿件的编号",
                draft_id=draft_id,
            )
        if expected_version is not None and row["version"] != expected_version:
            raise ConflictError(
                f"稿件 {draft_id} 在你操作期间已被他人修改（版本 {expected_version} → "
                f"{row['version']}），本次{action}未保存，什么也没有被覆盖",
                hint=f"用 drafter log {draft_id} 查看对方的改动，再重新{action}",
                draft_id=draft_id,
            )
        if row["status"] not in allowed or row["published_issue_id"] is not None:
            status = "已刊发" if row["published_issue_id"] is not None else STATUS_ZH[row["status"]]
            raise ConflictError(
                f"稿件 {draft_id} 当前状态为“{status}”，不能{action}",
                hint=f"用 drafter log {draft_id} 查看它的处理记录",
                draft_id=draft_id,
                status=row["status"],
            )
        return row

    @staticmethod
    def _bump(
        conn: Conn, draft_id: int, version: int, sets: str, params: Mapping[str, Any]
    ) -> None:
        """``UPDATE drafts SET {sets}`` (``:name`` parameters from ``params``) at ``version``."""
        # The version in WHERE keeps the check correct even without a row lock.
        cur = conn.execute(
            f"UPDATE drafts SET {sets}, version = version + 1, updated_at = :_updated_at"
            " WHERE id = :_draft_id AND version = :_version",
            {**params, "_updated_at": utc_now(), "_draft_id": draft_id, "_version": version},
        )
        if cur.rowcount != 1:
            raise ConflictError(
                f"稿件 {draft_id} 在你操作期间已被他人修改，本次操作未保存",
                hint="请重新读取后再试",
                draft_id=draft_id,
            )

    # -- writes ----------------------------------------------------------------------
    def submit(
        self,
        report: Report,
        *,
        original: bytes | None = None,
        actor: str | None = None,
        also: Callable[[Conn, int], object] | None = None,
    ) -> DraftRecord:
        """Store a report and an empty draft for it (status 'submitted'), atomically.

        ``also(conn, draft_id)`` runs in the same transaction (queuing its drafting job),
        so a crash never leaves a submission without it.
        """
        with self.transaction() as conn:
            now = utc_now()
            new_report = conn.execute(
                "INSERT INTO reports (content_id, org, org_short, kind, title, source_path,"
                " encoding, original, text, report_json, created_at)"
                " VALUES (:content_id, :org, :org_short, :kind, :title, :source_path,"
                " :encoding, :original, :text, :report_json, :at) RETURNING id",
                {
                    "content_id": report.id,
                    "org": report.org,
                    "org_short": report.org_short,
                    "kind": report.kind,
                    "title": report.title,
                    "source_path": report.source_path,
                    "encoding": report.encoding,
                    "original": original,
                    "text": report.text,
                    "report_json": report.model_dump_json(),
                    "at": now,
                },
            ).fetchone()
            assert new_report is not None
            report_id = int(new_report["id"])
            new_draft = conn.execute(
                "INSERT INTO drafts (report_id, status, created_at, updated_at)"
                " VALUES (:report_id, 'submitted', :at, :at) RETURNING id",
                {"report_id": report_id, "at": now},
            ).fetchone()
            assert new_draft is not None
            draft_id = int(new_draft["id"])
            self._event(
                conn,
                "submitted",
                draft_id=draft_id,
                report_id=report_id,
                detail={"org": report.org, "kind": report.kind, "source": report.source_path},
                actor=actor,
            )
            if also is not None:
                also(conn, draft_id)
        return self.get_draft(draft_id)

    def save_draft(
        self,
        draft_id: int,
        brief: Brief,
        text: str,
        *,
        expected_version: int,
        actor: str | None = None,
    ) -> DraftRecord:
        """Record the machine draft ``brief`` (its plain ``text`` is the edit baseline)."""
        errors = sum(1 for f in brief.findings if f.severity == "error")
        warnings = sum(1 for f in brief.findings if f.severity == "warning")
        prov = brief.provenance
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, DRAFTABLE, "起草")
            prev = conn.execute(
                "SELECT brief_json FROM drafts WHERE id = :id", {"id": draft_id}
            ).fetchone()
            previous = prev["brief_json"] if prev is not None else None
            self._bump(
                conn,
                draft_id,
                row["version"],
                "status = 'drafted', engine = :engine, model = :model, prompt_id = :prompt_id,"
                " prompt_version = :prompt_version, prompt_tokens = :prompt_tokens,"
                " completion_tokens = :completion_tokens, brief_json = :brief_json,"
                " draft_text = :draft_text, findings_json = :findings_json,"
                " error_count = :errors, warning_count = :warnings, failure = NULL,"
                " edit_ratio = NULL",
                {
                    "engine": prov.engine,
                    "model": prov.model,
                    "prompt_id": prov.prompt_id,
                    "prompt_version": prov.prompt_version,
                    "prompt_tokens": prov.usage.prompt_tokens,
                    "completion_tokens": prov.usage.completion_tokens,
                    "brief_json": brief.model_dump_json(),
                    "draft_text": text,
                    "findings_json": findings_to_json(brief.findings),
                    "errors": errors,
                    "warnings": warnings,
                },
            )
            detail: dict[str, Any] = {
                "engine": prov.engine,
                "model": prov.model,
                "prompt": f"{prov.prompt_id}@{prov.prompt_version}" if prov.prompt_id else None,
                "errors": errors,
                "warnings": warnings,
                "brief_status": brief.status,
            }
            if previous:  # a redraft: keep the replaced draft in the history
                detail["replaced"] = json.loads(previous)
            self._event(
                conn,
                "redrafted" if previous else "drafted",
                draft_id=draft_id,
                report_id=row["report_id"],
                detail=detail,
                actor=actor,
            )
        return self.get_draft(draft_id)

    def mark_failed(
        self, draft_id: int, reason: str, *, expected_version: int, actor: str | None = None
    ) -> DraftRecord:
        """Drafting failed: the report stays; ``redraft`` can try again."""
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, DRAFTABLE, "记录失败")
            self._bump(
                conn,
                draft_id,
                row["version"],
                "status = 'failed', failure = :failure",
                {"failure": reason},
            )
            self._event(
                conn,
                "draft_failed",
                draft_id=draft_id,
                report_id=row["report_id"],
                detail={"reason": reason},
                actor=actor,
            )
        return self.get_draft(draft_id)

    def add_revision(
        self,
        draft_id: int,
        *,
        expected_version: int,
        brief: Brief,
        text: str,
        diff: list[dict[str, Any]],
        findings: Sequence[Finding],
        edit_ratio: float,
        extra: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> RevisionRecord:
        """Store an editor's revision; the draft becomes 'revised' at a new version.

        ``extra`` adds to the event (notes from a Word file's comments, its name).
        """
        editor = actor or current_user()
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, EDITABLE, "修改")
            # The draft's row is claimed first: a concurrent revision waits on it (or
            # fails its version check) before it can take the same number.
            self._bump(
                conn,
                draft_id,
                row["version"],
                "status = 'revised', edit_ratio = :edit_ratio",
                {"edit_ratio": edit_ratio},
            )
            next_row = conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 AS number FROM revisions WHERE draft_id = :id",
                {"id": draft_id},
            ).fetchone()
            number = int(next_row["number"]) if next_row is not None else 1
            new = conn.execute(
                "INSERT INTO revisions (draft_id, number, brief_json, text, diff_json,"
                " findings_json, edit_ratio, editor, created_at)"
                " VALUES (:draft_id, :number, :brief_json, :text, :diff_json,"
                " :findings_json, :edit_ratio, :editor, :at) RETURNING *",
                {
                    "draft_id": draft_id,
                    "number": number,
                    "brief_json": brief.model_dump_json(),
                    "text": text,
                    "diff_json": json.dumps(diff, ensure_ascii=False),
                    "findings_json": findings_to_json(findings),
                    "edit_ratio": edit_ratio,
                    "editor": editor,
                    "at": utc_now(),
                },
            ).fetchone()
            assert new is not None
            self._event(
                conn,
                "revised",
                draft_id=draft_id,
                report_id=row["report_id"],
                detail={
                    "revision": number,
                    "edit_ratio": edit_ratio,
                    "changed_sentences": sum(1 for op in diff if op.get("op") != "equal"),
                    "errors": sum(1 for f in findings if f.severity == "error"),
                    **(extra or {}),
                },
                actor=editor,
            )
        return revision_from_row(new)

    def decide(
        self,
        draft_id: int,
        decision: Literal["accept", "reject"],
        *,
        expected_version: int | None,
        reason: str | None = None,
        edit_ratio: float | None = None,
        detail: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> DraftRecord:
        """Accept (with the final edit ratio) or reject (with a reason) a draft.

        ``detail`` adds to the event (a forced accept records its reason and the errors).
        """
        editor = actor or current_user()
        allowed: tuple[DraftStatus, ...] = REVISABLE if decision == "accept" else UNDECIDED
        action = "采用" if decision == "accept" else "退回"
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, allowed, action)
            if decision == "accept":
                self._bump(
                    conn,
                    draft_id,
                    row["version"],
                    "status = 'accepted', edit_ratio = :edit_ratio",
                    {"edit_ratio": edit_ratio},
                )
            else:
                self._bump(conn, draft_id, row["version"], "status = 'rejected'", {})
            conn.execute(
                "INSERT INTO decisions (draft_id, decision, reason, draft_version, editor, created_at)"
                " VALUES (:draft_id, :decision, :reason, :version, :editor, :at)",
                {
                    "draft_id": draft_id,
                    "decision": decision,
                    "reason": reason,
                    "version": row["version"],
                    "editor": editor,
                    "at": utc_now(),
                },
            )
            self._event(
                conn,
                "accepted" if decision == "accept" else "rejected",
                draft_id=draft_id,
                report_id=row["report_id"],
                detail={"reason": reason, "edit_ratio": edit_ratio, **(detail or {})},
                actor=editor,
            )
        return self.get_draft(draft_id)
