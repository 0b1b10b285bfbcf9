"""data version: one counter that every change to public data bumps (caches key on it);
indexes for the public need list (status with deadline, publication time or budget)

Revision ID: h1_data_version
Revises: g1_taxonomy_synonyms
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "h1_data_version"
down_revision = "g1_taxonomy_synonyms"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}])
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        for name, column in INDEXES:
            batch_op.create_index(name, ["status", column, "id"], unique=False)


INDEXES = (("ix_challenges_status_deadline", "deadline"),
           ("ix_challenges_status_published_at", "published_at"),
           ("ix_challenges_status_budget_wan", "budget_wan"))


def downgrade():
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        for name, _column in INDEXES:
            batch_op.drop_index(name)
    op.drop_table("data_version")
