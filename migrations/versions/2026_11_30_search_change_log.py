"""search outbox becomes a change log that every node's index follows by its own cursor

Revision ID: p1_search_change_log
Revises: o1_api_tokens
Create Date: 2026-11-30

Whether a row was applied is now kept by each index (its cursor, in the index directory), not
in the table: applied_at goes. An index built before this revision has no cursor; its first
apply replays the whole log if the log still starts at id 1, and otherwise rebuilds the index
(the follower or `search sync` does it, and logs it). Downgrade marks every row applied when it
was created (the old code then applies only new changes; `search verify` tells whether a
rebuild is needed).
"""
from alembic import op
import sqlalchemy as sa

from marketplace.core.types import UTCDateTime

revision = "p1_search_change_log"
down_revision = "o1_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_applied_at"))
        batch_op.drop_column("applied_at")


def downgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applied_at", UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE search_outbox SET applied_at = created_at")
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_applied_at"), ["applied_at"],
                              unique=False)
