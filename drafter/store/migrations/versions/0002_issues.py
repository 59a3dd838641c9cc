"""0002: issues built from the store and the briefs printed in them.

A draft that has been printed carries its issue, so "accepted and not yet published"
is one query. Revision 0002 (after 0001).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issues",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("issue_date", sa.Text, nullable=False),
        sa.Column("issue_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("year", "number", name="issues_year_number_key"),
    )
    op.create_table(
        "issue_briefs",
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("issues.id"), nullable=False),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("issue_id", "draft_id"),
    )
    # Plain SQL both engines accept (SQLite adds a referencing column only this way).
    op.execute("ALTER TABLE drafts ADD COLUMN published_issue_id INTEGER REFERENCES issues (id)")
    op.create_index("drafts_status", "drafts", ["status", "published_issue_id"])


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
