"""drafter: house-style briefs for a weekly bulletin, from raw activity reports.

This module is the public API; the CLI (and any web or worker front end) is a client
of it and of nothing else. Names load on first use, so ``import drafter`` stays
cheap: ``drafter lint`` never imports the model layer. ``_EXPORTS`` below is the one
list of public names; ``__all__`` is built from it and pinned by a test.

Errors all derive from :class:`DrafterError`; see :mod:`drafter.errors` for the tree
and the exit code of each.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # _EXPORTS again, for type checkers (a test keeps the two equal)
    from drafter.brieftext import (
        parse_brief as parse_brief,
    )
    from drafter.brieftext import (
        render_brief_md as render_brief_md,
    )
    from drafter.brieftext import (
        render_brief_txt as render_brief_txt,
    )
    from drafter.drafting import (
        BatchItem as BatchItem,
    )
    from drafter.drafting import (
        BatchSummary as BatchSummary,
    )
    from drafter.drafting import (
        ModelBackend as ModelBackend,
    )
    from drafter.drafting import (
        adraft as adraft,
    )
    from drafter.drafting import (
        adraft_many as adraft_many,
    )
    from drafter.drafting import (
        check as check,
    )
    from drafter.drafting import (
        check_text as check_text,
    )
    from drafter.drafting import (
        draft as draft,
    )
    from drafter.drafting import (
        draft_files as draft_files,
    )
    from drafter.drafting import (
        draft_many as draft_many,
    )
    from drafter.drafting import (
        toc_shortener as toc_shortener,
    )
    from drafter.errors import (
        ConfigError as ConfigError,
    )
    from drafter.errors import (
        ConflictError as ConflictError,
    )
    from drafter.errors import (
        DrafterError as DrafterError,
    )
    from drafter.errors import (
        EncodingError as EncodingError,
    )
    from drafter.errors import (
        EvalError as EvalError,
    )
    from drafter.errors import (
        GateError as GateError,
    )
    from drafter.errors import (
        InputError as InputError,
    )
    from drafter.errors import (
        IssueError as IssueError,
    )
    from drafter.errors import (
        LockedError as LockedError,
    )
    from drafter.errors import (
        MissingRecordingError as MissingRecordingError,
    )
    from drafter.errors import (
        ModelError as ModelError,
    )
    from drafter.errors import (
        NotFoundError as NotFoundError,
    )
    from drafter.errors import (
        OutputValidationError as OutputValidationError,
    )
    from drafter.errors import (
        ProfileError as ProfileError,
    )
    from drafter.errors import (
        PromptError as PromptError,
    )
    from drafter.errors import (
        StoreError as StoreError,
    )
    from drafter.errors import (
        exit_code_for as exit_code_for,
    )
    from drafter.eval import (
        Case as Case,
    )
    from drafter.eval import (
        EvalRun as EvalRun,
    )
    from drafter.eval import (
        Regression as Regression,
    )
    from drafter.eval import (
        baseline_view as baseline_view,
    )
    from drafter.eval import (
        calibrate as calibrate,
    )
    from drafter.eval import (
        compare_runs as compare_runs,
    )
    from drafter.eval import (
        evaluate as evaluate,
    )
    from drafter.eval import (
        grader_agreement as grader_agreement,
    )
    from drafter.eval import (
        load_cases as load_cases,
    )
    from drafter.eval import (
        load_run as load_run,
    )
    from drafter.eval import (
        regressions as regressions,
    )
    from drafter.eval import (
        to_junit as to_junit,
    )
    from drafter.guard import (
        check_faithfulness as check_faithfulness,
    )
    from drafter.ingest import (
        load_report as load_report,
    )
    from drafter.ingest import (
        parse_kind as parse_kind,
    )
    from drafter.ingest import (
        report_from_text as report_from_text,
    )
    from drafter.issue import (
        build_issue as build_issue,
    )
    from drafter.issue import (
        format_for as format_for,
    )
    from drafter.issue import (
        load_numbering as load_numbering,
    )
    from drafter.issue import (
        next_numbering as next_numbering,
    )
    from drafter.issue import (
        parse_issue as parse_issue,
    )
    from drafter.issue import (
        render as render,
    )
    from drafter.issue import (
        review_problems as review_problems,
    )
    from drafter.issue import (
        save_numbering as save_numbering,
    )
    from drafter.issue import (
        toc_lines as toc_lines,
    )
    from drafter.issue import (
        today as today,
    )
    from drafter.model import (
        ModelConfig as ModelConfig,
    )
    from drafter.profile import (
        Profile as Profile,
    )
    from drafter.profile import (
        load_profile as load_profile,
    )
    from drafter.resources import (
        data_dir as data_dir,
    )
    from drafter.samples import (
        run_demo as run_demo,
    )
    from drafter.schemas import (
        SCHEMA_MODELS as SCHEMA_MODELS,
    )
    from drafter.schemas import (
        SEVERITY_ZH as SEVERITY_ZH,
    )
    from drafter.schemas import (
        Brief as Brief,
    )
    from drafter.schemas import (
        Facts as Facts,
    )
    from drafter.schemas import (
        Finding as Finding,
    )
    from drafter.schemas import (
        Footer as Footer,
    )
    from drafter.schemas import (
        Issue as Issue,
    )
    from drafter.schemas import (
        IssueSection as IssueSection,
    )
    from drafter.schemas import (
        Location as Location,
    )
    from drafter.schemas import (
        Masthead as Masthead,
    )
    from drafter.schemas import (
        OrgKind as OrgKind,
    )
    from drafter.schemas import (
        Provenance as Provenance,
    )
    from drafter.schemas import (
        Report as Report,
    )
    from drafter.schemas import (
        TokenUsage as TokenUsage,
    )
    from drafter.schemas import (
        json_schema as json_schema,
    )
    from drafter.store import (
        QUEUE_SORTS as QUEUE_SORTS,
    )
    from drafter.store import (
        ROLES as ROLES,
    )
    from drafter.store import (
        STATUS_ZH as STATUS_ZH,
    )
    from drafter.store import (
        UNDECIDED as UNDECIDED,
    )
    from drafter.store import (
        Account as Account,
    )
    from drafter.store import (
        CheckItem as CheckItem,
    )
    from drafter.store import (
        CopyResult as CopyResult,
    )
    from drafter.store import (
        DatabaseCheck as DatabaseCheck,
    )
    from drafter.store import (
        DraftRecord as DraftRecord,
    )
    from drafter.store import (
        EditLock as EditLock,
    )
    from drafter.store import (
        FactSegment as FactSegment,
    )
    from drafter.store import (
        IssueRecord as IssueRecord,
    )
    from drafter.store import (
        KeptCopy as KeptCopy,
    )
    from drafter.store import (
        LoginSession as LoginSession,
    )
    from drafter.store import (
        Message as Message,
    )
    from drafter.store import (
        Note as Note,
    )
    from drafter.store import (
        OutboxSender as OutboxSender,
    )
    from drafter.store import (
        QueuePage as QueuePage,
    )
    from drafter.store import (
        ReviseResult as ReviseResult,
    )
    from drafter.store import (
        SmtpConfig as SmtpConfig,
    )
    from drafter.store import (
        Store as Store,
    )
    from drafter.store import (
        accept as accept,
    )
    from drafter.store import (
        acting_as as acting_as,
    )
    from drafter.store import (
        add_account as add_account,
    )
    from drafter.store import (
        add_briefs as add_briefs,
    )
    from drafter.store import (
        add_note as add_note,
    )
    from drafter.store import (
        authenticate as authenticate,
    )
    from drafter.store import (
        backup_database as backup_database,
    )
    from drafter.store import (
        brief_text as brief_text,
    )
    from drafter.store import (
        check_database as check_database,
    )
    from drafter.store import (
        checklist as checklist,
    )
    from drafter.store import (
        collect_outbox as collect_outbox,
    )
    from drafter.store import (
        copy_store as copy_store,
    )
    from drafter.store import (
        correct_draft as correct_draft,
    )
    from drafter.store import (
        current_lock as current_lock,
    )
    from drafter.store import (
        disable_account as disable_account,
    )
    from drafter.store import (
        draft_status as draft_status,
    )
    from drafter.store import (
        enable_account as enable_account,
    )
    from drafter.store import (
        end_session as end_session,
    )
    from drafter.store import (
        export_docx as export_docx,
    )
    from drafter.store import (
        export_evals as export_evals,
    )
    from drafter.store import (
        feedback_markdown as feedback_markdown,
    )
    from drafter.store import (
        format_diff as format_diff,
    )
    from drafter.store import (
        get_account as get_account,
    )
    from drafter.store import (
        get_issue as get_issue,
    )
    from drafter.store import (
        heartbeat as heartbeat,
    )
    from drafter.store import (
        import_docx as import_docx,
    )
    from drafter.store import (
        issue_events as issue_events,
    )
    from drafter.store import (
        kept_copies as kept_copies,
    )
    from drafter.store import (
        linked_facts as linked_facts,
    )
    from drafter.store import (
        list_accounts as list_accounts,
    )
    from drafter.store import (
        list_issues as list_issues,
    )
    from drafter.store import (
        list_notes as list_notes,
    )
    from drafter.store import (
        lock_idle as lock_idle,
    )
    from drafter.store import (
        mark_copy_seen as mark_copy_seen,
    )
    from drafter.store import (
        new_issue as new_issue,
    )
    from drafter.store import (
        notify_recipients as notify_recipients,
    )
    from drafter.store import (
        open_for_edit as open_for_edit,
    )
    from drafter.store import (
        open_session as open_session,
    )
    from drafter.store import (
        org_feedback as org_feedback,
    )
    from drafter.store import (
        outbox_messages as outbox_messages,
    )
    from drafter.store import (
        place_brief as place_brief,
    )
    from drafter.store import (
        preview_issue as preview_issue,
    )
    from drafter.store import (
        publish_issue as publish_issue,
    )
    from drafter.store import (
        queue_page as queue_page,
    )
    from drafter.store import (
        redraft as redraft,
    )
    from drafter.store import (
        reject as reject,
    )
    from drafter.store import (
        release_lock as release_lock,
    )
    from drafter.store import (
        remove_brief as remove_brief,
    )
    from drafter.store import (
        reopen_issue as reopen_issue,
    )
    from drafter.store import (
        revise as revise,
    )
    from drafter.store import (
        revise_text as revise_text,
    )
    from drafter.store import (
        send_outbox as send_outbox,
    )
    from drafter.store import (
        session_for as session_for,
    )
    from drafter.store import (
        session_limits as session_limits,
    )
    from drafter.store import (
        set_issue_meta as set_issue_meta,
    )
    from drafter.store import (
        set_lead as set_lead,
    )
    from drafter.store import (
        set_notify_address as set_notify_address,
    )
    from drafter.store import (
        set_orgs as set_orgs,
    )
    from drafter.store import (
        set_password as set_password,
    )
    from drafter.store import (
        set_toc_line as set_toc_line,
    )
    from drafter.store import (
        smtp_config as smtp_config,
    )
    from drafter.store import (
        stats as stats,
    )
    from drafter.store import (
        submit as submit,
    )
    from drafter.store import (
        submit_report as submit_report,
    )
    from drafter.store import (
        take_over as take_over,
    )
    from drafter.store import (
        weekly_stats as weekly_stats,
    )
    from drafter.store.jobs import (
        DEFAULT_LEASE as DEFAULT_LEASE,
    )
    from drafter.store.jobs import (
        JOB_STATE_ZH as JOB_STATE_ZH,
    )
    from drafter.store.jobs import (
        Job as Job,
    )
    from drafter.store.jobs import (
        enqueue_job as enqueue_job,
    )
    from drafter.store.jobs import (
        job_counts as job_counts,
    )
    from drafter.store.jobs import (
        job_for_draft as job_for_draft,
    )
    from drafter.store.jobs import (
        jobs_for_drafts as jobs_for_drafts,
    )
    from drafter.store.jobs import (
        list_jobs as list_jobs,
    )
    from drafter.store.jobs import (
        retry_job as retry_job,
    )
    from drafter.store.worker import (
        InProcessWorkers as InProcessWorkers,
    )
    from drafter.store.worker import (
        Worker as Worker,
    )
    from drafter.store.worker import (
        WorkerSettings as WorkerSettings,
    )
    from drafter.store.worker import (
        run_workers as run_workers,
    )
    from drafter.style import (
        RULES as RULES,
    )
    from drafter.style import (
        finding_offset as finding_offset,
    )
    from drafter.style import (
        fix as fix,
    )
    from drafter.style import (
        lint as lint,
    )
    from drafter.style import (
        severity_map as severity_map,
    )
    from drafter.text import (
        Decoded as Decoded,
    )
    from drafter.text import (
        local_time as local_time,
    )
    from drafter.text import (
        parse_user_date as parse_user_date,
    )
    from drafter.text import (
        read_text as read_text,
    )
    from drafter.text import (
        split_front_matter_block as split_front_matter_block,
    )
    from drafter.text import (
        write_atomic as write_atomic,
    )

__version__ = "0.1.0"

# module -> the public names it defines; the one list of drafter's API.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "drafter.errors": (
        "ConfigError",
        "ConflictError",
        "DrafterError",
        "EncodingError",
        "EvalError",
        "GateError",
        "InputError",
        "IssueError",
        "LockedError",
        "MissingRecordingError",
        "ModelError",
        "NotFoundError",
        "OutputValidationError",
        "ProfileError",
        "PromptError",
        "StoreError",
        "exit_code_for",
    ),
    "drafter.schemas": (
        "SCHEMA_MODELS",
        "SEVERITY_ZH",
        "Brief",
        "Facts",
        "Finding",
        "Footer",
        "Issue",
        "IssueSection",
        "Location",
        "Masthead",
        "OrgKind",
        "Provenance",
        "Report",
        "TokenUsage",
        "json_schema",
    ),
    "drafter.profile": ("Profile", "load_profile"),
    "drafter.resources": ("data_dir",),
    "drafter.text": (
        "Decoded",
        "local_time",
        "parse_user_date",
        "read_text",
        "split_front_matter_block",
        "write_atomic",
    ),
    "drafter.brieftext": ("parse_brief", "render_brief_md", "render_brief_txt"),
    "drafter.ingest": ("load_report", "parse_kind", "report_from_text"),
    "drafter.style": ("RULES", "finding_offset", "fix", "lint", "severity_map"),
    "drafter.guard": ("check_faithfulness",),
    "drafter.model": ("ModelConfig",),
    "drafter.drafting": (
        "BatchItem",
        "BatchSummary",
        "ModelBackend",
        "adraft",
        "adraft_many",
        "check",
        "check_text",
        "draft",
        "draft_files",
        "draft_many",
        "toc_shortener",
    ),
    "drafter.issue": (
        "build_issue",
        "format_for",
        "load_numbering",
        "next_numbering",
        "parse_issue",
        "render",
        "review_problems",
        "save_numbering",
        "today",
        "toc_lines",
    ),
    "drafter.store": (
        "UNDECIDED",
        "DraftRecord",
        "Store",
        "accept",
        "brief_text",
        "export_evals",
        "format_diff",
        "IssueRecord",
        "add_briefs",
        "export_docx",
        "import_docx",
        "correct_draft",
        "draft_status",
        "feedback_markdown",
        "org_feedback",
        "get_issue",
        "issue_events",
        "list_issues",
        "new_issue",
        "place_brief",
        "preview_issue",
        "publish_issue",
        "remove_brief",
        "reopen_issue",
        "set_issue_meta",
        "set_lead",
        "set_toc_line",
        "redraft",
        "reject",
        "revise",
        "stats",
        "weekly_stats",
        "submit",
        "ROLES",
        "Account",
        "LoginSession",
        "acting_as",
        "add_account",
        "authenticate",
        "disable_account",
        "enable_account",
        "end_session",
        "get_account",
        "list_accounts",
        "open_session",
        "session_for",
        "set_orgs",
        "set_password",
        "submit_report",
        "STATUS_ZH",
        "QUEUE_SORTS",
        "QueuePage",
        "queue_page",
        "revise_text",
        "ReviseResult",
        "linked_facts",
        "FactSegment",
        "DatabaseCheck",
        "backup_database",
        "check_database",
        "CopyResult",
        "copy_store",
        "EditLock",
        "KeptCopy",
        "current_lock",
        "heartbeat",
        "kept_copies",
        "lock_idle",
        "mark_copy_seen",
        "open_for_edit",
        "release_lock",
        "take_over",
        "Note",
        "add_note",
        "list_notes",
        "Message",
        "OutboxSender",
        "collect_outbox",
        "notify_recipients",
        "outbox_messages",
        "send_outbox",
        "set_notify_address",
        "SmtpConfig",
        "smtp_config",
        "CheckItem",
        "checklist",
        "session_limits",
    ),
    "drafter.store.jobs": (
        "DEFAULT_LEASE",
        "JOB_STATE_ZH",
        "Job",
        "enqueue_job",
        "job_counts",
        "job_for_draft",
        "jobs_for_drafts",
        "list_jobs",
        "retry_job",
    ),
    "drafter.store.worker": ("InProcessWorkers", "Worker", "WorkerSettings", "run_workers"),
    "drafter.eval": (
        "Case",
        "EvalRun",
        "Regression",
        "baseline_view",
        "calibrate",
        "compare_runs",
        "evaluate",
        "grader_agreement",
        "load_cases",
        "load_run",
        "regressions",
        "to_junit",
    ),
    "drafter.samples": ("run_demo",),
}

_LAZY: dict[str, str] = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
