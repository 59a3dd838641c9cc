"""The store's own row types: what :class:`drafter.store.database.Store` returns.

These are the editorial database's records (:class:`StoredReport`, :class:`DraftRecord`,
:class:`RevisionRecord`, :class:`EventRecord`, :class:`AcceptedBrief`), not the data
that flows through the pipeline: a :class:`~drafter.schemas.Report` or
:class:`~drafter.schemas.Brief` is a :mod:`drafter.schemas` model and a record here
*holds* one, with the store's ids, versions, statuses and timestamps around it. Plain
frozen dataclasses, independent of the database engine, plus the mapping from result
rows (read by column name). Status names are stable strings (they are stored); ``status_zh`` is how people
see them, and the tuples below say which operations each status allows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from drafter.schemas import Brief, Finding, Issue, Report

__all__ = [
    "DRAFTABLE",
    "DRAFT_STATUSES",
    "EDITABLE",
    "REVISABLE",
    "STATUS_ZH",
    "UNDECIDED",
    "AcceptedBrief",
    "DraftRecord",
    "DraftStatus",
    "EventRecord",
    "IssueRecord",
    "Layout",
    "PublishResult",
    "RevisionRecord",
    "StoredReport",
    "draft_from_row",
    "findings_from_json",
    "findings_to_json",
    "revision_from_row",
]

DraftStatus = Literal["submitted", "failed", "drafted", "revised", "accepted", "rejected"]
DRAFT_STATUSES: tuple[DraftStatus, ...] = (
    "submitted",
    "failed",
    "drafted",
    "revised",
    "accepted",
    "rejected",
)
UNDECIDED: tuple[DraftStatus, ...] = ("submitted", "failed", "drafted", "revised")
"""Statuses a draft can be rejected from."""
DRAFTABLE: tuple[DraftStatus, ...] = ("submitted", "failed", "drafted")
"""Statuses a draft can be (re)drafted from, or marked failed in."""
REVISABLE: tuple[DraftStatus, ...] = ("drafted", "revised")
"""Statuses a draft can be accepted from."""
EDITABLE: tuple[DraftStatus, ...] = ("drafted", "revised", "accepted")
"""Statuses a draft can be revised from: an accepted, unpublished draft that is revised
goes back to review ('revised') and must pass the accept gate again."""

STATUS_ZH = {
    "submitted": "已提交、待起草",
    "failed": "起草失败",
    "drafted": "已起草",
    "revised": "已修改",
    "accepted": "已采用",
    "rejected": "已退回",
}


@dataclass(frozen=True)
class StoredReport:
    id: int
    content_id: str
    report: Report
    original: bytes | None
    encoding: str | None
    created_at: str


@dataclass(frozen=True)
class DraftRecord:
    """A draft row joined with what the queue needs to know about its report."""

    id: int
    report_id: int
    status: DraftStatus
    version: int
    engine: str | None
    model: str | None
    prompt_id: str | None
    prompt_version: str | None
    prompt_tokens: int
    completion_tokens: int
    brief: Brief | None
    draft_text: str | None
    findings: list[Finding]
    error_count: int
    warning_count: int
    failure: str | None
    edit_ratio: float | None
    created_at: str
    updated_at: str
    published_issue_id: int | None
    org: str | None
    org_short: str | None
    kind: str
    title: str | None
    revision_count: int
    revision: RevisionRecord | None = None
    """The editor's last revision, when there is one: the text under review now."""

    @property
    def current_brief(self) -> Brief | None:
        """The text under review now: the last revision, else the machine draft."""
        return self.revision.brief if self.revision is not None else self.brief

    @property
    def current_findings(self) -> list[Finding]:
        """The findings stored with :attr:`current_brief`."""
        return self.revision.findings if self.revision is not None else self.findings

    @property
    def current_errors(self) -> int:
        return sum(1 for f in self.current_findings if f.severity == "error")

    @property
    def current_warnings(self) -> int:
        return sum(1 for f in self.current_findings if f.severity == "warning")

    @property
    def headline(self) -> str | None:
        """The current headline (the editor's, once revised)."""
        brief = self.current_brief
        return brief.headline if brief else None

    @property
    def display_status(self) -> str:
        """The status as shown to people: 'published' once printed in an issue."""
        return "published" if self.published_issue_id is not None else self.status

    @property
    def status_zh(self) -> str:
        if self.published_issue_id is not None:
            return "已刊发"
        return STATUS_ZH[self.status]


@dataclass(frozen=True)
class RevisionRecord:
    id: int
    draft_id: int
    number: int
    brief: Brief
    text: str
    diff: list[dict[str, Any]]
    findings: list[Finding]
    edit_ratio: float
    editor: str | None
    created_at: str


@dataclass(frozen=True)
class EventRecord:
    id: int
    report_id: int | None
    draft_id: int | None
    kind: str
    detail: dict[str, Any]
    actor: str | None
    created_at: str

    @property
    def kind_zh(self) -> str:
        """How a person reads the event's kind (the stored name when it has none)."""
        return EVENT_ZH.get(self.kind, self.kind)


EVENT_ZH = {
    "submitted": "报送",
    "drafted": "起草",
    "redrafted": "重新起草",
    "draft_failed": "起草失败",
    "revised": "编辑修改",
    "accepted": "采用",
    "rejected": "退回",
    "published": "刊发",
    "unpublished": "撤回刊发",
    "corrected": "更正",
    "note_added": "写备注",
    "lock_taken_over": "接手编辑",
    "lock_lapsed": "编辑锁超时失效",
    "job_queued": "排队等待起草",
    "job_claimed": "开始起草",
    "job_renewed": "起草中（续期）",
    "job_expired": "起草进程失联，重新排队",
    "job_retry": "起草出错，稍后重试",
    "job_done": "起草完成",
    "job_failed": "起草任务失败",
    "job_requeued": "重新排队起草",
}
"""Event kinds of a draft's history in Chinese (the web page and ``drafter log`` share it)."""


@dataclass(frozen=True)
class AcceptedBrief:
    """An accepted draft's final text (the editor's last revision, else the draft)."""

    draft_id: int
    brief: Brief
    kind: str


Layout = dict[str, list[int]]
"""An issue's placement: ``"lead"`` or a section key → draft ids in print order."""


@dataclass(frozen=True)
class IssueRecord:
    """An issue in the store: a draft being edited, or published (numbered, frozen)."""

    id: int
    status: Literal["draft", "published"]
    version: int
    date: dt.date
    year: int | None
    number: int | None
    total: int | None
    editor: str | None
    reviewer: str | None
    layout: Layout
    toc: dict[str, str]
    files: dict[str, str]
    published_at: str | None

    @property
    def draft_ids(self) -> list[int]:
        return [i for ids in self.layout.values() for i in ids]

    @property
    def label(self) -> str:
        if self.number is None:
            return f"草稿期 {self.id}（未编期号）"
        state = "已刊发" if self.status == "published" else "已重开、待刊发"
        return f"{self.year}年第{self.number}期（总第{self.total}期，{state}，编号 {self.id}）"


@dataclass(frozen=True)
class PublishResult:
    record: IssueRecord
    issue: Issue
    files: dict[str, str] = field(default_factory=dict)
    """Written path → sha256 of its bytes."""


def findings_to_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False)


def findings_from_json(raw: str | None) -> list[Finding]:
    return [Finding.model_validate(f) for f in json.loads(raw or "[]")]


def draft_from_row(row: Mapping[Any, Any], revision: RevisionRecord | None = None) -> DraftRecord:
    return DraftRecord(
        id=row["id"],
        report_id=row["report_id"],
        status=row["status"],
        version=row["version"],
        engine=row["engine"],
        model=row["model"],
        prompt_id=row["prompt_id"],
        prompt_version=row["prompt_version"],
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
        brief=Brief.model_validate_json(row["brief_json"]) if row["brief_json"] else None,
        draft_text=row["draft_text"],
        findings=findings_from_json(row["findings_json"]),
        error_count=row["error_count"],
        warning_count=row["warning_count"],
        failure=row["failure"],
        edit_ratio=row["edit_ratio"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_issue_id=row["published_issue_id"],
        org=row["org"],
        org_short=row["org_short"],
        kind=row["kind"],
        title=row["title"],
        revision_count=row["revision_count"],
        revision=revision,
    )


def revision_from_row(row: Mapping[Any, Any]) -> RevisionRecord:
    return RevisionRecord(
        id=row["id"],
        draft_id=row["draft_id"],
        number=row["number"],
        brief=Brief.model_validate_json(row["brief_json"]),
        text=row["text"],
        diff=json.loads(row["diff_json"]),
        findings=findings_from_json(row["findings_json"]),
        edit_ratio=row["edit_ratio"],
        editor=row["editor"],
        created_at=row["created_at"],
    )
