"""The search change log, written in the same transaction as the need (see changelog.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class SearchOutbox(db.Model):
    """“Need N changed”: every index must be brought in line with the database for N.

    Ids increase; each node's index applies the rows above its own cursor, so nothing here
    says whether a row was applied. Rows are kept a day (changelog.RETENTION_SECONDS).
    No foreign key: a deleted need keeps its row, so its document gets removed.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
