"""One page of the review queue, filtered, sorted and counted in SQL.

:meth:`Reader.list_drafts` reads every draft; a web queue over a hundred thousand drafts
must not, so this reads only the page asked for (and the total, for the pager). Deep
pages stay cheap: the page's ids are found first by a narrow query (draft columns only,
the reports joined only when a filter or the sort needs them, no per-row subquery), and
only those ids' full rows are read; migration 0007 indexes the orders the queue offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from drafter.errors import InputError
from drafter.profile import Profile
from drafter.schemas import OrgKind
from drafter.store._connection import in_list
from drafter.store._reader import _DRAFT_SELECT
from drafter.store.database import Store
from drafter.store.records import DraftRecord, draft_from_row

__all__ = ["QUEUE_SORTS", "QueuePage", "queue_page"]

# Sort key → ORDER BY; every order ends in the id, so paging is stable.
_ORDER = {
    "oldest": "d.id ASC",
    "newest": "d.id DESC",
    "org": "COALESCE(r.org_short, r.org, '') ASC, d.id ASC",
    "errors": "d.error_count DESC, d.id DESC",  # all descending: one index scanned backwards
}
QUEUE_SORTS = {
    "oldest": "最早收到在前",
    "newest": "最新收到在前",
    "org": "按单位",
    "errors": "错误多的在前",
}
"""The queue's sort keys and how a person reads them (CLI and web offer these)."""

# The text under review: the editor's last revision, else the machine draft.
_CURRENT_BRIEF = (
    "COALESCE((SELECT v.brief_json FROM revisions v WHERE v.draft_id = d.id"
    " ORDER BY v.number DESC LIMIT 1), d.brief_json)"
)


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


def _section_filter(section: str, profile: Profile, params: dict[str, Any]) -> str:
    """Drafts in ``section``: by the brief under review, or, not drafted yet, by the
    section the profile gives the report's kind (as drafting will)."""
    # Briefs are stored as pydantic's compact JSON, where a key is always `"key":` and a
    # quote inside a string value is escaped, so this matches the section field only.
    pattern = '"section":"' + section.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params["section_pat"] = "%" + pattern + '"%'
    kinds = [
        k for k in get_args(OrgKind) if profile.section_of(k, lead=profile.is_lead(k)) == section
    ]
    drafted = f"{_CURRENT_BRIEF} LIKE :section_pat ESCAPE '\\'"
    if not kinds:
        return f"({drafted})"
    return (
        f"({drafted} OR ({_CURRENT_BRIEF} IS NULL AND r.kind IN ({in_list('sk', kinds, params)})))"
    )


def queue_page(
    store: Store,
    *,
    status: str | None = None,
    kind: str | None = None,
    org: str | None = None,
    has_errors: bool | None = None,
    section: str | None = None,
    profile: Profile | None = None,
    sort: str = "oldest",
    newest_first: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> QueuePage:
    """Page ``page`` (from 1) of the drafts matching the filters, sorted by ``sort``
    (one of :data:`QUEUE_SORTS`; ``newest_first`` is the older spelling of "newest").

    ``section`` is a section key of ``profile`` (or ``"lead"``); it needs the profile to
    place drafts not drafted yet.
    """
    if sort not in _ORDER:
        raise InputError(f"未知的排序方式：{sort}", hint=f"可选：{'、'.join(QUEUE_SORTS)}")
    if newest_first and sort == "oldest":
        sort = "newest"
    where: list[str] = []
    params: dict[str, Any] = {}
    reports = sort == "org"  # whether the reports table must be joined
    if status == "published":
        where.append("d.published_issue_id IS NOT NULL")
    elif status:
        where.append("d.status = :status AND d.published_issue_id IS NULL")
        params["status"] = status
    if kind:
        where.append("r.kind = :kind")
        params["kind"] = kind
        reports = True
    if org:
        where.append("(r.org = :org OR r.org_short = :org)")
        params["org"] = org
        reports = True
    if has_errors is True:
        where.append("d.error_count > 0")
    elif has_errors is False:
        where.append("d.error_count = 0")
    if section:
        if profile is None:
            raise InputError("按栏目筛选需要配置文件（profile）")
        where.append(_section_filter(section, profile, params))
        reports = True
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    # The reports are joined only when a filter or the sort reads them: without them the
    # count and the id page are index scans over drafts alone.
    joined = " JOIN reports r ON r.id = d.report_id" if reports else ""
    total = store._query("SELECT COUNT(*) AS n FROM drafts d" + joined + clause, params)[0]["n"]
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)  # past the end: the last page (and no huge OFFSET)
    ids = [
        r["id"]
        for r in store._query(
            "SELECT d.id FROM drafts d"
            + joined
            + clause
            + f" ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset",
            {**params, "limit": per_page, "offset": (page - 1) * per_page},
        )
    ]
    drafts: list[DraftRecord] = []
    if ids:
        id_params: dict[str, Any] = {}
        rows = store._query(
            _DRAFT_SELECT + f" WHERE d.id IN ({in_list('id', ids, id_params)})", id_params
        )
        by_id = {r["id"]: r for r in rows}
        # The page shows what is under review now: an editor's revision, not the machine draft.
        latest = store.latest_revisions([r["id"] for r in rows if r["revision_count"]])
        drafts = [draft_from_row(by_id[i], latest.get(i)) for i in ids if i in by_id]
    return QueuePage(drafts=drafts, total=total, page=page, per_page=per_page)
