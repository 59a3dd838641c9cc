"""One page of the review queue, filtered and counted in SQL.

:meth:`Reader.list_drafts` reads every draft; a web queue over ten thousand drafts
must not, so this reads only the page asked for (and the total, for the pager).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drafter.store._reader import _DRAFT_SELECT
from drafter.store.database import Store
from drafter.store.records import DraftRecord, draft_from_row

__all__ = ["QueuePage", "queue_page"]


@dataclass(frozen=True)
class QueuePage:
    """Drafts on one page, the number matching the filters, and the page asked for."""

    drafts: list[DraftRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def queue_page(
    store: Store,
    *,
    status: str | None = None,
    kind: str | None = None,
    org: str | None = None,
    has_errors: bool | None = None,
    newest_first: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> QueuePage:
    """Page ``page`` (from 1) of the drafts matching the filters, in id order."""
    where: list[str] = []
    params: list[Any] = []
    if status == "published":
        where.append("d.published_issue_id IS NOT NULL")
    elif status:
        where.append("d.status = ? AND d.published_issue_id IS NULL")
        params.append(status)
    if kind:
        where.append("r.kind = ?")
        params.append(kind)
    if org:
        where.append("(r.org = ? OR r.org_short = ?)")
        params += [org, org]
    if has_errors is True:
        where.append("d.error_count > 0")
    elif has_errors is False:
        where.append("d.error_count = 0")
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = store._query(
        "SELECT COUNT(*) AS n FROM drafts d JOIN reports r ON r.id = d.report_id" + clause,
        params,
    )[0]["n"]
    page = max(1, page)
    order = "DESC" if newest_first else "ASC"
    rows = store._query(
        _DRAFT_SELECT + clause + f" ORDER BY d.id {order} LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    )
    # The page shows what is under review now: an editor's revision, not the machine draft.
    latest = store.latest_revisions([r["id"] for r in rows if r["revision_count"]])
    drafts = [draft_from_row(r, latest.get(r["id"])) for r in rows]
    return QueuePage(drafts=drafts, total=total, page=page, per_page=per_page)
