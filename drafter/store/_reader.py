"""The editorial database's reads: drafts, reports, revisions, events, accepted briefs.

:class:`Reader` adds the queries to :class:`~drafter.store._database.Database`; each
returns the typed rows of :mod:`drafter.store.records`. Writes are
:class:`drafter.store.database.Store`'s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from drafter.errors import NotFoundError
from drafter.schemas import Brief, Report
from drafter.store._connection import in_list
from drafter.store._database import Database
from drafter.store.records import (
    AcceptedBrief,
    DraftRecord,
    EventRecord,
    RevisionRecord,
    StoredReport,
    draft_from_row,
    revision_from_row,
)

__all__ = ["Reader"]

_DRAFT_SELECT = """
SELECT d.*, r.org, r.org_short, r.kind, r.title,
       (SELECT COUNT(*) FROM revisions v WHERE v.draft_id = d.id) AS revision_count
FROM drafts d JOIN reports r ON r.id = d.report_id
"""


class Reader(Database):
    """The queries of the editorial database (no writes)."""

    def get_draft(self, draft_id: int) -> DraftRecord:
        rows = self._query(_DRAFT_SELECT + " WHERE d.id = :id", {"id": draft_id})
        if not rows:
            raise NotFoundError(
                f"没有编号为 {draft_id} 的稿件",
                hint="用 drafter queue 查看待处理稿件的编号",
                draft_id=draft_id,
            )
        revs = self.revisions(draft_id)
        return draft_from_row(rows[0], revs[-1] if revs else None)

    def list_drafts(
        self,
        statuses: Sequence[str] | None = None,
        *,
        since: str | None = None,
        kind: str | None = None,
    ) -> list[DraftRecord]:
        """Drafts in id order; optionally only some statuses, one org kind, or those
        created at or after ``since`` (a UTC ISO timestamp)."""
        where: list[str] = []
        params: dict[str, Any] = {}
        if kind:
            where.append("r.kind = :kind")
            params["kind"] = kind
        if statuses:
            where.append(f"d.status IN ({in_list('status', statuses, params)})")
        if since:
            where.append("d.created_at >= :since")
            params["since"] = since
        sql = _DRAFT_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.id"
        rows = self._query(sql, params)
        latest = self.latest_revisions() if any(r["revision_count"] for r in rows) else {}
        return [draft_from_row(r, latest.get(r["id"])) for r in rows]

    def drafts_for_content(self, content_id: str) -> list[int]:
        """Ids of drafts whose report has this content id (the same text submitted before)."""
        rows = self._query(
            "SELECT d.id FROM drafts d JOIN reports r ON r.id = d.report_id"
            " WHERE r.content_id = :content_id ORDER BY d.id",
            {"content_id": content_id},
        )
        return [int(r["id"]) for r in rows]

    def get_report(self, report_id: int) -> StoredReport:
        rows = self._query("SELECT * FROM reports WHERE id = :id", {"id": report_id})
        if not rows:
            raise NotFoundError(f"没有编号为 {report_id} 的报送材料", report_id=report_id)
        row = rows[0]
        return StoredReport(
            id=row["id"],
            content_id=row["content_id"],
            report=Report.model_validate_json(row["report_json"]),
            original=row["original"],
            encoding=row["encoding"],
            created_at=row["created_at"],
        )

    def revisions(self, draft_id: int) -> list[RevisionRecord]:
        rows = self._query(
            "SELECT * FROM revisions WHERE draft_id = :id ORDER BY number", {"id": draft_id}
        )
        return [revision_from_row(r) for r in rows]

    def latest_revisions(self, draft_ids: Sequence[int] | None = None) -> dict[int, RevisionRecord]:
        """Each revised draft's last revision, by draft id (only ``draft_ids`` when given)."""
        only = ""
        params: dict[str, Any] = {}
        if draft_ids is not None:
            if not draft_ids:
                return {}
            only = f" AND v.draft_id IN ({in_list('draft', draft_ids, params)})"
        rows = self._query(
            "SELECT v.* FROM revisions v WHERE v.number ="
            " (SELECT MAX(number) FROM revisions w WHERE w.draft_id = v.draft_id)" + only,
            params,
        )
        return {r["draft_id"]: revision_from_row(r) for r in rows}

    def events(self, draft_id: int) -> list[EventRecord]:
        rows = self._query(
            "SELECT * FROM events WHERE draft_id = :id ORDER BY id", {"id": draft_id}
        )
        return [
            EventRecord(
                id=r["id"],
                report_id=r["report_id"],
                draft_id=r["draft_id"],
                kind=r["kind"],
                detail=json.loads(r["detail_json"]),
                actor=r["actor"],
                created_at=r["created_at"],
            )
            for r in rows
        ]

    def final_brief(self, draft: DraftRecord) -> Brief | None:
        """The editor's last revision of ``draft``, else the machine draft."""
        revs = self.revisions(draft.id)
        return revs[-1].brief if revs else draft.brief

    def accepted_unpublished(self) -> list[AcceptedBrief]:
        """Accepted drafts not yet printed, oldest first, with their final text."""
        rows = self._query(
            _DRAFT_SELECT
            + " WHERE d.status = 'accepted' AND d.published_issue_id IS NULL ORDER BY d.id"
        )
        latest = self.latest_revisions()  # one query, not one per draft
        out: list[AcceptedBrief] = []
        for row in rows:
            draft = draft_from_row(row)
            rev = latest.get(draft.id)
            brief = rev.brief if rev is not None else draft.brief
            if brief is not None:
                # An editor accepted it: that was the review a needs_review draft asked for.
                reviewed = brief.model_copy(update={"status": "ready"})
                out.append(AcceptedBrief(draft_id=draft.id, brief=reviewed, kind=draft.kind))
        return out
