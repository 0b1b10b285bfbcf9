"""personal API tokens for the JSON API (issue 13)

Revision ID: o1_api_tokens
Revises: n1_decision_reminders
Create Date: 2026-11-30

A user's tokens, created and revoked on the account settings page: the SHA-256 of each token
(never the token), its scope (read or write), its first characters to tell it apart, and when
it expires, was last used and was revoked.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.core.types import UTCDateTime

revision = "o1_api_tokens"
down_revision = "n1_decision_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.Enum("read", "write", name="token_scope", native_enum=False,
                                   create_constraint=True, length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("api_tokens")
