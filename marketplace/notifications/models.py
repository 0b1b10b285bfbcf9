"""In-app notifications, the email outbox, and the record of notices already sent."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User, enum_column
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class NotificationKind(str, enum.Enum):
    bid_received = "bid_received"
    deadline_3d = "deadline_3d"
    deadline_1d = "deadline_1d"
    need_closed = "need_closed"
    question_answered = "question_answered"
    review_assigned = "review_assigned"
    review_reopened = "review_reopened"
    decision_published = "decision_published"
    objection_resolved = "objection_resolved"
    review_reminder = "review_reminder"
    need_returned = "need_returned"
    need_published = "need_published"
    question_asked = "question_asked"
    # steps that wait on somebody (the owner's confirmation, the program office's answer)
    decision_to_confirm = "decision_to_confirm"
    decision_declined = "decision_declined"
    objection_lodged = "objection_lodged"
    decision_reopened = "decision_reopened"
    # what the review made of a team's bid
    bid_ineligible = "bid_ineligible"
    award_final = "award_final"
    need_republished = "need_republished"
    # the review's progress, told to the teams that bid
    review_opened = "review_opened"
    bid_eligible = "bid_eligible"
    # a receipt for the one who lodged an objection
    objection_received = "objection_received"
    # every sheet of a round is in: the program office proposes the decision
    round_complete = "round_complete"
    # a proposed decision the owner has not answered within a few days
    decision_reminder = "decision_reminder"
    # the project after the contract: a milestone reported (the team, the office), accepted
    milestone_reported = "milestone_reported"
    milestone_accepted = "milestone_accepted"


class EmailStatus(str, enum.Enum):
    pending = "pending"    # waiting for its (next) attempt
    sent = "sent"
    failed = "failed"      # gave up after the last retry; shown to admins


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(
        enum_column(NotificationKind, name="notification_kind"))
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"))
    link: Mapped[str] = mapped_column(String(300), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def can_view(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.id == self.user_id


class OutboxEmail(db.Model):
    """An email queued inside the transaction that caused it, delivered after commit."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, name="email_status"), default=EmailStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)


class NoticeSent(db.Model):
    """A once-only notice (deadline reminder, need closed) already given to a team."""

    __tablename__ = "notices_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        enum_column(NotificationKind, name="notice_kind"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("challenge_id", "organisation_id", "kind",
                                       name="uq_notices_sent_need_org_kind"),)
