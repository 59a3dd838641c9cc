"""0005: drafting jobs.

A submission is stored first; a worker claims its job with a lease, drafts it and
finishes it. ``lease`` grows by one on every claim and is never reset: it fences a
worker that lost its lease (its writes no longer match). Lease times are ISO-8601 UTC
text to the microsecond, compared as strings. One live (queued or running) job per draft.
Revision 0005 (after 0004).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_LIVE = sa.text("state IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("model", sa.Text),  # NULL: the worker's configured model
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("max_attempts", sa.Integer, nullable=False, server_default=sa.text("3")),
        sa.Column("lease", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("holder", sa.Text),
        sa.Column("lease_expires_at", sa.Text),
        sa.Column("available_at", sa.Text),  # a retried job waits until then
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name="jobs_state_check"
        ),
    )
    op.create_index("jobs_state", "jobs", ["state", "id"])
    op.create_index(
        "jobs_live_draft",
        "jobs",
        ["draft_id"],
        unique=True,
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
