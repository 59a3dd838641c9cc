"""The editorial store: database, migrations, workflow operations, stats and feedback.

:class:`Store` is the database (:mod:`drafter.store.database`); the operations editors
run over it are :mod:`drafter.store.workflow`; what the store teaches (stats, eval
export, few-shot examples) is :mod:`drafter.store.feedback`; its row types are
:mod:`drafter.store.records`.
"""

from drafter.store.database import Store, resolve_db_path
from drafter.store.diff import brief_text, format_diff, sentence_diff
from drafter.store.feedback import export_evals, parse_since, stats
from drafter.store.records import (
    DRAFT_STATUSES,
    STATUS_ZH,
    UNDECIDED,
    AcceptedBrief,
    DraftRecord,
    DraftStatus,
    EventRecord,
    RevisionRecord,
    StoredReport,
)
from drafter.store.workflow import (
    ReviseResult,
    SubmitResult,
    accept,
    issue_from_store,
    redraft,
    reject,
    revise,
    submit,
    submit_report,
)

__all__ = [
    "DRAFT_STATUSES",
    "STATUS_ZH",
    "UNDECIDED",
    "AcceptedBrief",
    "DraftRecord",
    "DraftStatus",
    "EventRecord",
    "ReviseResult",
    "RevisionRecord",
    "Store",
    "StoredReport",
    "SubmitResult",
    "accept",
    "brief_text",
    "export_evals",
    "format_diff",
    "issue_from_store",
    "parse_since",
    "redraft",
    "reject",
    "resolve_db_path",
    "revise",
    "sentence_diff",
    "stats",
    "submit",
    "submit_report",
]
