"""Decisions (one or several winners, or no award), publicity, objections, milestones."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User, enum_column
from marketplace.bids.models import Bid
from marketplace.challenges.models import Challenge
from marketplace.core.text import in_language
from marketplace.core.types import UTCDateTime, utcnow, version_column
from marketplace.core.uploads import StoredFileColumns
from marketplace.extensions import db

from .models import ReviewRound

DEFAULT_PUBLICITY_DAYS = 7


class Outcome(str, enum.Enum):
    award = "award"          # one or several winners (赛马)
    no_award = "no_award"    # 流榜


class DecisionStatus(str, enum.Enum):
    proposed = "proposed"      # by the admin, waiting for the need owner
    declined = "declined"      # the owner did not confirm; the admin proposes again
    publicity = "publicity"    # 公示: public, objections may be lodged
    reopened = "reopened"      # an objection was upheld; review continues
    final = "final"


class Decision(db.Model):
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"))
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, name="decision_outcome"))
    status: Mapped[DecisionStatus] = mapped_column(
        enum_column(DecisionStatus, name="decision_status"), default=DecisionStatus.proposed)
    rationale: Mapped[str] = mapped_column(Text, default="")
    rationale_en: Mapped[str | None] = mapped_column(Text)   # the reasons in English, if given
    publicity_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_PUBLICITY_DAYS)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_note: Mapped[str | None] = mapped_column(Text)
    publicity_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publicity_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the audit log's signed head when publicity started, published on the publicity page
    audit_anchor: Mapped[dict | None] = mapped_column(JSON)

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    round: Mapped[ReviewRound] = relationship()
    winners: Mapped[list[DecisionWinner]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionWinner.id")
    objections: Mapped[list[Objection]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Objection.id")

    __table_args__ = (
        CheckConstraint("publicity_days >= 1 AND publicity_days <= 60", name="publicity_days"),
        CheckConstraint("status != 'publicity' OR publicity_ends_at IS NOT NULL",
                        name="publicity_has_end"),
    )

    @property
    def open_objections(self) -> list[Objection]:
        return [o for o in self.objections if o.status == ObjectionStatus.open]

    def publicity_over(self, now: datetime | None = None) -> bool:
        return self.publicity_ends_at is not None and self.publicity_ends_at <= (now or utcnow())

    def rationale_for(self, locale: str) -> str:
        return in_language(locale, self.rationale, self.rationale_en)

    def is_public(self) -> bool:
        return self.status in (DecisionStatus.publicity, DecisionStatus.final)

    def can_confirm(self, user) -> bool:
        return self.status == DecisionStatus.proposed and self.challenge.is_owned_by(user)

    def in_objection_period(self) -> bool:
        return self.status == DecisionStatus.publicity and not self.publicity_over()

    def can_object(self, user) -> bool:
        """Anyone signed in during publicity, except those who answer or made the decision:
        the program office resolves objections, and the need owner confirmed it."""
        return (getattr(user, "is_authenticated", False) and self.in_objection_period()
                and not user.is_admin and not self.challenge.is_owned_by(user))

    def can_finalise(self) -> bool:
        return (self.status == DecisionStatus.publicity and self.publicity_over()
                and not self.open_objections)


class DecisionWinner(db.Model):
    __tablename__ = "review_decision_winners"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("review_decisions.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"))
    panel_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))

    decision: Mapped[Decision] = relationship(back_populates="winners")
    bid: Mapped[Bid] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("decision_id", "bid_id", name="uq_review_decision_winners_decision_bid"),
    )


class ObjectionStatus(str, enum.Enum):
    open = "open"
    upheld = "upheld"        # the decision reopens
    dismissed = "dismissed"  # the reason is published


class Objection(db.Model):
    """An objection (异议) lodged during publicity by a signed-in user."""

    __tablename__ = "review_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("review_decisions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_column(ObjectionStatus, name="objection_status"), default=ObjectionStatus.open)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolution_en: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="objections")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    files: Mapped[list[ObjectionFile]] = relationship(
        back_populates="objection", cascade="all, delete-orphan", order_by="ObjectionFile.id")

    __table_args__ = (
        CheckConstraint("length(reason) > 0", name="has_reason"),
        CheckConstraint("status = 'open' OR resolution IS NOT NULL", name="resolution_given"),
    )

    def resolution_for(self, locale: str) -> str:
        return in_language(locale, self.resolution, self.resolution_en)

    def can_resolve(self, user) -> bool:
        return getattr(user, "is_admin", False) and self.status == ObjectionStatus.open

    def can_view(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and (
            user.is_admin or user.id == self.user_id)


class ObjectionFile(StoredFileColumns, db.Model):
    __tablename__ = "review_objection_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(
        ForeignKey("review_objections.id", ondelete="CASCADE"), index=True)

    objection: Mapped[Objection] = relationship(back_populates="files")


class MilestoneStatus(str, enum.Enum):
    scheduled = "scheduled"
    met = "met"
    not_met = "not_met"
    partially_met = "partially_met"


class ProjectMilestone(db.Model):
    """A milestone of the contracted project, taken from the winning bid's last version."""

    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    month: Mapped[int] = mapped_column(Integer)
    deliverable: Mapped[str] = mapped_column(Text, default="")
    share: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_column(MilestoneStatus, name="milestone_status"), default=MilestoneStatus.scheduled)
    report: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    bid: Mapped[Bid] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("bid_id", "position", name="uq_project_milestones_bid_position"),
        CheckConstraint("month >= 1", name="month_positive"),
        CheckConstraint("status = 'scheduled' OR reported_at IS NOT NULL", name="reported"),
        CheckConstraint("accepted_at IS NULL OR status != 'scheduled'", name="accepted_reported"),
    )

    def can_report(self, user) -> bool:
        from marketplace.challenges.models import NeedStatus
        return (self.challenge.status == NeedStatus.contracted and self.accepted_at is None
                and self.challenge.is_owned_by(user))

    def can_read_report(self, user) -> bool:
        """The report is for the owner, the team it pays and the program office."""
        if not getattr(user, "is_authenticated", False):
            return False
        return (user.is_admin or self.challenge.is_owned_by(user)
                or user.organisation_id == self.bid.organisation_id)

    def can_accept(self, user) -> bool:
        return (getattr(user, "is_admin", False) and self.reported_at is not None
                and self.accepted_at is None)
