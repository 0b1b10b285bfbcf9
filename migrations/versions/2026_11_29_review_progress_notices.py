"""notification kinds for the review's progress, told to the teams that bid

Revision ID: k1_review_progress_notices
Revises: j2_bilingual_reasons
Create Date: 2026-11-29

A team is told when review opens (its bid is in the formal check) and when its bid passes
the formal check (the panel scores it next). Both kind CHECKs are widened as in
i4_bid_outcome_notices; downgrade deletes the rows of the new kinds first.
"""
from alembic import op
import sqlalchemy as sa


revision = "k1_review_progress_notices"
down_revision = "j2_bilingual_reasons"
branch_labels = None
depends_on = None

OLD_KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered",
             "review_assigned", "review_reopened", "decision_published", "objection_resolved",
             "review_reminder", "need_returned", "need_published", "question_asked",
             "decision_to_confirm", "decision_declined", "objection_lodged",
             "decision_reopened", "bid_ineligible", "award_final", "need_republished")
NEW_KINDS = ("review_opened", "bid_eligible")
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
