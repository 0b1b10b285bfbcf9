"""bilingual requirements, further terms and confidential details of a need

Revision ID: j1_bilingual_terms
Revises: i4_bid_outcome_notices
Create Date: 2026-11-29

Like titles and descriptions, each of these now has an English field beside the Chinese one
(the existing column), so English pages no longer show Chinese text.
"""
from alembic import op
import sqlalchemy as sa


revision = "j1_bilingual_terms"
down_revision = "i4_bid_outcome_notices"
branch_labels = None
depends_on = None

COLUMNS = ("requirements_en", "confidential_details_en", "terms_text_en")


def upgrade():
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
