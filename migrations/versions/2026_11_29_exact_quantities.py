"""indicator targets as exact quantities over the physical range (10⁻⁴⁰ to 10⁴⁰)

Revision ID: k2_exact_quantities
Revises: k1_review_progress_notices
Create Date: 2026-11-29

NUMERIC(24, 8) held neither 1e18 (PostgreSQL refused it with an error; SQLite stored a float)
nor 1e-9 (cut to 0.00000000). The target is now kept as its canonical text (650, 0.15,
1E+18, 1.5E-9), exact and the same on both databases (marketplace.core.types.ExactDecimal).
Existing values are rewritten in that form. Downgrade turns them back into NUMERIC(24, 8),
refusing (with the row named) any value that the old column cannot hold.
"""
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


revision = "k2_exact_quantities"
down_revision = "k1_review_progress_notices"
branch_labels = None
depends_on = None

indicators = sa.table("indicators", sa.column("id", sa.Integer),
                      sa.column("target_value", sa.String(48)))


def _canonical(value: Decimal) -> str:
    value = Decimal(value)
    if value.is_zero():
        return "0"
    value = value.normalize()
    if -4 <= value.adjusted() < 9:
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    exponent = value.adjusted()
    mantissa = format(value.scaleb(-exponent), "f")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}E{exponent:+d}"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.alter_column("indicators", "target_value", type_=sa.String(48),
                        existing_type=sa.Numeric(24, 8), existing_nullable=False,
                        postgresql_using="target_value::text")
    else:
        with op.batch_alter_table("indicators") as batch:
            batch.alter_column("target_value", type_=sa.String(48),
                               existing_type=sa.Numeric(24, 8), existing_nullable=False)
    rows = bind.execute(sa.select(indicators.c.id, indicators.c.target_value)).all()
    changes = [{"row_id": row_id, "value": _canonical(Decimal(str(value)))}
               for row_id, value in rows if str(value) != _canonical(Decimal(str(value)))]
    if changes:
        bind.execute(indicators.update().where(indicators.c.id == sa.bindparam("row_id"))
                     .values(target_value=sa.bindparam("value")), changes)


def downgrade():
    bind = op.get_bind()
    for row_id, value in bind.execute(sa.select(indicators.c.id, indicators.c.target_value)):
        number = Decimal(value)
        if abs(number) >= Decimal(10) ** 16 or number != number.quantize(Decimal("1e-8")):
            raise RuntimeError(f"indicator {row_id}: target {value} does not fit NUMERIC(24, 8)")
    if bind.dialect.name == "postgresql":
        op.alter_column("indicators", "target_value", type_=sa.Numeric(24, 8),
                        existing_type=sa.String(48), existing_nullable=False,
                        postgresql_using="target_value::numeric(24, 8)")
    else:
        with op.batch_alter_table("indicators") as batch:
            batch.alter_column("target_value", type_=sa.Numeric(24, 8),
                               existing_type=sa.String(48), existing_nullable=False)
