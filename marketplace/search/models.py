"""The durable outbox of index changes, written in the same transaction as the need."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class SearchOutbox(db.Model):
    """“Need N changed”: the index must be brought in line with the database for N.

    No foreign key: a deleted need keeps its row, so its document gets removed.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once the index has it; kept a day so `rebuild` can replay changes made during it.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
