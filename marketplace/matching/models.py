"""A user's declared expertise: industrial chains and free keywords.

Self-contained on purpose: solver teams use it for "needs matched to you", reviewers for
"reviewers whose expertise fits", and other domains (bids' team profiles) may reuse it.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

MAX_KEYWORDS = 30


class ExpertiseProfile(db.Model):
    __tablename__ = "expertise_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    # Chain ids of the taxonomy (stable across imports); unknown ids are ignored on reading.
    chain_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    @property
    def keywords(self) -> list[str]:
        """Free keywords, separated by commas, semicolons or new lines (中文标点 too)."""
        parts = re.split(r"[,;，；、\n]+", self.keywords_text or "")
        seen, result = set(), []
        for part in parts:
            word = " ".join(part.split())
            if word and word.lower() not in seen:
                seen.add(word.lower())
                result.append(word)
        return result[:MAX_KEYWORDS]

    @property
    def is_empty(self) -> bool:
        return not self.chain_ids and not self.keywords

    def can_edit(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.id == self.user_id
