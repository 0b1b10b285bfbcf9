"""merge the search/taxonomy line with the bids/review line

Revision ID: f1_merge
Revises: b1_search_taxonomy, e1_review_notices
Create Date: 2026-11-25

b1_search_taxonomy and c1_bids were written side by side on top of the initial schema and
touch different tables; this empty revision joins the two lines so that the project has one
head again and `alembic revision` works without naming a branch.
"""

revision = "f1_merge"
down_revision = ("b1_search_taxonomy", "e1_review_notices")
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: a merge point."""


def downgrade():
    """Nothing to change: a merge point."""
