"""An issue from the store assembled, its 目录提要 edited, previewed, published once (numbered here), reopened.

``publish_issue`` is the one step that freezes a draft issue: in one transaction it
assigns the number within the year and the running total after the issues already
numbered in this database (a new year starts again at 第1期), marks its briefs
published and records the rendered files' hashes; the files are written after the
commit. Two editors publishing at once are serialised by the write lock (SQLite) or
the ``issue-numbering`` advisory lock (PostgreSQL), so they cannot take one number. ``reopen_issue`` (with a reason, logged) makes it a draft
again and keeps its numbers for the next publish.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from drafter.errors import ConflictError, GateError, InputError
from drafter.issue.build import LEAD, assemble_issue
from drafter.issue.toc import Shortener, toc_line
from drafter.profile import Profile
from drafter.schemas import Issue
from drafter.store._connection import Conn, IntegrityError, lock, utc_now
from drafter.store.database import Store
from drafter.store.gate import describe_finding, override
from drafter.store.issues import (
    _brief,
    _edit,
    _event,
    _gate,
    _open_draft_issue,
    _record,
    get_issue,
)
from drafter.store.records import IssueRecord, Layout, PublishResult

__all__ = [
    "assemble_stored",
    "next_numbers",
    "preview_issue",
    "publish_issue",
    "reopen_issue",
    "set_toc_line",
]


# -- 目录提要 -------------------------------------------------------------------------------


def _toc_entries(
    record: IssueRecord, issue: Issue, profile: Profile, shorten: Shortener | None
) -> list[tuple[str, str]]:
    """(key, line) of the 目录提要: one per lead story, then one per section; edits win."""
    entries: list[tuple[str, str]] = []
    for draft_id, brief in zip(record.layout.get(LEAD, []), issue.leads, strict=True):
        entries.append((f"lead:{draft_id}", toc_line(brief, profile=profile, shorten=shorten)))
    for section in issue.sections:
        entries.append((f"section:{section.key}", section.title.strip().strip("【】")))
    return [(key, record.toc.get(key, line)) for key, line in entries]


def set_toc_line(
    store: Store, issue_id: int, line_no: int, text: str, *, profile: Profile
) -> IssueRecord:
    """Replace 目录提要 line ``line_no`` (1-based); an empty ``text`` restores the automatic line.

    The line is checked by the faithfulness guard against the briefs it summarizes (the
    lead story, or the section's briefs): a line naming what none of them says is
    refused with :class:`~drafter.errors.GateError`.
    """
    from drafter.guard.faithfulness import check_faithfulness

    record = get_issue(store, issue_id)
    issue = assemble_stored(store, record, profile)
    entries = _toc_entries(record, issue, profile, None)
    if not 1 <= line_no <= len(entries):
        raise InputError(
            f"目录提要只有 {len(entries)} 行，没有第 {line_no} 行",
            hint=f"用 drafter issue show {issue_id} 查看各行编号",
        )
    key = entries[line_no - 1][0]
    line = " ".join(text.split())
    if line:
        if key.startswith("lead:"):
            sources = [_brief(store, int(key.split(":", 1)[1]))]
        else:
            section = next(s for s in issue.sections if f"section:{s.key}" == key)
            sources = section.briefs
        source = "\n\n".join(b.headline + "\n" + "\n".join(b.paragraphs) for b in sources)
        errors = [f for f in check_faithfulness(line, source, profile) if f.severity == "error"]
        if errors:
            raise GateError(
                f"目录提要“{line}”写了稿件里没有的内容："
                + "；".join(describe_finding(f) for f in errors),
                findings=errors,
                hint="目录提要只能概括本期稿件已有的内容，请改写后重试",
            )

    def change(rec: IssueRecord, _: Layout) -> dict[str, Any]:
        toc = {k: v for k, v in rec.toc.items() if k != key}
        if line:
            toc[key] = line
        return {
            "line": line_no,
            "key": key,
            "text": line,
            "_set": {"toc_json": json.dumps(toc, ensure_ascii=False)},
        }

    return _edit(store, issue_id, "issue_toc_set", change, expected_version=record.version)


# -- assembling and publishing ------------------------------------------------------------


def next_numbers(conn: Conn, issue_id: int, year: int) -> tuple[int, int]:
    """The number within ``year`` and the running total after every other numbered issue.

    In a write transaction, take ``lock(conn, "issue-numbering")`` first.
    """
    row = conn.execute(
        "SELECT COALESCE(MAX(CASE WHEN year = :year THEN number END), 0) + 1 AS number,"
        " COALESCE(MAX(total), 0) + 1 AS total FROM issues"
        " WHERE number IS NOT NULL AND id <> :id",
        {"year": year, "id": issue_id},
    ).fetchone()
    assert row is not None  # an aggregate always has a row
    return int(row["number"]), int(row["total"])


def assemble_stored(
    store: Store,
    record: IssueRecord,
    profile: Profile,
    *,
    numbers: tuple[int, int] | None = None,
    shorten: Shortener | None = None,
) -> Issue:
    placed = {key: [_brief(store, i) for i in ids] for key, ids in record.layout.items()}
    if numbers is None:
        numbers = (
            (record.number, record.total or record.number)
            if record.number is not None
            else next_numbers(store._conn, record.id, record.date.year)
        )
    issue = assemble_issue(
        placed,
        profile=profile,
        date=record.date,
        number=numbers[0],
        total=numbers[1],
        editor=record.editor,
        reviewer=record.reviewer,
    )
    toc = [line for _, line in _toc_entries(record, issue, profile, shorten)]
    return issue.model_copy(update={"toc": toc})


def preview_issue(
    store: Store, issue_id: int, *, profile: Profile, shorten: Shortener | None = None
) -> Issue:
    """The issue as it would print now; a draft shows the numbers it would get next."""
    record = get_issue(store, issue_id)
    if record.status == "published":
        with store._translated("读取数据库"):
            row = store._conn.execute(
                "SELECT issue_json FROM issues WHERE id = :id", {"id": issue_id}
            ).fetchone()
        assert row is not None
        return Issue.model_validate_json(row["issue_json"])
    if not record.draft_ids:
        raise InputError(
            f"期刊 {issue_id} 里还没有稿件", hint=f"用 drafter issue add {issue_id} 编入"
        )
    return assemble_stored(store, record, profile, shorten=shorten)


def publish_issue(
    store: Store,
    issue_id: int,
    *,
    profile: Profile,
    outputs: Sequence[Path] = (),
    render: Callable[[Issue, Path, Profile], bytes] | None = None,
    number: int | None = None,
    total: int | None = None,
    force: bool = False,
    why: str | None = None,
    shorten: Shortener | None = None,
) -> PublishResult:
    """Freeze a draft issue: number it from the store, mark its briefs published, record
    the hashes of ``outputs`` (rendered by ``render``), all in one transaction; then write
    the files. Briefs whose current text has errors are refused unless ``force`` + ``why``.
    """
    from drafter.text.files import write_atomic

    reason = override(why, force)
    record = get_issue(store, issue_id)
    _gate(store, record.draft_ids, profile, reason, "publish")
    rendered: dict[str, bytes] = {}
    with store.transaction() as conn:
        lock(conn, "issue-numbering")  # one number per issue, even on PostgreSQL
        record = _open_draft_issue(conn, issue_id, record.version, locked=True)
        if not record.draft_ids:
            raise InputError(f"期刊 {issue_id} 里没有稿件，不能刊发")
        auto = (
            (record.number, record.total or record.number)
            if record.number is not None and record.year == record.date.year
            else next_numbers(conn, issue_id, record.date.year)
        )
        numbers = (number or auto[0], total or auto[1])
        issue = assemble_stored(store, record, profile, numbers=numbers, shorten=shorten)
        for path in outputs:
            rendered[str(path)] = (render or render_file)(issue, path, profile)
        hashes = {p: hashlib.sha256(data).hexdigest() for p, data in rendered.items()}
        try:
            conn.execute(
                "UPDATE issues SET status = 'published', version = version + 1, year = :year,"
                " number = :number, total = :total, issue_json = :issue_json,"
                " files_json = :files_json, updated_at = :at, published_at = :at WHERE id = :id",
                {
                    "year": record.date.year,
                    "number": numbers[0],
                    "total": numbers[1],
                    "issue_json": issue.model_dump_json(),
                    "files_json": json.dumps(hashes, ensure_ascii=False),
                    "at": utc_now(),
                    "id": issue_id,
                },
            )
        except IntegrityError:
            raise ConflictError(
                f"{record.date.year}年第{numbers[0]}期已经刊发过",
                hint="去掉 --number 由数据库自动编号，或指定其他期号",
                year=record.date.year,
                number=numbers[0],
            ) from None
        for draft_id in record.draft_ids:
            row = store._claim(conn, draft_id, None, ("accepted",), "刊发")
            store._bump(
                conn,
                draft_id,
                row["version"],
                "published_issue_id = :issue_id",
                {"issue_id": issue_id},
            )
            _event(
                conn,
                "published",
                issue_id,
                {"issue_id": issue_id, "year": record.date.year, "number": numbers[0]},
                draft_id=draft_id,
                report_id=row["report_id"],
            )
        _event(
            conn,
            "issue_published",
            issue_id,
            {
                "year": record.date.year,
                "number": numbers[0],
                "total": numbers[1],
                "files": hashes,
                "why": reason,
            },
        )
        final = _record(conn, issue_id)
    for name, data in rendered.items():
        write_atomic(Path(name), data)
    return PublishResult(final, issue, hashes)


def render_file(issue: Issue, path: Path, profile: Profile) -> bytes:
    """``issue`` rendered in the format ``path``'s extension asks for, as bytes."""
    from drafter.issue import format_for, render

    data = render(issue, format_for(str(path)), profile=profile)
    return data.encode("utf-8") if isinstance(data, str) else data


def reopen_issue(store: Store, issue_id: int, why: str) -> IssueRecord:
    """Make a published issue a draft again (its numbers kept); the reason is logged."""
    reason = (why or "").strip()
    if not reason:
        raise InputError("重新打开已刊发的期刊必须说明理由", hint='例如 --why "第2篇人名有误"')
    with store.transaction() as conn:
        record = _record(conn, issue_id, locked=True)
        if record.status != "published":
            raise ConflictError(f"期刊 {issue_id} 尚未刊发，无需重新打开", issue_id=issue_id)
        conn.execute(
            "UPDATE issues SET status = 'draft', version = version + 1, updated_at = :at"
            " WHERE id = :id",
            {"at": utc_now(), "id": issue_id},
        )
        for draft_id in record.draft_ids:
            row = conn.execute(
                "SELECT version, report_id FROM drafts WHERE id = :id", {"id": draft_id}
            ).fetchone()
            assert row is not None
            store._bump(conn, draft_id, row["version"], "published_issue_id = NULL", {})
            _event(
                conn,
                "unpublished",
                issue_id,
                {"why": reason},
                draft_id=draft_id,
                report_id=row["report_id"],
            )
        _event(conn, "issue_reopened", issue_id, {"why": reason, "files": record.files})
        return _record(conn, issue_id)
