"""0007: indexes for the review queue's pages.

The queue finds a page's draft ids first (:mod:`drafter.store.queue`); with these
indexes that is an index-only scan in the order shown, for the state filter the queue
opens with, both without and with the "most errors first" order. They replace
``drafts_status`` (status, published_issue_id), which is their common prefix.
Revision 0007 (after 0006).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("drafts_queue", "drafts", ["status", "published_issue_id", "id"])
    op.create_index(
        "drafts_queue_errors", "drafts", ["status", "published_issue_id", "error_count", "id"]
    )
    op.drop_index("drafts_status", table_name="drafts")


def downgrade() -> None:
    raise NotImplementedError("drafter's migrations go forward only: restore a backup instead")
