"""Column types shared by every domain."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Integer, text
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


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
