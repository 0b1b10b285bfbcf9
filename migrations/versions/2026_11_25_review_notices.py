"""notification kinds for review events

Revision ID: e1_review_notices
Revises: d1_review
Create Date: 2026-11-25

Reviewers and bidding teams are told about review events: a reviewer assigned to a panel,
a score sheet reopened, a decision published for publicity, an objection resolved, a
reminder of sheets still to submit. Need owners are told when the program office returns or
publishes their need and when a question is asked on it. The kind
columns of notifications and notices_sent are strings with a CHECK of the allowed values
(enum_column); both CHECKs are widened. On SQLite the tables are copied (batch mode); on
PostgreSQL the constraints are dropped and created again in place.

Downgrade first deletes the rows of the new kinds (in-app notices; notices_sent never
holds them): the narrower CHECK would refuse them.
"""
from alembic import op
import sqlalchemy as sa


revision = "e1_review_notices"
down_revision = "d1_review"
branch_labels = None
depends_on = None

OLD_KINDS = ("bid_received", "deadline_3d", "deadline_1d", "need_closed", "question_answered")
NEW_KINDS = ("review_assigned", "review_reopened", "decision_published", "objection_resolved",
             "review_reminder", "need_returned", "need_published", "question_asked")
# (table, name of its kind enum: the CHECK is ck_<table>_<name>)
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
