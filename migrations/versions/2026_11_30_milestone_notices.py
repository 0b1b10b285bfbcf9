"""notification kinds for the project after the contract: a milestone reported, accepted

Revision ID: q1_milestone_notices
Revises: p1_search_change_log
Create Date: 2026-11-30

The winning team and the program office are told when the owner reports on a milestone;
the team and the owner when the office accepts the report. Both kind CHECKs are widened as
in n1_decision_reminders; downgrade deletes the rows of the new kinds first.
"""
from alembic import op
import sqlalchemy as sa


revision = "q1_milestone_notices"
down_revision = "p1_search_change_log"
branch_labels = None
depends_on = None

OLD_KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered",
             "review_assigned", "review_reopened", "decision_published", "objection_resolved",
             "review_reminder", "need_returned", "need_published", "question_asked",
             "decision_to_confirm", "decision_declined", "objection_lodged",
             "decision_reopened", "bid_ineligible", "award_final", "need_republished",
             "review_opened", "bid_eligible", "objection_received", "round_complete",
             "decision_reminder")
NEW_KINDS = ("milestone_reported", "milestone_accepted")
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
