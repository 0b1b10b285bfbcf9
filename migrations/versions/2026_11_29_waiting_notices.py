"""notification kinds for steps that wait on somebody

Revision ID: i3_waiting_notices
Revises: i2_user_sessions
Create Date: 2026-11-29

The need owner is told that a proposed decision waits for their confirmation, and (with
every bidding team) that an upheld objection withdrew the decision; the program office is
told that an owner declined a decision and that an objection was lodged. Both kind CHECKs
are widened as in e1_review_notices; downgrade deletes the rows of the new kinds first.
"""
from alembic import op
import sqlalchemy as sa


revision = "i3_waiting_notices"
down_revision = "i2_user_sessions"
branch_labels = None
depends_on = None

OLD_KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered",
             "review_assigned", "review_reopened", "decision_published", "objection_resolved",
             "review_reminder", "need_returned", "need_published", "question_asked")
NEW_KINDS = ("decision_to_confirm", "decision_declined", "objection_lodged",
             "decision_reopened")
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
