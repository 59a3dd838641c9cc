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

import logging
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from drafter.brieftext import edit_ratio, parse_brief, render_brief_md
from drafter.errors import ConflictError, DrafterError, InputError
from drafter.profile import Profile, load_profile
from drafter.schemas import Brief, Finding, Issue, OrgKind, Provenance, Report
from drafter.store.database import Store
from drafter.store.diff import brief_text, sentence_diff
from drafter.store.records import DRAFTABLE, REVISABLE, DraftRecord, DraftStatus, RevisionRecord

__all__ = [
    "CheckFn",
    "DraftFn",
    "EditFn",
    "ReviseResult",
    "SubmitResult",
    "accept",
    "check_revision",
    "editor_command",
    "issue_from_store",
    "load_submission",
    "redraft",
    "reject",
    "revise",
    "run_editor",
    "submit",
    "submit_report",
]

log = logging.getLogger(__name__)

DraftFn = Callable[[Report, Profile, str | None], Brief]
"""(report, profile, model) → Brief; the default is :func:`drafter.drafting.pipeline.draft`."""
CheckFn = Callable[[Brief, Report, Profile], list[Finding]]
"""(revised brief, source report, profile) → lint and guard findings."""
EditFn = Callable[[Path], None]
"""Let a person edit the file in place; the default opens ``$VISUAL`` / ``$EDITOR``."""


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
) -> tuple[Report, bytes]:
    """Read a report file (or ``-`` for stdin) into a Report and its original bytes."""
    from drafter.ingest import report as ingest
    from drafter.text.files import decode_bytes, read_bytes

    if str(source) == "-":
        data = read_bytes("-")
        decoded = decode_bytes(data, where="标准输入")
        report = ingest.report_from_text(decoded.text, profile=profile, org=org, kind=kind)
        if report.encoding is None:
            report = report.model_copy(update={"encoding": decoded.encoding})
        return report, data
    report = ingest.load_report(source, profile=profile, org=org, kind=kind)
    return report, read_bytes(source)


def _default_draft_fn(store: Store) -> DraftFn:
    """:func:`drafter.drafting.pipeline.draft`, offered accepted briefs of the same kind as examples."""

    def make(report: Report, profile: Profile, model: str | None) -> Brief:
        from drafter.drafting.pipeline import draft
        from drafter.store.feedback import accepted_examples

        examples = accepted_examples(store, report.kind)
        return draft(report, profile=profile, model=model, examples=examples)

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
    model: str | None = None,
    draft_fn: DraftFn | None = None,
) -> SubmitResult:
    """Read a report file (``-`` = stdin), store it (committed first), then draft it."""
    profile = profile or load_profile()
    report, original = load_submission(source, profile=profile, org=org, kind=kind)
    return submit_report(
        store, report, original=original, profile=profile, model=model, draft_fn=draft_fn
    )


def submit_report(
    store: Store,
    report: Report,
    *,
    original: bytes | None = None,
    profile: Profile | None = None,
    model: str | None = None,
    draft_fn: DraftFn | None = None,
) -> SubmitResult:
    """Store ``report`` in its own transaction, then draft it and store the draft."""
    earlier = store.drafts_for_content(report.id)
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
    draft_fn: DraftFn | None = None,
) -> SubmitResult:
    """Draft a stored report again (after a failure, a crash, or with another model)."""
    profile = profile or load_profile()
    record = store.get_draft(draft_id)
    _require(
        record,
        DRAFTABLE,
        "重新起草",
        "只有未修改、未决定的稿件可以重新起草；已修改的稿件请用 drafter revise",
    )
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


def accept(store: Store, draft_id: int, *, expected_version: int | None = None) -> DraftRecord:
    """Accept the current text; the edit ratio is 0 when nobody revised the draft."""
    record = store.get_draft(draft_id)
    if record.status in REVISABLE:
        now = _current(store, record)
        ratio = edit_ratio(now.draft, now.brief) if now.revised else 0.0
    else:
        ratio = None  # the store refuses it with a clear state message
    return store.decide(
        draft_id,
        "accept",
        expected_version=record.version if expected_version is None else expected_version,
        edit_ratio=ratio,
    )


def reject(
    store: Store, draft_id: int, why: str, *, expected_version: int | None = None
) -> DraftRecord:
    """Reject a draft, saying why (the reason goes to the contributor and the log)."""
    reason = why.strip()
    if not reason:
        raise InputError("退回稿件必须说明理由", hint='例如 --why "材料与本刊无关"')
    record = store.get_draft(draft_id)
    return store.decide(
        draft_id,
        "reject",
        expected_version=record.version if expected_version is None else expected_version,
        reason=reason,
    )


# -- revise -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviseResult:
    """What ``revise`` did: ``saved`` a revision, or nothing (``unchanged`` / ``empty``)."""

    outcome: Literal["saved", "unchanged", "empty"]
    revision: RevisionRecord | None = None
    findings: list[Finding] = field(default_factory=list)


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, split like a shell would split it."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    try:
        argv = shlex.split(command or "")
    except ValueError as exc:  # an unbalanced quote
        raise InputError(
            f"无法解析编辑器命令：{command}（{exc}）", hint="请检查 VISUAL / EDITOR 环境变量"
        ) from exc
    if not argv:
        raise InputError(
            "没有设置编辑器",
            hint="请设置环境变量 VISUAL 或 EDITOR，例如 export EDITOR=nano",
        )
    return argv


def run_editor(path: Path) -> None:
    """Open the editor (:func:`editor_command`) on ``path`` and wait for it."""
    argv = [*editor_command(), str(path)]
    try:
        code = subprocess.call(argv)
    except OSError as exc:
        raise InputError(
            f"无法启动编辑器：{argv[0]}（{exc.strerror}）",
            hint="请检查 VISUAL / EDITOR 环境变量",
        ) from exc
    if code != 0:
        raise InputError(f"编辑器异常退出（退出码 {code}），本次修改未保存")


def check_revision(brief: Brief, report: Report, profile: Profile) -> list[Finding]:
    """Lint the revised brief and check it against its source report."""
    from drafter.guard.faithfulness import check_faithfulness
    from drafter.style import lint_brief

    findings = lint_brief(brief, profile, expected_attribution=report.org_short)
    findings += check_faithfulness(brief, report, profile, main_org=report.org_short)
    return findings


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
    record = store.get_draft(draft_id)
    _require(record, REVISABLE, "修改", f"用 drafter log {draft_id} 查看它的处理记录")
    now = _current(store, record)
    current, current_text = now.brief, now.text
    report = store.get_report(record.report_id).report
    initial = render_brief_md(current)
    fd, name = tempfile.mkstemp(prefix=f"drafter-{draft_id}-", suffix=".md")
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(initial)
    keep = True
    try:
        (edit_fn or run_editor)(path)
        edited = path.read_text(encoding="utf-8")
        if not edited.strip():
            keep = False
            return ReviseResult("empty")
        if edited.strip() == initial.strip():
            keep = False
            return ReviseResult("unchanged")
        revised = _revised_brief(edited, current, profile, str(path))
        text = brief_text(revised)
        if text == current_text:
            keep = False
            return ReviseResult("unchanged")
        findings = (check_fn or check_revision)(revised, report, profile)
        revised = revised.model_copy(update={"findings": findings})
        revision = store.add_revision(
            draft_id,
            expected_version=record.version,
            brief=revised,
            text=text,
            diff=sentence_diff(current_text, text),
            findings=findings,
            edit_ratio=edit_ratio(now.draft, revised),
        )
        keep = False
        return ReviseResult("saved", revision, findings)
    except DrafterError as exc:
        exc.hint = f"{exc.hint + '；' if exc.hint else ''}你编辑的文本保存在 {path}"
        raise
    finally:
        if not keep:
            path.unlink(missing_ok=True)


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


# -- publishing -------------------------------------------------------------------------


def issue_from_store(store: Store, build: Callable[[list[Brief]], Issue]) -> tuple[Issue, int]:
    """Build an issue from every accepted, unpublished draft and record it.

    ``build`` turns the briefs into an Issue (e.g. ``drafter.issue.build_issue`` with the
    CLI's date and numbering). The issue is recorded and its drafts marked published in
    one transaction; returns the issue and its id in the store. Render and write the
    issue afterwards: it is kept in the store, so a failed write can be redone.
    """
    ready = store.accepted_unpublished()
    if not ready:
        raise InputError(
            "数据库里没有已采用、未刊发的稿件",
            hint="先用 drafter accept 采用稿件，或用 drafter queue --status accepted 查看",
        )
    issue = build([item.brief for item in ready])
    return issue, store.record_issue(issue, [item.draft_id for item in ready])
