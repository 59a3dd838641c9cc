"""The editorial database: reports, drafts, revisions, decisions, issues and events.

One :class:`Store` over one SQLite file (WAL, foreign keys on, bounded busy wait).
The access layer is deliberately narrow — explicit methods, plain SQL, no ORM — so a
PostgreSQL store for a shared office server can implement the same methods later.

Every write is one ``BEGIN IMMEDIATE`` transaction: a process killed at any moment
leaves either the whole change or none of it. Drafts carry a ``version``; a change
made against a stale version raises :class:`~drafter.errors.ConflictError` instead
of overwriting another editor's work.

Draft lifecycle (``drafts.status``)::

    submitted ─► drafted ─► revised ─► accepted ─► (published: issue recorded)
        │           │  ▲        │  ▲
        ▼           │  └ redraft│  └ revise again
      failed ───────┘           └──────────► rejected  (from any undecided state)

Schema changes are numbered files in ``drafter/migrations`` (``0001_initial.sql`` …),
applied in order and recorded in ``schema_version``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from drafter.errors import ConflictError, LockedError, NotFoundError, StoreError
from drafter.schemas import Brief, Finding, Issue, Report
from drafter.store.migrations import load_migrations
from drafter.store.records import (
    STATUS_ZH,
    UNDECIDED,
    AcceptedBrief,
    DraftRecord,
    DraftStatus,
    EventRecord,
    RevisionRecord,
    StoredReport,
    draft_from_row,
    findings_to_json,
    revision_from_row,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "UNDECIDED",
    "AcceptedBrief",
    "DraftRecord",
    "DraftStatus",
    "EventRecord",
    "RevisionRecord",
    "Store",
    "StoredReport",
    "resolve_db_path",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for another process's lock; ``DRAFTER_DB_TIMEOUT`` overrides it."""


def resolve_db_path(db: str | Path | None = None) -> Path:
    """``--db``, then ``DRAFTER_DB``, then ``drafter.db`` in the user data directory."""
    if db is not None and str(db):
        return Path(db).expanduser()
    env = os.environ.get("DRAFTER_DB")
    if env:
        return Path(env).expanduser()
    data = os.environ.get("DRAFTER_DATA_DIR")
    if data:
        return Path(data).expanduser() / "drafter.db"
    import platformdirs

    return Path(platformdirs.user_data_dir("drafter", appauthor=False)) / "drafter.db"


def _timeout() -> float:
    raw = os.environ.get("DRAFTER_DB_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


_DRAFT_SELECT = """
SELECT d.*, r.org, r.org_short, r.kind, r.title,
       (SELECT COUNT(*) FROM revisions v WHERE v.draft_id = d.id) AS revision_count
FROM drafts d JOIN reports r ON r.id = d.report_id
"""

# -- the store ------------------------------------------------------------------------


class Store:
    """One SQLite editorial database. Use as a context manager, or call :meth:`close`.

    ``target_version`` stops migrating at that schema version (tests build old
    databases with it); ``None`` brings the database up to date.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float | None = None,
        target_version: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.timeout = _timeout() if timeout is None else timeout
        if self.path.is_dir():
            raise StoreError(
                f"数据库路径是一个目录：{self.path}",
                hint="--db 或 DRAFTER_DB 应指向一个文件，例如 drafter.db",
                path=str(self.path),
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"无法创建数据库目录：{self.path.parent}（{exc.strerror}）",
                hint="请检查路径和权限，或用 --db 指定其他位置",
                path=str(self.path),
            ) from exc
        with self._translated("打开数据库"):
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            self._conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        try:
            with self._translated("打开数据库"):
                self._conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
                self._conn.execute("PRAGMA foreign_keys = ON")
                self._conn.execute("PRAGMA journal_mode = WAL")
            self.migrate(target_version)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def open(cls, db: str | Path | None = None, *, timeout: float | None = None) -> Store:
        """Open (creating and migrating as needed) the database ``resolve_db_path(db)``."""
        return cls(resolve_db_path(db), timeout=timeout)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------
    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """sqlite3 errors → LockedError (busy past the wait) or StoreError, in Chinese."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise LockedError(
                    f"数据库被其他进程占用，等待 {self.timeout:g} 秒后仍未释放：{self.path}",
                    hint="请等对方操作完成后重试；若一直如此，检查是否有卡住的 drafter 进程"
                    "（等待时间可用环境变量 DRAFTER_DB_TIMEOUT 调整）",
                    path=str(self.path),
                ) from exc
            raise StoreError(
                f"{action}失败：{self.path}（{exc}）",
                hint="请检查数据库文件是否完好、磁盘是否已满、是否有写权限",
                path=str(self.path),
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{action}失败：{self.path} 不是可用的 drafter 数据库（{exc}）",
                hint="请用 --db 指定正确的文件；损坏的文件请从备份恢复",
                path=str(self.path),
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it commits, or (on any exception) none of it."""
        with self._translated("写入数据库"):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._translated("读取数据库"):
            return list(self._conn.execute(sql, params).fetchall())

    def schema_version(self) -> int:
        rows = self._query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
        if not rows:
            return 0
        row = self._query("SELECT MAX(version) AS v FROM schema_version")[0]
        return int(row["v"] or 0)

    def migrate(self, target_version: int | None = None) -> int:
        """Apply pending migrations, each in its own transaction; the resulting version."""
        migrations = load_migrations()
        latest = migrations[-1].version
        target = latest if target_version is None else target_version
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"数据库结构版本 {current} 比当前程序支持的 {latest} 新：{self.path}",
                hint="请升级 drafter 后再打开这个数据库",
                path=str(self.path),
            )
        if current >= target:
            return current
        for mig in migrations:
            if mig.version > target:
                break
            with self.transaction() as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                # Re-read inside the write lock: another process may have migrated.
                done = conn.execute(
                    "SELECT 1 FROM schema_version WHERE version = ?", (mig.version,)
                )
                if done.fetchone():
                    continue
                for statement in mig.statements():
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (mig.version, mig.name, _now()),
                )
                log.info("applied migration %04d_%s to %s", mig.version, mig.name, self.path)
        return self.schema_version()

    @staticmethod
    def _event(
        conn: sqlite3.Connection,
        kind: str,
        *,
        draft_id: int | None,
        report_id: int | None,
        detail: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO events (report_id, draft_id, kind, detail_json, actor, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                report_id,
                draft_id,
                kind,
                json.dumps(detail or {}, ensure_ascii=False),
                actor or _actor(),
                _now(),
            ),
        )

    def _claim(
        self,
        conn: sqlite3.Connection,
        draft_id: int,
        expected_version: int | None,
        allowed: Sequence[DraftStatus],
        action: str,
    ) -> sqlite3.Row:
        """Check a draft is in an allowed state at the expected version (inside a txn)."""
        row: sqlite3.Row | None = conn.execute(
            "SELECT id, report_id, status, version, published_issue_id FROM drafts WHERE id = ?",
            (draft_id,),
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
        conn: sqlite3.Connection, draft_id: int, version: int, sets: str, params: Sequence[Any]
    ) -> None:
        # The version in WHERE keeps the check correct on servers without our write lock.
        cur = conn.execute(
            f"UPDATE drafts SET {sets}, version = version + 1, updated_at = ?"
            " WHERE id = ? AND version = ?",
            (*params, _now(), draft_id, version),
        )
        if cur.rowcount != 1:
            raise ConflictError(
                f"稿件 {draft_id} 在你操作期间已被他人修改，本次操作未保存",
                hint="请重新读取后再试",
                draft_id=draft_id,
            )

    # -- writes ----------------------------------------------------------------------
    def submit(
        self, report: Report, *, original: bytes | None = None, actor: str | None = None
    ) -> DraftRecord:
        """Store a report and an empty draft for it (status 'submitted'), atomically."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO reports (content_id, org, org_short, kind, title, source_path,"
                " encoding, original, text, report_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.id,
                    report.org,
                    report.org_short,
                    report.kind,
                    report.title,
                    report.source_path,
                    report.encoding,
                    original,
                    report.text,
                    report.model_dump_json(),
                    _now(),
                ),
            )
            report_id = int(cur.lastrowid or 0)
            now = _now()
            cur = conn.execute(
                "INSERT INTO drafts (report_id, status, created_at, updated_at)"
                " VALUES (?, 'submitted', ?, ?)",
                (report_id, now, now),
            )
            draft_id = int(cur.lastrowid or 0)
            self._event(
                conn,
                "submitted",
                draft_id=draft_id,
                report_id=report_id,
                detail={"org": report.org, "kind": report.kind, "source": report.source_path},
                actor=actor,
            )
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
            row = self._claim(
                conn, draft_id, expected_version, ("submitted", "failed", "drafted"), "起草"
            )
            previous = conn.execute(
                "SELECT brief_json FROM drafts WHERE id = ?", (draft_id,)
            ).fetchone()["brief_json"]
            self._bump(
                conn,
                draft_id,
                row["version"],
                "status = 'drafted', engine = ?, model = ?, prompt_id = ?, prompt_version = ?,"
                " prompt_tokens = ?, completion_tokens = ?, brief_json = ?, draft_text = ?,"
                " findings_json = ?, error_count = ?, warning_count = ?, failure = NULL,"
                " edit_ratio = NULL",
                (
                    prov.engine,
                    prov.model,
                    prov.prompt_id,
                    prov.prompt_version,
                    prov.usage.prompt_tokens,
                    prov.usage.completion_tokens,
                    brief.model_dump_json(),
                    text,
                    findings_to_json(brief.findings),
                    errors,
                    warnings,
                ),
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
            row = self._claim(
                conn, draft_id, expected_version, ("submitted", "failed", "drafted"), "记录失败"
            )
            self._bump(conn, draft_id, row["version"], "status = 'failed', failure = ?", (reason,))
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
        actor: str | None = None,
    ) -> RevisionRecord:
        """Store an editor's revision; the draft becomes 'revised' at a new version."""
        editor = actor or _actor()
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, ("drafted", "revised"), "修改")
            number = int(
                conn.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE draft_id = ?",
                    (draft_id,),
                ).fetchone()[0]
            )
            cur = conn.execute(
                "INSERT INTO revisions (draft_id, number, brief_json, text, diff_json,"
                " findings_json, edit_ratio, editor, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft_id,
                    number,
                    brief.model_dump_json(),
                    text,
                    json.dumps(diff, ensure_ascii=False),
                    findings_to_json(findings),
                    edit_ratio,
                    editor,
                    _now(),
                ),
            )
            revision_id = int(cur.lastrowid or 0)
            self._bump(
                conn, draft_id, row["version"], "status = 'revised', edit_ratio = ?", (edit_ratio,)
            )
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
                },
                actor=editor,
            )
            new = conn.execute("SELECT * FROM revisions WHERE id = ?", (revision_id,)).fetchone()
        return revision_from_row(new)

    def decide(
        self,
        draft_id: int,
        decision: Literal["accept", "reject"],
        *,
        expected_version: int | None,
        reason: str | None = None,
        edit_ratio: float | None = None,
        actor: str | None = None,
    ) -> DraftRecord:
        """Accept (with the final edit ratio) or reject (with a reason) a draft."""
        editor = actor or _actor()
        allowed: tuple[DraftStatus, ...] = (
            ("drafted", "revised") if decision == "accept" else UNDECIDED
        )
        action = "采用" if decision == "accept" else "退回"
        with self.transaction() as conn:
            row = self._claim(conn, draft_id, expected_version, allowed, action)
            if decision == "accept":
                self._bump(
                    conn,
                    draft_id,
                    row["version"],
                    "status = 'accepted', edit_ratio = ?",
                    (edit_ratio,),
                )
            else:
                self._bump(conn, draft_id, row["version"], "status = 'rejected'", ())
            conn.execute(
                "INSERT INTO decisions (draft_id, decision, reason, draft_version, editor, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (draft_id, decision, reason, row["version"], editor, _now()),
            )
            self._event(
                conn,
                "accepted" if decision == "accept" else "rejected",
                draft_id=draft_id,
                report_id=row["report_id"],
                detail={"reason": reason, "edit_ratio": edit_ratio},
                actor=editor,
            )
        return self.get_draft(draft_id)

    def record_issue(
        self, issue: Issue, brief_ids: Sequence[int], *, actor: str | None = None
    ) -> int:
        """Record a built issue and mark its drafts published, in one transaction.

        ``brief_ids`` are draft ids in print order; each must be accepted and not yet
        published, else :class:`ConflictError` and nothing is recorded.
        """
        m = issue.masthead
        with self.transaction() as conn:
            rows = [self._claim(conn, i, None, ("accepted",), "刊发") for i in brief_ids]
            cur = conn.execute(
                "SELECT id FROM issues WHERE year = ? AND number = ?", (m.year, m.number)
            )
            if cur.fetchone():
                raise ConflictError(
                    f"{m.year}年第{m.number}期已经记录过",
                    hint="请用 --number 指定新的期号",
                    year=m.year,
                    number=m.number,
                )
            cur = conn.execute(
                "INSERT INTO issues (year, number, total, issue_date, issue_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (m.year, m.number, m.total, m.date.isoformat(), issue.model_dump_json(), _now()),
            )
            issue_id = int(cur.lastrowid or 0)
            for position, row in enumerate(rows):
                conn.execute(
                    "INSERT INTO issue_briefs (issue_id, draft_id, position) VALUES (?, ?, ?)",
                    (issue_id, row["id"], position),
                )
                self._bump(conn, row["id"], row["version"], "published_issue_id = ?", (issue_id,))
                self._event(
                    conn,
                    "published",
                    draft_id=row["id"],
                    report_id=row["report_id"],
                    detail={"issue_id": issue_id, "year": m.year, "number": m.number},
                    actor=actor,
                )
        return issue_id

    # -- reads -----------------------------------------------------------------------
    def get_draft(self, draft_id: int) -> DraftRecord:
        rows = self._query(_DRAFT_SELECT + " WHERE d.id = ?", (draft_id,))
        if not rows:
            raise NotFoundError(
                f"没有编号为 {draft_id} 的稿件",
                hint="用 drafter queue 查看待处理稿件的编号",
                draft_id=draft_id,
            )
        return draft_from_row(rows[0])

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
        params: list[Any] = []
        if kind:
            where.append("r.kind = ?")
            params.append(kind)
        if statuses:
            where.append(f"d.status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if since:
            where.append("d.created_at >= ?")
            params.append(since)
        sql = _DRAFT_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.id"
        return [draft_from_row(r) for r in self._query(sql, params)]

    def drafts_for_content(self, content_id: str) -> list[int]:
        """Ids of drafts whose report has this content id (the same text submitted before)."""
        rows = self._query(
            "SELECT d.id FROM drafts d JOIN reports r ON r.id = d.report_id"
            " WHERE r.content_id = ? ORDER BY d.id",
            (content_id,),
        )
        return [int(r["id"]) for r in rows]

    def get_report(self, report_id: int) -> StoredReport:
        rows = self._query("SELECT * FROM reports WHERE id = ?", (report_id,))
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
            "SELECT * FROM revisions WHERE draft_id = ? ORDER BY number", (draft_id,)
        )
        return [revision_from_row(r) for r in rows]

    def latest_revisions(self) -> dict[int, RevisionRecord]:
        """Each revised draft's last revision, by draft id."""
        rows = self._query(
            "SELECT v.* FROM revisions v WHERE v.number ="
            " (SELECT MAX(number) FROM revisions w WHERE w.draft_id = v.draft_id)"
        )
        return {r["draft_id"]: revision_from_row(r) for r in rows}

    def events(self, draft_id: int) -> list[EventRecord]:
        rows = self._query("SELECT * FROM events WHERE draft_id = ? ORDER BY id", (draft_id,))
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
