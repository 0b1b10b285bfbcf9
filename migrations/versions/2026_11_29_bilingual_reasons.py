"""bilingual decision reasons and objection answers

Revision ID: j2_bilingual_reasons
Revises: j1_bilingual_terms
Create Date: 2026-11-29

The program office may give a decision's reasons and an objection's answer in English as
well; English pages show them, Chinese pages the Chinese text (each falls back to the other).
"""
from alembic import op
import sqlalchemy as sa


revision = "j2_bilingual_reasons"
down_revision = "j1_bilingual_terms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rationale_en", sa.Text(), nullable=True))
    with op.batch_alter_table("review_objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution_en", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("review_objections", schema=None) as batch_op:
        batch_op.drop_column("resolution_en")
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_column("rationale_en")
