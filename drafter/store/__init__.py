"""The editorial store: database, migrations, workflow operations, stats and feedback.

:class:`Store` is the database (:mod:`drafter.store.database`); the operations editors
run over it are :mod:`drafter.store.workflow`; what the store teaches (stats, eval
export, few-shot examples) is :mod:`drafter.store.feedback`; an issue's draft → publish life is
:mod:`drafter.store.issues`; the accept gate is :mod:`drafter.store.gate`; its row types are
:mod:`drafter.store.records`.
"""

from drafter.store._connection import acting_as
from drafter.store.accounts import (
    ROLES,
    Account,
    LoginSession,
    add_account,
    authenticate,
    disable_account,
    enable_account,
    end_session,
    get_account,
    list_accounts,
    open_session,
    session_for,
    session_limits,
    set_orgs,
    set_password,
)
from drafter.store.contributors import draft_status, feedback_markdown, org_feedback
from drafter.store.database import Store, resolve_db_path
from drafter.store.delivery import SmtpConfig, smtp_config
from drafter.store.diff import brief_text, format_diff, sentence_diff
from drafter.store.facts import FactSegment, linked_facts
from drafter.store.feedback import export_evals, parse_since, stats, weekly_stats
from drafter.store.gate import CheckItem, checklist
from drafter.store.issues import (
    add_briefs,
    get_issue,
    issue_events,
    list_issues,
    new_issue,
    place_brief,
    remove_brief,
    set_issue_meta,
    set_lead,
)
from drafter.store.locks import (
    EditLock,
    KeptCopy,
    current_lock,
    heartbeat,
    kept_copies,
    lock_idle,
    mark_copy_seen,
    open_for_edit,
    release_lock,
    take_over,
)
from drafter.store.maintenance import DatabaseCheck, backup_database, check_database
from drafter.store.metadata import correct_draft, correct_report
from drafter.store.notes import Note, add_note, list_notes
from drafter.store.outbox import (
    Message,
    OutboxSender,
    collect_outbox,
    notify_recipients,
    outbox_messages,
    send_outbox,
    set_notify_address,
)
from drafter.store.publish import preview_issue, publish_issue, reopen_issue, set_toc_line
from drafter.store.queue import QUEUE_SORTS, QueuePage, queue_page
from drafter.store.records import (
    DRAFT_STATUSES,
    STATUS_ZH,
    UNDECIDED,
    AcceptedBrief,
    DraftRecord,
    DraftStatus,
    EventRecord,
    IssueRecord,
    PublishResult,
    RevisionRecord,
    StoredReport,
)
from drafter.store.transfer import CopyResult, copy_store
from drafter.store.word import export_docx, import_docx
from drafter.store.workflow import (
    ReviseResult,
    SubmitResult,
    accept,
    redraft,
    reject,
    revise,
    revise_text,
    submit,
    submit_report,
)

__all__ = [
    "DRAFT_STATUSES",
    "QUEUE_SORTS",
    "ROLES",
    "STATUS_ZH",
    "UNDECIDED",
    "AcceptedBrief",
    "Account",
    "CheckItem",
    "CopyResult",
    "DatabaseCheck",
    "DraftRecord",
    "DraftStatus",
    "EditLock",
    "EventRecord",
    "FactSegment",
    "IssueRecord",
    "KeptCopy",
    "LoginSession",
    "Message",
    "Note",
    "OutboxSender",
    "PublishResult",
    "QueuePage",
    "ReviseResult",
    "RevisionRecord",
    "SmtpConfig",
    "Store",
    "StoredReport",
    "SubmitResult",
    "accept",
    "acting_as",
    "add_account",
    "add_briefs",
    "add_note",
    "authenticate",
    "backup_database",
    "brief_text",
    "check_database",
    "checklist",
    "collect_outbox",
    "copy_store",
    "correct_draft",
    "correct_report",
    "current_lock",
    "disable_account",
    "draft_status",
    "enable_account",
    "end_session",
    "export_docx",
    "export_evals",
    "feedback_markdown",
    "format_diff",
    "get_account",
    "get_issue",
    "heartbeat",
    "import_docx",
    "issue_events",
    "kept_copies",
    "linked_facts",
    "list_accounts",
    "list_issues",
    "list_notes",
    "lock_idle",
    "mark_copy_seen",
    "new_issue",
    "notify_recipients",
    "open_for_edit",
    "open_session",
    "org_feedback",
    "outbox_messages",
    "parse_since",
    "place_brief",
    "preview_issue",
    "publish_issue",
    "queue_page",
    "redraft",
    "reject",
    "release_lock",
    "remove_brief",
    "reopen_issue",
    "resolve_db_path",
    "revise",
    "revise_text",
    "send_outbox",
    "sentence_diff",
    "session_for",
    "session_limits",
    "set_issue_meta",
    "set_lead",
    "set_notify_address",
    "set_orgs",
    "set_password",
    "set_toc_line",
    "smtp_config",
    "stats",
    "submit",
    "submit_report",
    "take_over",
    "weekly_stats",
]
