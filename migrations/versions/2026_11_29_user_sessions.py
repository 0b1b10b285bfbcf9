"""user sessions: sign-ins kept on the server (logout, password change and role removal
end them)

Revision ID: i2_user_sessions
Revises: i1_row_versions
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

from marketplace.core.types import UTCDateTime

revision = "i2_user_sessions"
down_revision = "i1_row_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_sessions_created_at"), ["created_at"],
                              unique=False)


def downgrade():
    op.drop_table("user_sessions")
