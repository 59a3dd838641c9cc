"""Correcting what the store believes about a report: its organization, kind, date, section.

A report that names no organization (or the wrong one) is drafted as if by nobody;
:func:`correct_report` re-reads the stored report with the editor's organization, kind
and received date (relative dates such as 昨天 then resolve) so ``redraft`` can draft it
again. :func:`correct_draft` fixes the metadata of a draft already revised or accepted
without redrafting: the report's organization and kind, and the brief's section. Each
correction is one transaction and an event with the values before and after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drafter.errors import ConflictError, InputError
from drafter.profile import Profile
from drafter.schemas import Brief, OrgKind, Report
from drafter.store._connection import Conn
from drafter.store.database import Store
from drafter.store.records import DraftRecord

__all__ = ["correct_draft", "correct_report"]


def _reread(
    store: Store,
    record: DraftRecord,
    *,
    profile: Profile,
    org: str | None,
    kind: OrgKind | None,
    date: dt.date | None,
) -> Report:
    """The stored report read again with the corrected organization, kind and date."""
    from drafter.ingest.report import report_from_text
    from drafter.text.files import decode_bytes

    stored = store.get_report(record.report_id)
    old = stored.report
    text = (
        decode_bytes(stored.original, where=old.source_path or "原始材料").text
        if stored.original
        else (f"{old.title}\n\n{old.text}" if old.title else old.text)
    )
    new = report_from_text(
        text,
        source_path=old.source_path,
        encoding=old.encoding,
        profile=profile,
        org=org or old.org,
        kind=kind or old.kind,
        title=old.title,
        date=date or old.received,
        lead=old.lead,
    )
    return new.model_copy(update={"id": old.id})


def _save_report(store: Store, record: DraftRecord, report: Report, detail: dict[str, Any]) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE reports SET org = :org, org_short = :org_short, kind = :kind,"
            " title = :title, report_json = :report_json WHERE id = :id",
            {
                "org": report.org,
                "org_short": report.org_short,
                "kind": report.kind,
                "title": report.title,
                "report_json": report.model_dump_json(),
                "id": record.report_id,
            },
        )
        store._event(
            conn, "corrected", draft_id=record.id, report_id=record.report_id, detail=detail
        )


def _changes(before: Report, after: Report) -> dict[str, Any]:
    fields = ("org", "org_short", "kind", "received")
    return {
        f: {"before": _plain(getattr(before, f)), "after": _plain(getattr(after, f))}
        for f in fields
        if getattr(before, f) != getattr(after, f)
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def correct_report(
    store: Store,
    draft_id: int,
    *,
    profile: Profile,
    org: str | None = None,
    kind: OrgKind | None = None,
    date: dt.date | None = None,
) -> Report:
    """Re-read a draft's report with a corrected organization, kind or received date."""
    record = store.get_draft(draft_id)
    if record.published_issue_id is not None:
        raise ConflictError(f"稿件 {draft_id} 已刊发，不能更正", draft_id=draft_id)
    before = store.get_report(record.report_id).report
    after = _reread(store, record, profile=profile, org=org, kind=kind, date=date)
    changes = _changes(before, after)
    if changes:
        _save_report(store, record, after, {"changes": changes})
    return after


def correct_draft(
    store: Store,
    draft_id: int,
    *,
    profile: Profile,
    org: str | None = None,
    kind: OrgKind | None = None,
    section: str | None = None,
) -> DraftRecord:
    """Correct a stored draft's organization, kind or section without redrafting it.

    The report is re-read with the organization and kind; the section is set on the
    machine draft and on the editor's last revision (the text under review), so the
    draft goes where the editor says in the next issue.
    """
    if org is None and kind is None and section is None:
        raise InputError("没有要更正的内容", hint="用 --org、--kind 或 --section 指定")
    keys = {s.key for s in profile.ordered_sections()}
    if section is not None and section not in keys:
        raise InputError(f"没有栏目“{section}”", hint=f"可用栏目：{'、'.join(sorted(keys))}")
    record = store.get_draft(draft_id)
    if record.published_issue_id is not None:
        raise ConflictError(
            f"稿件 {draft_id} 已刊发，不能更正",
            hint="先用 drafter issue reopen 重新打开它所在的期刊",
            draft_id=draft_id,
        )
    before = store.get_report(record.report_id).report
    after = before
    if org is not None or kind is not None:
        after = _reread(store, record, profile=profile, org=org, kind=kind, date=None)
    detail: dict[str, Any] = {"changes": _changes(before, after)}

    def fix(raw: str | None) -> str | None:
        if raw is None:
            return None
        brief = Brief.model_validate_json(raw)
        update: dict[str, Any] = {}
        if kind is not None:
            update["kind"] = after.kind
        if section is not None:
            update["section"] = section
        return brief.model_copy(update=update).model_dump_json() if update else raw

    if section is not None:
        old = record.current_brief.section if record.current_brief else None
        detail["changes"]["section"] = {"before": old, "after": section}
    with store.transaction() as conn:
        row = store._claim(
            conn,
            draft_id,
            record.version,
            ("submitted", "failed", "drafted", "revised", "accepted", "rejected"),
            "更正",
        )
        conn.execute(
            "UPDATE reports SET org = :org, org_short = :org_short, kind = :kind,"
            " report_json = :report_json WHERE id = :id",
            {
                "org": after.org,
                "org_short": after.org_short,
                "kind": after.kind,
                "report_json": after.model_dump_json(),
                "id": record.report_id,
            },
        )
        store._bump(
            conn,
            draft_id,
            row["version"],
            "brief_json = :brief_json",
            {"brief_json": fix(_raw_brief(conn, draft_id))},
        )
        if record.revision is not None:
            conn.execute(
                "UPDATE revisions SET brief_json = :brief_json WHERE id = :id",
                {
                    "brief_json": fix(record.revision.brief.model_dump_json()),
                    "id": record.revision.id,
                },
            )
        store._event(
            conn, "corrected", draft_id=draft_id, report_id=record.report_id, detail=detail
        )
    return store.get_draft(draft_id)


def _raw_brief(conn: Conn, draft_id: int) -> str | None:
    row = conn.execute("SELECT brief_json FROM drafts WHERE id = :id", {"id": draft_id}).fetchone()
    return None if row is None else row["brief_json"]
