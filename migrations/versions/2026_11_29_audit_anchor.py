"""every field of an audit entry in its hash; a signed anchor published with each decision

Revision ID: l1_audit_anchor
Revises: k2_exact_quantities
Create Date: 2026-11-29

audit_log.hash_version: entries written before keep version 1 (their hashes left actor_id
out and stay valid); new entries are version 2 and hash every field. review_decisions
.audit_anchor: the log's signed head when publicity started (marketplace/audit/anchor.py).
"""
from alembic import op
import sqlalchemy as sa


revision = "l1_audit_anchor"
down_revision = "k2_exact_quantities"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("hash_version", sa.Integer(), nullable=False,
                                   server_default="1"))
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("audit_anchor", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("audit_anchor")
    # version 2 entries cannot be verified without their version: refuse to lose that
    version_two = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM audit_log WHERE hash_version >= 2"))
    if version_two:
        raise RuntimeError(f"{version_two} audit entries hash every field (version 2); "
                           "downgrading would make them fail verification")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash_version")
