"""notification kinds for what the review made of a team's bid

Revision ID: i4_bid_outcome_notices
Revises: i3_waiting_notices
Create Date: 2026-11-29

A team is told when the formal check finds its bid not eligible (with the reason) and,
when the decision becomes final, whether it was selected, not selected or no award was
made; and, after no award, that the need is published again. Both kind CHECKs are widened as in e1_review_notices; downgrade deletes the rows of
the new kinds first.
"""
from alembic import op
import sqlalchemy as sa


revision = "i4_bid_outcome_notices"
down_revision = "i3_waiting_notices"
branch_labels = None
depends_on = None

OLD_KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered",
             "review_assigned", "review_reopened", "decision_published", "objection_resolved",
             "review_reminder", "need_returned", "need_published", "question_asked",
             "decision_to_confirm", "decision_declined", "objection_lodged",
             "decision_reopened")
NEW_KINDS = ("bid_ineligible", "award_final", "need_republished")
KIND_COLUMNS = (("notifications", "notification_kind"), ("notices_sent", "notice_kind"))


def _kind(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _change_kinds(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    for table, name in KIND_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("kind", existing_type=_kind(name, old), type_=_kind(name, new),
                               existing_nullable=False)


def upgrade():
    _change_kinds(OLD_KINDS, OLD_KINDS + NEW_KINDS)


def downgrade():
    for table, _name in KIND_COLUMNS:
        rows = sa.table(table, sa.column("kind"))
        op.execute(rows.delete().where(rows.c.kind.in_(NEW_KINDS)))
    _change_kinds(OLD_KINDS + NEW_KINDS, OLD_KINDS)
