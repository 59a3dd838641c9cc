"""Pins the public API: what `import drafter` offers, and that it stays cheap to import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import drafter

PUBLIC = {
    # errors
    "ConfigError", "ConflictError", "DrafterError", "EncodingError", "EvalError", "GateError",
    "InputError",
    "IssueError", "LockedError", "MissingRecordingError", "ModelError", "NotFoundError",
    "OutputValidationError", "ProfileError", "PromptError", "StoreError", "exit_code_for",
    # data types, profile, package data, text
    "SCHEMA_MODELS", "SEVERITY_ZH", "Brief", "Facts", "Finding", "Footer", "Issue",
    "IssueSection", "Location", "Masthead", "OrgKind", "Provenance", "Report", "TokenUsage",
    "json_schema", "Profile", "load_profile", "data_dir", "Decoded", "local_time", "parse_user_date",
    "read_text", "split_front_matter_block", "write_atomic", "parse_brief", "render_brief_md", "render_brief_txt",
    # stages
    "load_report", "parse_kind", "report_from_text", "RULES", "finding_offset", "fix", "lint",
    "severity_map",
    "check_faithfulness", "ModelConfig",
    "BatchItem", "BatchSummary", "ModelBackend", "check", "check_text", "draft", "draft_files",
    "draft_many", "toc_shortener", "adraft", "adraft_many",
    "build_issue", "format_for", "load_numbering", "next_numbering", "parse_issue", "render",
    "review_problems", "save_numbering", "today", "toc_lines",
    "UNDECIDED", "DraftRecord", "Store", "accept", "brief_text", "export_evals", "format_diff",
    "redraft", "reject", "revise", "stats", "submit", "weekly_stats",
    "IssueRecord", "add_briefs", "get_issue", "issue_events", "list_issues", "new_issue",
    "place_brief", "preview_issue", "publish_issue", "remove_brief", "reopen_issue",
    "set_issue_meta", "set_lead", "set_toc_line",
    "correct_draft", "draft_status", "feedback_markdown", "org_feedback", "export_docx",
    "import_docx",
    "Case", "EvalRun", "Regression", "baseline_view", "calibrate", "compare_runs", "evaluate",
    "grader_agreement", "load_cases",
    "load_run", "regressions", "to_junit",
    "run_demo",
    # newsroom accounts and sessions
    "ROLES", "Account", "LoginSession", "acting_as", "add_account", "authenticate",
    "disable_account", "end_session", "get_account", "list_accounts", "open_session",
    "session_for", "set_password", "submit_report", "STATUS_ZH", "enable_account", "set_orgs",
    "QUEUE_SORTS", "QueuePage", "queue_page", "revise_text", "ReviseResult", "linked_facts", "FactSegment",
    "DatabaseCheck", "backup_database", "check_database", "CopyResult", "copy_store",
    # drafting jobs and workers
    "DEFAULT_LEASE", "JOB_STATE_ZH", "Job", "enqueue_job", "job_counts", "job_for_draft",
    "jobs_for_drafts", "list_jobs", "retry_job", "InProcessWorkers", "Worker", "WorkerSettings",
    "run_workers",
    # working together: locks, notes, outbox, checklists, session limits
    "EditLock", "KeptCopy", "current_lock", "heartbeat", "kept_copies", "lock_idle",
    "mark_copy_seen", "open_for_edit", "release_lock", "take_over", "Note", "add_note",
    "list_notes", "Message", "OutboxSender", "collect_outbox", "notify_recipients",
    "outbox_messages", "send_outbox", "set_notify_address", "SmtpConfig", "smtp_config",
    "CheckItem", "checklist", "session_limits",
    "__version__",
}  # fmt: skip


def test_public_names_are_pinned() -> None:
    assert set(drafter.__all__) == PUBLIC
    assert len(drafter.__all__) == len(PUBLIC)  # no name listed twice


def test_every_public_name_resolves() -> None:
    for name in drafter.__all__:
        assert getattr(drafter, name) is not None, name


def test_type_checking_imports_match_the_exports() -> None:
    """The names mypy sees (the TYPE_CHECKING block) are the names served at run time."""
    tree = ast.parse(Path(drafter.__file__).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    typed: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        typed.update({a.name: node.module for a in node.names})
    assert typed == drafter._LAZY


def test_the_documented_entry_points_work() -> None:
    # The acceptance line, as a Python user would type it.
    assert drafter.Store and drafter.ModelConfig and drafter.draft_many and drafter.toc_lines


def test_unknown_attribute_raises() -> None:
    try:
        drafter.nonexistent  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "nonexistent" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_importing_drafter_and_its_cli_loads_no_model_layer() -> None:
    loaded = _modules_after("import drafter, drafter.cli")
    heavy = {
        m
        for m in loaded
        if m.split(".")[0]
        in {"langchain_core", "langchain_openai", "openai", "tiktoken", "docx", "jieba"}
    }
    assert not heavy, f"heavy modules imported at start-up: {sorted(heavy)}"
