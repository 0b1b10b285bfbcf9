"""row versions: optimistic locking on needs, decisions, objections and project milestones
(two requests changing one record at once: the second changes nothing)

Revision ID: i1_row_versions
Revises: h1_data_version
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "i1_row_versions"
down_revision = "h1_data_version"
branch_labels = None
depends_on = None

TABLES = ("challenges", "review_decisions", "review_objections", "project_milestones")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                          server_default=sa.text("1")))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
