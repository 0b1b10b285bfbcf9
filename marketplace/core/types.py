"""Column types shared by every domain."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Integer, String, text
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from .quantities import checked, quantity_text


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on every backend.

    SQLite has no time zone type; values come back naive and are marked UTC here,
    so application code only ever sees aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class ExactDecimal(TypeDecorator):
    """An exact Decimal over the whole physical range of a measured quantity (10⁻⁴⁰ to
    10⁴⁰, 20 significant digits), kept as its canonical text (650, 0.15, 1E+18, 1.5E-9).

    NUMERIC(p, s) cannot hold both 1e18 and 1e-9, SQLite keeps NUMERIC as a float, and the two
    databases disagreed (PostgreSQL refused 1e16 with a 500 where SQLite stored it): as text
    the value is the same, exactly, on both. Values are checked (core.quantities.checked)
    before they are written; comparisons happen in Python, never in SQL.
    """

    impl = String(48)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return quantity_text(checked(Decimal(value)))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).normalize()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def plain_number(value: Decimal) -> str:
    """A Decimal as people write it: 100 not 1E+2, 0.5 not 0.50."""
    return format(value.normalize(), "f")


def version_column():
    """A row version for optimistic locking (``__mapper_args__ = {"version_id_col": …}``):
    every ORM update says ``WHERE version = <the one read>``, so of two requests that change
    one record at once (a double click on "confirm", two tabs) the second changes nothing and
    raises StaleDataError, which the web layer answers with the record's current state."""
    return mapped_column(Integer, nullable=False, default=1, server_default=text("1"))
