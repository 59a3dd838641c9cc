"""A draft issue in the store: made of accepted briefs, then shaped by editors.

``new_issue`` makes a draft issue of accepted briefs placed where the profile puts
them; ``add_briefs`` / ``remove_brief`` / ``place_brief`` (section, order) /
``set_lead`` / ``set_issue_meta`` edit it, each one transaction at the issue's
version, each in the event log with the issue id. Assembling, 目录提要 lines,
previewing, publishing (numbered from the store) and reopening are
:mod:`drafter.store.publish`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from drafter.errors import ConflictError, GateError, InputError, NotFoundError
from drafter.issue.build import LEAD, place_briefs
from drafter.profile import Profile
from drafter.schemas import Brief
from drafter.store._connection import Conn, current_user, for_update, lock, utc_now
from drafter.store.database import Store
from drafter.store.gate import (
    blocking_errors,
    check_brief,
    describe_finding,
    override,
    undated_lead,
)
from drafter.store.records import IssueRecord, Layout

__all__ = [
    "add_briefs",
    "get_issue",
    "issue_events",
    "list_issues",
    "new_issue",
    "place_brief",
    "remove_brief",
    "set_issue_meta",
    "set_lead",
]

# -- reading ------------------------------------------------------------------------------


def _record(conn: Conn, issue_id: int, *, locked: bool = False) -> IssueRecord:
    """The issue; ``locked`` (in a write transaction) keeps its row locked on PostgreSQL."""
    row = conn.execute(
        "SELECT * FROM issues WHERE id = :id" + (for_update(conn) if locked else ""),
        {"id": issue_id},
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"没有编号为 {issue_id} 的期刊",
            hint="用 drafter issue list 查看期刊编号",
            issue_id=issue_id,
        )
    layout: Layout = {}
    for r in conn.execute(
        "SELECT draft_id, COALESCE(section, '') AS section FROM issue_briefs"
        " WHERE issue_id = :id ORDER BY position",
        {"id": issue_id},
    ):
        layout.setdefault(r["section"], []).append(int(r["draft_id"]))
    return IssueRecord(
        id=row["id"],
        status=row["status"],
        version=row["version"],
        date=dt.date.fromisoformat(row["issue_date"]),
        year=row["year"],
        number=row["number"],
        total=row["total"],
        editor=row["editor"],
        reviewer=row["reviewer"],
        layout=layout,
        toc=json.loads(row["toc_json"] or "{}"),
        files=json.loads(row["files_json"] or "{}"),
        published_at=row["published_at"],
    )


def get_issue(store: Store, issue_id: int) -> IssueRecord:
    with store._translated("读取数据库"):
        return _record(store._conn, issue_id)


def list_issues(store: Store) -> list[IssueRecord]:
    rows = store._query("SELECT id FROM issues ORDER BY id")
    return [get_issue(store, int(r["id"])) for r in rows]


def issue_events(store: Store, issue_id: int) -> list[dict[str, Any]]:
    rows = store._query("SELECT * FROM events WHERE issue_id = :id ORDER BY id", {"id": issue_id})
    return [
        {
            "at": r["created_at"],
            "event": r["kind"],
            "actor": r["actor"],
            "draft_id": r["draft_id"],
            "detail": json.loads(r["detail_json"]),
        }
        for r in rows
    ]


def _brief(store: Store, draft_id: int) -> Brief:
    brief = store.get_draft(draft_id).current_brief
    assert brief is not None  # accepted drafts have text
    return brief.model_copy(update={"status": "ready"})


# -- writing ------------------------------------------------------------------------------


def _event(
    conn: Conn,
    kind: str,
    issue_id: int,
    detail: dict[str, Any],
    *,
    draft_id: int | None = None,
    report_id: int | None = None,
) -> None:
    conn.execute(
        "INSERT INTO events (report_id, draft_id, issue_id, kind, detail_json, actor, created_at)"
        " VALUES (:report_id, :draft_id, :issue_id, :kind, :detail, :actor, :at)",
        {
            "report_id": report_id,
            "draft_id": draft_id,
            "issue_id": issue_id,
            "kind": kind,
            "detail": json.dumps(detail, ensure_ascii=False),
            "actor": current_user(),
            "at": utc_now(),
        },
    )


def _save_layout(conn: Conn, issue_id: int, layout: Layout) -> None:
    conn.execute("DELETE FROM issue_briefs WHERE issue_id = :id", {"id": issue_id})
    position = 0
    for key, ids in layout.items():
        for draft_id in ids:
            conn.execute(
                "INSERT INTO issue_briefs (issue_id, draft_id, position, section)"
                " VALUES (:issue_id, :draft_id, :position, :section)",
                {"issue_id": issue_id, "draft_id": draft_id, "position": position, "section": key},
            )
            position += 1


def _open_draft_issue(
    conn: Conn, issue_id: int, expected_version: int | None, *, locked: bool = False
) -> IssueRecord:
    record = _record(conn, issue_id, locked=locked)
    if record.status != "draft":
        raise ConflictError(
            f"{record.label}已刊发，不能再修改",
            hint=f'确需改动请先用 drafter issue reopen {issue_id} --why "理由" 重新打开',
            issue_id=issue_id,
        )
    if expected_version is not None and record.version != expected_version:
        raise ConflictError(
            f"期刊 {issue_id} 在你操作期间已被他人修改（版本 {expected_version} → "
            f"{record.version}），本次修改未保存",
            hint=f"用 drafter issue show {issue_id} 查看最新编排后再改",
            issue_id=issue_id,
        )
    return record


def _edit(
    store: Store,
    issue_id: int,
    kind: str,
    change: Callable[[IssueRecord, Layout], dict[str, Any]],
    *,
    expected_version: int | None = None,
) -> IssueRecord:
    """Apply ``change`` (which edits the layout in place, returns the event detail and
    any column updates under ``"_set"``) in one transaction at the issue's version."""
    with store.transaction() as conn:
        record = _open_draft_issue(conn, issue_id, expected_version, locked=True)
        layout = {k: list(v) for k, v in record.layout.items()}
        detail = change(record, layout)
        sets: dict[str, Any] = detail.pop("_set", {})
        assignments = "".join(f", {column} = :set_{column}" for column in sets)
        cur = conn.execute(
            "UPDATE issues SET version = version + 1, updated_at = :at"
            f"{assignments} WHERE id = :id AND version = :version",
            {
                "at": utc_now(),
                "id": issue_id,
                "version": record.version,
                **{f"set_{column}": value for column, value in sets.items()},
            },
        )
        if cur.rowcount != 1:
            raise ConflictError(
                f"期刊 {issue_id} 在你操作期间已被他人修改，本次修改未保存",
                hint=f"用 drafter issue show {issue_id} 查看最新编排后再改",
                issue_id=issue_id,
            )
        _save_layout(conn, issue_id, {k: v for k, v in layout.items() if v})
        _event(conn, kind, issue_id, detail)
        return _record(conn, issue_id)


def _in_other_issue(conn: Conn, draft_id: int, issue_id: int | None) -> int | None:
    other = "" if issue_id is None else " AND b.issue_id <> :issue_id"
    row = conn.execute(
        "SELECT b.issue_id FROM issue_briefs b JOIN issues i ON i.id = b.issue_id"
        " WHERE b.draft_id = :draft_id AND i.status = 'draft'" + other,
        {"draft_id": draft_id, "issue_id": issue_id},
    ).fetchone()
    return int(row["issue_id"]) if row else None


def _gate(
    store: Store,
    draft_ids: Sequence[int],
    profile: Profile,
    why: str | None,
    action: str = "add_to_issue",
) -> None:
    """Refuse briefs failing the profile's checks for ``action`` (errors: unless their
    accept or ``why`` forced them; a lead without a date: always)."""
    refused: list[str] = []
    findings_all: list[Any] = []
    for draft_id in draft_ids:
        record = store.get_draft(draft_id)
        brief = record.current_brief
        if brief is None:
            continue
        report = store.get_report(record.report_id).report
        errors = blocking_errors(check_brief(brief, report, profile), profile, action)
        if undated_lead(brief, profile, action):
            refused.append(f"稿件 {draft_id}“{brief.headline}”：头条稿没有活动日期")
        accepted = [e for e in store.events(draft_id) if e.kind == "accepted"]
        if errors and why is None and not (accepted and accepted[-1].detail.get("forced")):
            named = "；".join(describe_finding(f) for f in errors[:3])
            refused.append(f"稿件 {draft_id}“{brief.headline}”：{named}")
            findings_all.extend(errors)
    if refused:
        raise GateError(
            f"有{len(refused)}篇稿件的当前文本未通过检查：" + "；".join(refused),
            findings=findings_all,
            hint="用 drafter revise 修改后重新采用；确需编入请在 issue new/add/publish 后加 --force --why 说明理由",
        )


def _eligible(store: Store, draft_ids: Sequence[int], issue_id: int | None) -> None:
    for draft_id in draft_ids:
        record = store.get_draft(draft_id)
        if record.status != "accepted" or record.published_issue_id is not None:
            raise ConflictError(
                f"稿件 {draft_id} 当前状态为“{record.status_zh}”，不能编入期刊",
                hint="只有已采用、未刊发的稿件可以编入；先用 drafter accept 采用",
                draft_id=draft_id,
            )
        other = _in_other_issue(store._conn, draft_id, issue_id)
        if other is not None:
            raise ConflictError(
                f"稿件 {draft_id} 已编入草稿期 {other}",
                hint=f"先用 drafter issue remove {other} {draft_id} 移出",
                draft_id=draft_id,
            )


def _default_place(
    store: Store, draft_ids: Sequence[int], profile: Profile, date: dt.date
) -> Layout:
    briefs = [_brief(store, i) for i in draft_ids]
    return {
        k: [draft_ids[i] for i in idx] for k, idx in place_briefs(briefs, profile, date).items()
    }


def new_issue(
    store: Store,
    *,
    profile: Profile,
    date: dt.date,
    draft_ids: Sequence[int] | None = None,
    editor: str | None = None,
    reviewer: str | None = None,
    force: bool = False,
    why: str | None = None,
) -> IssueRecord:
    """A draft issue of ``draft_ids`` (default: every accepted brief in no issue yet).

    Briefs whose current text has errors are refused unless ``force`` with a ``why``.
    """
    why = override(why, force)
    if draft_ids is None:
        draft_ids = [
            a.draft_id
            for a in store.accepted_unpublished()
            if _in_other_issue(store._conn, a.draft_id, None) is None
        ]
    ids = list(dict.fromkeys(draft_ids))
    if not ids:
        raise InputError(
            "数据库里没有可编入的稿件（已采用、未刊发、不在其他草稿期中）",
            hint="先用 drafter accept 采用稿件，或用 drafter queue --status accepted 查看",
        )
    _eligible(store, ids, None)
    _gate(store, ids, profile, why)
    layout = _default_place(store, ids, profile, date)
    now = utc_now()
    with store.transaction() as conn:
        # Two editors making an issue of the same briefs at once: the second waits here,
        # then finds them taken (SQLite's BEGIN IMMEDIATE already serialises writers).
        lock(conn, "issue-briefs")
        for draft_id in ids:
            other = _in_other_issue(conn, draft_id, None)
            if other is not None:
                raise ConflictError(
                    f"稿件 {draft_id} 已编入草稿期 {other}",
                    hint=f"先用 drafter issue remove {other} {draft_id} 移出",
                    draft_id=draft_id,
                )
        new = conn.execute(
            "INSERT INTO issues (status, issue_date, editor, reviewer, created_at, updated_at)"
            " VALUES ('draft', :date, :editor, :reviewer, :at, :at) RETURNING id",
            {"date": date.isoformat(), "editor": editor, "reviewer": reviewer, "at": now},
        ).fetchone()
        assert new is not None
        issue_id = int(new["id"])
        _save_layout(conn, issue_id, layout)
        _event(conn, "issue_created", issue_id, {"drafts": ids, "why": why})
        return _record(conn, issue_id)


def add_briefs(
    store: Store,
    issue_id: int,
    draft_ids: Sequence[int],
    *,
    profile: Profile,
    force: bool = False,
    why: str | None = None,
) -> IssueRecord:
    """Add accepted briefs where the profile places them (at the end of their section).

    Briefs whose current text has errors are refused unless ``force`` with a ``why``.
    """
    why = override(why, force)
    with store._translated("读取数据库"):
        record = _open_draft_issue(store._conn, issue_id, None)
    ids = [i for i in dict.fromkeys(draft_ids) if i not in record.draft_ids]
    _eligible(store, ids, issue_id)
    _gate(store, ids, profile, why)
    placed = _default_place(store, ids, profile, record.date)

    def change(_: IssueRecord, layout: Layout) -> dict[str, Any]:
        for key, new in placed.items():
            layout.setdefault(key, []).extend(new)
        return {"added": ids, "why": why}

    return _edit(store, issue_id, "issue_briefs_added", change)


def remove_brief(store: Store, issue_id: int, draft_id: int) -> IssueRecord:
    def change(_: IssueRecord, layout: Layout) -> dict[str, Any]:
        for ids in layout.values():
            if draft_id in ids:
                ids.remove(draft_id)
                return {"removed": draft_id}
        raise InputError(f"稿件 {draft_id} 不在期刊 {issue_id} 中", draft_id=draft_id)

    return _edit(store, issue_id, "issue_brief_removed", change)


def place_brief(
    store: Store,
    issue_id: int,
    draft_id: int,
    *,
    profile: Profile,
    section: str | None = None,
    position: int | None = None,
) -> IssueRecord:
    """Move a brief to ``section`` (``"lead"`` makes it a lead story) and/or to
    ``position`` (1-based) within its section."""
    keys = [LEAD, *(s.key for s in profile.ordered_sections())]
    if section is not None and section not in keys:
        raise InputError(f"没有栏目“{section}”", hint=f"可用栏目：{'、'.join(keys)}")

    def change(_: IssueRecord, layout: Layout) -> dict[str, Any]:
        old = next((k for k, ids in layout.items() if draft_id in ids), None)
        if old is None:
            raise InputError(
                f"稿件 {draft_id} 不在期刊 {issue_id} 中",
                hint=f"先用 drafter issue add {issue_id} {draft_id} 编入",
            )
        layout[old].remove(draft_id)
        target = layout.setdefault(section or old, [])
        at = len(target) if position is None else max(0, min(position - 1, len(target)))
        target.insert(at, draft_id)
        ordered = {k: layout[k] for k in keys if k in layout}
        layout.clear()
        layout.update(ordered)
        return {"draft_id": draft_id, "from": old, "to": section or old, "position": at + 1}

    return _edit(store, issue_id, "issue_brief_placed", change)


def set_lead(
    store: Store, issue_id: int, draft_id: int, *, profile: Profile, lead: bool = True
) -> IssueRecord:
    """Make a brief a lead story (last of the leads), or put it back in its own section."""
    if lead:
        return place_brief(store, issue_id, draft_id, profile=profile, section=LEAD)
    section = profile.section_of(_brief(store, draft_id).kind)
    return place_brief(store, issue_id, draft_id, profile=profile, section=section)


def set_issue_meta(
    store: Store,
    issue_id: int,
    *,
    editor: str | None = None,
    reviewer: str | None = None,
    date: dt.date | None = None,
) -> IssueRecord:
    """Set 编辑, 审核 or the issue date of a draft issue."""
    sets: dict[str, Any] = {}
    if editor is not None:
        sets["editor"] = editor.strip() or None
    if reviewer is not None:
        sets["reviewer"] = reviewer.strip() or None
    if date is not None:
        sets["issue_date"] = date.isoformat()
    if not sets:
        raise InputError("没有要修改的内容", hint="用 --editor、--reviewer 或 --date 指定")
    return _edit(store, issue_id, "issue_meta_set", lambda _r, _l: {**sets, "_set": dict(sets)})
