"""0006: working together on a draft: edit locks, copies kept on a takeover, notes, the
notification outbox with its addresses and cursor, and idle session timeouts.

One live lock per draft (expired by ``last_seen`` when read); a takeover keeps the
holder's unsaved text in ``kept_copies``; notes are internal or to the contributor; the
outbox holds one message per event and recipient, derived from the event log.
Revision 0006 (after 0005).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edit_locks",
        sa.Column(
            "draft_id",
            sa.Integer,
            sa.ForeignKey("drafts.id"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("since", sa.Text, nullable=False),
        sa.Column("last_seen", sa.Text, nullable=False),
        sa.Column("pending_text", sa.Text),
    )
    op.create_table(
        "kept_copies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("taken_by", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("seen", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("kept_copies_holder", "kept_copies", ["holder", "seen"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("audience", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.CheckConstraint("audience IN ('internal', 'contributor')", name="notes_audience_check"),
    )
    op.create_index("notes_draft", "notes", ["draft_id"])
    op.create_table(
        "notify_addresses",
        sa.Column("account", sa.Text, primary_key=True),
        sa.Column("email", sa.Text),
        sa.Column("sections_json", sa.Text, nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("draft_id", sa.Integer),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'pending'")),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt", sa.Text, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="outbox_status_check"),
        sa.UniqueConstraint("event_id", "recipient", name="outbox_event_recipient"),
    )
    op.create_index("outbox_due", "outbox", ["status", "next_attempt"])
    op.create_table(
        "outbox_cursor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.CheckConstraint("id = 1", name="outbox_cursor_one_row"),
    )
    op.add_column("sessions", sa.Column("last_seen", sa.Text))


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
