"""Q&A (答疑) on a need: questions and answers are public; the asker is not."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


def can_ask(need: Challenge, user) -> bool:
    return (getattr(user, "is_authenticated", False)
            and need.effective_status == NeedStatus.published and not need.is_owned_by(user))


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    asker: Mapped[User | None] = relationship(foreign_keys=[asker_id])

    def can_answer(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and (
            user.is_admin or self.challenge.is_owned_by(user))

    def can_see_asker(self, user) -> bool:
        """Other teams never learn who asked; the asker and admins do."""
        return getattr(user, "is_authenticated", False) and (
            user.is_admin or user.id == self.asker_id)
