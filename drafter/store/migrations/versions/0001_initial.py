"""0001: reports, drafts, editor decisions, revisions and the append-only event log.

Revision 0001 (the first).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_DRAFT_STATUSES = "('submitted', 'failed', 'drafted', 'revised', 'accepted', 'rejected')"


def _id() -> sa.Column[int]:
    # INTEGER PRIMARY KEY: SQLite's rowid, a serial column on PostgreSQL.
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "reports",
        _id(),
        sa.Column("content_id", sa.Text, nullable=False),  # hash of the cleaned text
        sa.Column("org", sa.Text),
        sa.Column("org_short", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("source_path", sa.Text),
        sa.Column("encoding", sa.Text),
        sa.Column("original", sa.LargeBinary),  # the bytes exactly as submitted
        sa.Column("text", sa.Text, nullable=False),  # cleaned text the engine saw
        sa.Column("report_json", sa.Text, nullable=False),  # the full Report model
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("reports_content_id", "reports", ["content_id"])

    op.create_table(
        "drafts",
        _id(),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("engine", sa.Text),
        sa.Column("model", sa.Text),
        sa.Column("prompt_id", sa.Text),
        sa.Column("prompt_version", sa.Text),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("brief_json", sa.Text),  # the machine draft (NULL until drafted)
        sa.Column("draft_text", sa.Text),  # its plain text: the edit-ratio baseline
        sa.Column("findings_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("error_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("warning_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("failure", sa.Text),  # why drafting failed (status 'failed')
        sa.Column("edit_ratio", sa.Float),  # machine draft vs editor's final text
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.CheckConstraint(f"status IN {_DRAFT_STATUSES}", name="drafts_status_check"),
    )
    op.create_index("drafts_report", "drafts", ["report_id"])

    op.create_table(
        "revisions",
        _id(),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("brief_json", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("diff_json", sa.Text, nullable=False),  # against the previous text
        sa.Column("findings_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("edit_ratio", sa.Float, nullable=False),  # against the machine draft
        sa.Column("editor", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("draft_id", "number"),
    )

    op.create_table(
        "decisions",
        _id(),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("draft_version", sa.Integer, nullable=False),
        sa.Column("editor", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.CheckConstraint("decision IN ('accept', 'reject')", name="decisions_decision_check"),
    )

    op.create_table(
        "events",
        _id(),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id")),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id")),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("detail_json", sa.Text, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("actor", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("events_draft", "events", ["draft_id"])

    # The event log is append-only: history cannot be rewritten, even by mistake.
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events\n"
                "BEGIN\n    SELECT RAISE(ABORT, 'events are append-only');\nEND"
            )
    else:
        op.execute(
            "CREATE FUNCTION drafter_events_append_only() RETURNS trigger"
            " LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'events are append-only'; END $$"
        )
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events"
                " FOR EACH ROW EXECUTE FUNCTION drafter_events_append_only()"
            )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events"
            " FOR EACH STATEMENT EXECUTE FUNCTION drafter_events_append_only()"
        )


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
