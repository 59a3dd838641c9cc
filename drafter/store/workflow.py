"""The editorial workflow over the store: submit, redraft, revise, accept, reject.

Each operation reads what it needs, does the slow part (drafting, the editor) outside
any transaction, then writes in one short transaction guarded by the draft's version.
``submit`` commits the report *before* drafting, so a model failure, Ctrl-C or a
killed process afterwards never loses a submission: ``redraft`` picks it up again.

Editor effort is :func:`drafter.brieftext.edit_ratio` between the machine draft and
the editor's final brief, the same measure the eval reports against golden briefs.
Drafts are stored and diffed as text by :mod:`drafter.store.diff`; reports (stats,
eval export, few-shot examples) live in :mod:`drafter.store.feedback`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from drafter.brieftext import edit_ratio, parse_brief, render_brief_md
from drafter.errors import ConflictError, DrafterError, InputError
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, OrgKind, Provenance, Report
from drafter.store.database import Store
from drafter.store.diff import brief_text, sentence_diff
from drafter.store.editor import EditFn, editor_command, run_editor
from drafter.store.gate import (
    CheckFn,
    blocking_errors,
    check_brief,
    checklist,
    enforce,
    override,
    refuse_errors,
)
from drafter.store.records import (
    DRAFTABLE,
    EDITABLE,
    REVISABLE,
    UNDECIDED,
    DraftRecord,
    DraftStatus,
    RevisionRecord,
)

if TYPE_CHECKING:
    from drafter.model.config import ModelConfig

__all__ = [
    "CheckFn",
    "DraftFn",
    "EditFn",
    "ReviseResult",
    "SubmitResult",
    "accept",
    "check_revision",
    "editor_command",
    "load_submission",
    "redraft",
    "reject",
    "revise",
    "revise_text",
    "run_editor",
    "submit",
    "submit_report",
]

log = logging.getLogger(__name__)

DraftFn = Callable[[Report, Profile, str | None], Brief]
"""(report, profile, model) → Brief; the default is :func:`drafter.drafting.pipeline.draft`."""


def _require(record: DraftRecord, allowed: Sequence[DraftStatus], action: str, hint: str) -> None:
    """Refuse early, with a clear message, an operation the draft's state does not allow."""
    if record.status not in allowed or record.published_issue_id:
        raise ConflictError(
            f"稿件 {record.id} 当前状态为“{record.status_zh}”，不能{action}",
            hint=hint,
            draft_id=record.id,
        )


# -- submit and draft -------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitResult:
    """A stored submission; ``error`` is set when drafting failed (the report is kept)."""

    draft: DraftRecord
    error: DrafterError | None = None
    earlier: list[int] = field(default_factory=list)
    """Drafts of the same report text submitted before (a likely duplicate)."""


def load_submission(
    source: str | Path,
    *,
    profile: Profile,
    org: str | None = None,
    kind: OrgKind | None = None,
    date: dt.date | None = None,
) -> tuple[Report, bytes]:
    """Read a report file (or ``-`` for stdin) into a Report and its original bytes.

    ``date`` is when the report was received: 昨天、上周五 in it resolve against it.
    """
    from drafter.ingest import report as ingest
    from drafter.text.files import decode_bytes, read_bytes

    if str(source) == "-":
        data = read_bytes("-")
        decoded = decode_bytes(data, where="标准输入")
        report = ingest.report_from_text(
            decoded.text, profile=profile, org=org, kind=kind, date=date
        )
        if report.encoding is None:
            report = report.model_copy(update={"encoding": decoded.encoding})
        return report, data
    report = ingest.load_report(source, profile=profile, org=org, kind=kind, date=date)
    return report, read_bytes(source)


def _default_draft_fn(store: Store, config: ModelConfig | None = None) -> DraftFn:
    """:func:`drafter.drafting.pipeline.draft`, offered accepted briefs of the same kind as
    examples; ``config`` (a worker's model settings) is used with ``model`` as its name."""

    def make(report: Report, profile: Profile, model: str | None) -> Brief:
        from drafter.drafting.pipeline import draft
        from drafter.store.feedback import accepted_examples

        examples = accepted_examples(store, report.kind)
        cfg = config
        if cfg is not None and model and model != cfg.model:
            cfg = cfg.model_copy(update={"model": model})
        return draft(report, profile=profile, model=model, config=cfg, examples=examples)

    return make


def _draft_into(
    store: Store,
    record: DraftRecord,
    report: Report,
    *,
    profile: Profile,
    model: str | None,
    draft_fn: DraftFn | None,
) -> SubmitResult:
    """Draft ``report`` and store the result on ``record``; failures are recorded too."""
    make = draft_fn or _default_draft_fn(store)
    try:
        brief = make(report, profile, model)
    except DrafterError as exc:
        log.info("drafting draft %s failed: %s", record.id, exc.message)
        failed = store.mark_failed(record.id, exc.message, expected_version=record.version)
        return SubmitResult(failed, exc)
    except KeyboardInterrupt:
        # The report is already committed; note why there is no draft, then stop.
        store.mark_failed(record.id, "起草被中断（Ctrl-C）", expected_version=record.version)
        raise
    except Exception as exc:
        # A bug, not bad input: record it on the draft (queue shows it), then surface it.
        store.mark_failed(
            record.id, f"内部错误：{type(exc).__name__}: {exc}", expected_version=record.version
        )
        raise
    saved = store.save_draft(record.id, brief, brief_text(brief), expected_version=record.version)
    return SubmitResult(saved)


def submit(
    store: Store,
    source: str | Path,
    *,
    profile: Profile | None = None,
    org: str | None = None,
    kind: OrgKind | None = None,
    date: dt.date | None = None,
    model: str | None = None,
    draft_fn: DraftFn | None = None,
    defer: bool = False,
) -> SubmitResult:
    """Read a report file (``-`` = stdin), store it (committed first), then draft it
    (``defer``: queue it for a worker instead)."""
    profile = profile or load_profile()
    report, original = load_submission(source, profile=profile, org=org, kind=kind, date=date)
    return submit_report(
        store,
        report,
        original=original,
        profile=profile,
        model=model,
        draft_fn=draft_fn,
        defer=defer,
    )


def submit_report(
    store: Store,
    report: Report,
    *,
    original: bytes | None = None,
    profile: Profile | None = None,
    model: str | None = None,
    draft_fn: DraftFn | None = None,
    defer: bool = False,
) -> SubmitResult:
    """Store ``report`` in its own transaction, then draft it and store the draft.

    ``defer`` queues a drafting job (:mod:`drafter.store.jobs`, ``model`` as its model)
    instead: the submission returns at once, still 'submitted', and a worker drafts it.
    """
    earlier = store.drafts_for_content(report.id)
    if defer:
        from drafter.store.jobs import enqueue_in

        queued = store.submit(
            report,
            original=original,
            also=lambda conn, draft_id: enqueue_in(conn, draft_id, model=model),
        )
        return SubmitResult(queued, None, earlier)
    record = store.submit(report, original=original)
    result = _draft_into(
        store, record, report, profile=profile or load_profile(), model=model, draft_fn=draft_fn
    )
    return SubmitResult(result.draft, result.error, earlier)


def redraft(
    store: Store,
    draft_id: int,
    *,
    profile: Profile | None = None,
    model: str | None = None,
    org: str | None = None,
    kind: OrgKind | None = None,
    date: dt.date | None = None,
    draft_fn: DraftFn | None = None,
) -> SubmitResult:
    """Draft a stored report again (after a failure, a crash, or with another model).

    ``org``, ``kind`` and ``date`` correct the report first (logged), e.g. a report
    that names no organization, or whose 昨天 needs the day it was received.
    """
    from drafter.store.metadata import correct_report

    profile = profile or load_profile()
    record = store.get_draft(draft_id)
    _require(
        record,
        DRAFTABLE,
        "重新起草",
        "只有未修改、未决定的稿件可以重新起草；已修改的稿件请用 drafter revise",
    )
    if org is not None or kind is not None or date is not None:
        report = correct_report(store, draft_id, profile=profile, org=org, kind=kind, date=date)
        record = store.get_draft(draft_id)
    else:
        report = store.get_report(record.report_id).report
    return _draft_into(store, record, report, profile=profile, model=model, draft_fn=draft_fn)


# -- decisions --------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnderReview:
    """The machine draft, and the text under review now (the last revision, else the draft)."""

    draft: Brief
    brief: Brief
    text: str
    revised: bool


def _current(store: Store, record: DraftRecord) -> _UnderReview:
    if record.brief is None or record.draft_text is None:
        raise InputError(
            f"稿件 {record.id} 还没有草稿（{record.status_zh}）",
            hint=f"先用 drafter redraft {record.id} 起草",
            draft_id=record.id,
        )
    revisions = store.revisions(record.id)
    if revisions:
        return _UnderReview(record.brief, revisions[-1].brief, revisions[-1].text, True)
    return _UnderReview(record.brief, record.brief, record.draft_text, False)


def accept(
    store: Store,
    draft_id: int,
    *,
    expected_version: int | None = None,
    force: bool = False,
    why: str | None = None,
    profile: Profile | None = None,
    check_fn: CheckFn | None = None,
    note: str | None = None,
) -> DraftRecord:
    """Accept the current text once it passes the profile's ``accept`` checks.

    Lint or guard errors in the current text (checked afresh against the source) raise
    :class:`~drafter.errors.GateError` naming them; ``force`` with ``why`` accepts it
    anyway and the event log keeps the reason and the errors overridden. An editor's
    revision needs a note to the contributor (``note``, or one written since the last
    revision) when the profile's checks say so; ``note`` is stored as such a note.
    """
    from drafter.store.notes import write_note

    reason = override(why, force)
    profile = profile or load_profile()
    record = store.get_draft(draft_id)
    detail: dict[str, Any] = {}
    if record.status in REVISABLE and not record.published_issue_id:
        now = _current(store, record)
        report = store.get_report(record.report_id).report
        findings = (check_fn or check_brief)(now.brief, report, profile)
        label = f"稿件 {draft_id} 的{'编辑修改稿' if now.revised else '机器草稿'}"
        if reason is None:
            refuse_errors(
                label,
                blocking_errors(findings, profile, "accept"),
                action="采用",
                hint=f"用 drafter revise {draft_id} 修改后再采用；确需采用请加 --force --why 说明理由",
                draft_id=draft_id,
            )
        else:
            errors = [f.model_dump(mode="json") for f in findings if f.severity == "error"]
            detail = {"forced": True, "why": reason, "overridden": errors}
        # A forcing reason reaches the contributor too (their page shows it).
        told = bool(reason or (note and note.strip())) or _told_since_revision(store, record)
        enforce(
            checklist(
                profile,
                "accept",
                now.brief,
                findings,
                reason=reason,
                revised=now.revised,
                note=told,
            ),
            label,
            action="采用",
            hint="在“给报送人的说明”中写明改动及理由（CLI：--note）",
            draft_id=draft_id,
        )
        ratio = edit_ratio(now.draft, now.brief) if now.revised else 0.0
    else:
        ratio = None  # the store refuses it with a clear state message
    if note and note.strip():  # logged with the decision's event
        with store.transaction() as conn:
            write_note(conn, draft_id, record.report_id, "contributor", note, log=False)
        detail = {**detail, "note": note.strip()}
    return store.decide(
        draft_id,
        "accept",
        expected_version=record.version if expected_version is None else expected_version,
        edit_ratio=ratio,
        reason=reason,
        detail=detail,
    )


def reject(
    store: Store, draft_id: int, why: str, *, expected_version: int | None = None
) -> DraftRecord:
    """Reject a draft, saying why (the reason is a note to the contributor, and logged)."""
    from drafter.store.notes import write_note

    reason = why.strip()
    if not reason:
        raise InputError("退回稿件必须说明理由", hint='例如 --why "材料与本刊无关"')
    record = store.get_draft(draft_id)
    if record.status in UNDECIDED and not record.published_issue_id:
        with store.transaction() as conn:
            write_note(conn, draft_id, record.report_id, "contributor", reason, log=False)
    return store.decide(
        draft_id,
        "reject",
        expected_version=record.version if expected_version is None else expected_version,
        reason=reason,
    )


def _told_since_revision(store: Store, record: DraftRecord) -> bool:
    """A note to the contributor written since the draft's last revision."""
    from drafter.store.notes import list_notes

    revisions = store.revisions(record.id)
    since = revisions[-1].created_at if revisions else None
    return bool(list_notes(store, record.id, audience="contributor", since=since))


# -- revise -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviseResult:
    """What ``revise`` did: ``saved`` a revision, or nothing (``unchanged`` / ``empty``)."""

    outcome: Literal["saved", "unchanged", "empty"]
    revision: RevisionRecord | None = None
    findings: list[Finding] = field(default_factory=list)


def check_revision(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
    """Lint the revised brief and check it against its source report (the gate, unfixed)."""
    return check_brief(brief, report, profile)


def revise(
    store: Store,
    draft_id: int,
    *,
    profile: Profile | None = None,
    edit_fn: EditFn | None = None,
    check_fn: CheckFn | None = None,
) -> ReviseResult:
    """Let an editor revise the draft as Markdown; store it if it changed.

    The file being edited is kept (and named in the error) whenever the revision
    cannot be stored — a conflict, a parse error, a failed editor — so no work is lost.
    """
    profile = profile or load_profile()
    if edit_fn is None:
        editor_command()  # fail before any file is written when there is no editor
    from drafter.store.locks import editing

    record = store.get_draft(draft_id)
    _require(record, EDITABLE, "修改", f"用 drafter log {draft_id} 查看它的处理记录")
    with editing(store, draft_id, zone=profile.timezone):  # others see who edits; read only
        return _revise_in_editor(store, record, profile, edit_fn, check_fn)


def _revise_in_editor(
    store: Store,
    record: DraftRecord,
    profile: Profile,
    edit_fn: EditFn | None,
    check_fn: CheckFn | None,
) -> ReviseResult:
    draft_id = record.id
    initial = render_brief_md(_current(store, record).brief)
    fd, name = tempfile.mkstemp(prefix=f"drafter-{draft_id}-", suffix=".md")
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(initial)
    keep = True
    try:
        (edit_fn or run_editor)(path)
        edited = path.read_text(encoding="utf-8")
        result = revise_text(
            store,
            draft_id,
            edited,
            profile=profile,
            check_fn=check_fn,
            where=str(path),
            expected_version=record.version,
        )
        keep = False
        return result
    except DrafterError as exc:
        exc.hint = f"{exc.hint + '；' if exc.hint else ''}你编辑的文本保存在 {path}"
        raise
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def revise_text(
    store: Store,
    draft_id: int,
    edited: str,
    *,
    profile: Profile | None = None,
    check_fn: CheckFn | None = None,
    where: str | None = None,
    notes: Sequence[str] = (),
    source: str | None = None,
    expected_version: int | None = None,
) -> ReviseResult:
    """Store ``edited`` (the brief as Markdown) as a revision, checked like any revision.

    The one path for an editor's text, from ``$EDITOR`` or a Word file: nothing is
    stored when it is empty or unchanged; ``notes`` (e.g. Word comments) and
    ``source`` go into the event log.
    """
    from drafter.store.locks import require_unlocked

    profile = profile or load_profile()
    record = store.get_draft(draft_id)
    require_unlocked(store, draft_id, zone=profile.timezone)  # someone else edits it: read only
    if expected_version is None:  # else the store reports a changed version first
        _require(record, EDITABLE, "修改", f"用 drafter log {draft_id} 查看它的处理记录")
    now = _current(store, record)
    current, current_text = now.brief, now.text
    if not edited.strip():
        return ReviseResult("empty")
    if edited.strip() == render_brief_md(current).strip():
        return ReviseResult("unchanged")
    revised = _revised_brief(edited, current, profile, where or f"稿件 {draft_id}")
    text = brief_text(revised)
    if text == current_text:
        return ReviseResult("unchanged")
    report = store.get_report(record.report_id).report
    findings = (check_fn or check_revision)(revised, report, profile)
    revised = revised.model_copy(update={"findings": findings})
    revision = store.add_revision(
        draft_id,
        expected_version=record.version if expected_version is None else expected_version,
        brief=revised,
        text=text,
        diff=sentence_diff(current_text, text),
        findings=findings,
        edit_ratio=edit_ratio(now.draft, revised),
        extra={"notes": list(notes), "source": source} if notes or source else None,
    )
    return ReviseResult("saved", revision, findings)


def _revised_brief(text: str, current: Brief, profile: Profile, where: str) -> Brief:
    """Parse the edited Markdown; what the editor cannot see is kept from the draft."""
    parsed = parse_brief(text, profile=profile, source_file=where, lead=current.lead)
    return current.model_copy(
        update={
            "headline": parsed.headline,
            "paragraphs": parsed.paragraphs,
            "attribution": parsed.attribution if not current.lead else None,
            "provenance": Provenance(engine="human"),
            "findings": [],
            "status": "ready",
        }
    )
