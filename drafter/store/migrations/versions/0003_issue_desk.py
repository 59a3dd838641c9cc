"""0003: an issue is edited as a draft until it is published, and is numbered then.

issues gains a status ('draft' until published), a version for concurrent edits,
编辑/审核, edited 目录提要 lines, the rendered files' hashes; year/number/total stay
NULL until publishing assigns them. SQLite cannot relax NOT NULL in place, so there
the table is rebuilt (the runner turns foreign keys off while migrating and checks
them before it commits, SQLite's documented procedure); PostgreSQL alters it.
Revision 0003 (after 0002).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_STATUS_CHECK = "status IN ('draft', 'published')"
_NUMBERED_CHECK = (
    "status = 'draft' OR (year IS NOT NULL AND number IS NOT NULL AND total IS NOT NULL)"
)


def _sqlite_rebuild() -> None:
    op.create_table(
        "issues_0003",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'published'")),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("year", sa.Integer),
        sa.Column("number", sa.Integer),
        sa.Column("total", sa.Integer),
        sa.Column("issue_date", sa.Text, nullable=False),
        sa.Column("editor", sa.Text),
        sa.Column("reviewer", sa.Text),
        sa.Column("toc_json", sa.Text, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("issue_json", sa.Text),  # the issue as published (frozen)
        sa.Column("files_json", sa.Text, nullable=False, server_default=sa.text("'{}'")),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("published_at", sa.Text),
        sa.UniqueConstraint("year", "number", name="issues_year_number_key"),
        sa.CheckConstraint(_STATUS_CHECK, name="issues_status_check"),
        sa.CheckConstraint(_NUMBERED_CHECK, name="issues_numbered_check"),
    )
    op.execute(
        "INSERT INTO issues_0003 (id, status, year, number, total, issue_date, issue_json,"
        " created_at, updated_at, published_at)"
        " SELECT id, 'published', year, number, total, issue_date, issue_json,"
        " created_at, created_at, created_at FROM issues"
    )
    op.drop_table("issues")
    op.rename_table("issues_0003", "issues")


def _postgresql_alter() -> None:
    op.add_column(
        "issues",
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'published'")),
    )
    op.add_column(
        "issues", sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1"))
    )
    for column in ("year", "number", "total", "issue_json"):
        op.alter_column("issues", column, nullable=True)
    op.add_column("issues", sa.Column("editor", sa.Text))
    op.add_column("issues", sa.Column("reviewer", sa.Text))
    op.add_column(
        "issues", sa.Column("toc_json", sa.Text, nullable=False, server_default=sa.text("'{}'"))
    )
    op.add_column(
        "issues", sa.Column("files_json", sa.Text, nullable=False, server_default=sa.text("'{}'"))
    )
    op.add_column("issues", sa.Column("updated_at", sa.Text))
    op.execute("UPDATE issues SET updated_at = created_at")
    op.alter_column("issues", "updated_at", nullable=False)
    op.add_column("issues", sa.Column("published_at", sa.Text))
    op.execute("UPDATE issues SET published_at = created_at")
    op.create_check_constraint("issues_status_check", "issues", _STATUS_CHECK)
    op.create_check_constraint("issues_numbered_check", "issues", _NUMBERED_CHECK)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rebuild()
    else:
        _postgresql_alter()
    # A brief's place in an issue: its section ('lead' for a lead story) and position.
    op.execute("ALTER TABLE issue_briefs ADD COLUMN section TEXT")
    # Issue-level events (edits, publish, reopen) carry the issue.
    op.execute("ALTER TABLE events ADD COLUMN issue_id INTEGER REFERENCES issues (id)")
    op.create_index("events_issue", "events", ["issue_id"])


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
