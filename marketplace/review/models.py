"""Expert pool (conflicts; expertise is marketplace.matching's ExpertiseProfile), review
rounds, rubrics, panels and score sheets.

Permissions live here as methods (`assignment.can_score(user)`); conflicts are computed in
`conflicts.py` and checked again by the operations, never only in the proposal.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation, Role, User, enum_column
from marketplace.bids.models import Bid
from marketplace.challenges.models import Challenge
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

DEFAULT_MIN_PANEL = 5
DEFAULT_SPREAD_THRESHOLD = Decimal("20")


class ConflictKind(str, enum.Enum):
    organisation = "organisation"
    person = "person"
    other = "other"


class ConflictDeclaration(db.Model):
    """A conflict a reviewer declared: with an organisation, a person, or in free text.

    Tied to a need when `challenge_id` is set (then it excludes the reviewer from that need
    whatever its kind); otherwise it applies wherever the organisation or person takes part.
    """

    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind, name="conflict_kind"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    person_name: Mapped[str | None] = mapped_column(String(120))
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    organisation: Mapped[Organisation | None] = relationship()
    challenge: Mapped[Challenge | None] = relationship()

    __table_args__ = (
        CheckConstraint("kind != 'organisation' OR organisation_id IS NOT NULL",
                        name="organisation_named"),
        CheckConstraint("kind != 'person' OR person_name IS NOT NULL", name="person_named"),
        CheckConstraint("kind != 'other' OR length(text) > 0", name="other_explained"),
    )


class RoundKind(str, enum.Enum):
    expert = "expert"      # 专家评审
    defence = "defence"    # 路演答辩, for a shortlist


class RoundStatus(str, enum.Enum):
    formal_check = "formal_check"  # 形式审查; rubric editable, panel being formed
    scoring = "scoring"            # rubric locked, reviewers score
    closed = "closed"              # superseded by a later round or decided


class ReviewRound(db.Model):
    __tablename__ = "review_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind, name="round_kind"))
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus, name="round_status"), default=RoundStatus.formal_check)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    min_panel: Mapped[int] = mapped_column(Integer, default=DEFAULT_MIN_PANEL)
    spread_threshold: Mapped[Decimal] = mapped_column(Numeric(6, 2),
                                                      default=DEFAULT_SPREAD_THRESHOLD)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scoring_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position")
    entries: Mapped[list[RoundBid]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundBid.label")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Assignment.id")

    __table_args__ = (
        UniqueConstraint("challenge_id", "number", name="uq_review_rounds_challenge_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("min_panel >= 1", name="min_panel_positive"),
        CheckConstraint("spread_threshold >= 0", name="spread_not_negative"),
    )

    @property
    def rubric_editable(self) -> bool:
        return self.status == RoundStatus.formal_check

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.status == AssignmentStatus.active]

    @property
    def eligible_entries(self) -> list[RoundBid]:
        return [e for e in self.entries if e.eligible]

    @property
    def fully_scored(self) -> bool:
        """Every active reviewer submitted a sheet for every eligible bid."""
        if not self.active_assignments or not self.eligible_entries:
            return False
        return all((sheet := a.sheet_for(e)) is not None and sheet.submitted
                   for a in self.active_assignments for e in self.eligible_entries)

    @property
    def weight_total(self) -> int:
        return sum(c.weight for c in self.criteria)

    def can_manage(self, user) -> bool:
        return getattr(user, "is_admin", False)


class Criterion(db.Model):
    """One weighted criterion of a round's rubric (评分细则)."""

    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer)
    min_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    max_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(100))
    comment_required: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[ReviewRound] = relationship(back_populates="criteria")

    __table_args__ = (
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("max_score > min_score", name="score_range"),
    )

    def display_name(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name


class RoundBid(db.Model):
    """A bid in a round: its blind label (A, B, C …) and its formal check (形式审查)."""

    __tablename__ = "review_round_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"),
                                          index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(4))
    eligible: Mapped[bool | None] = mapped_column(Boolean)   # None: not checked yet
    formal_reason: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[ReviewRound] = relationship(back_populates="entries")
    bid: Mapped[Bid] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("round_id", "bid_id", name="uq_review_round_bids_round_bid"),
        UniqueConstraint("round_id", "label", name="uq_review_round_bids_round_label"),
        CheckConstraint("eligible IS NULL OR eligible OR formal_reason IS NOT NULL",
                        name="ineligible_has_reason"),
    )


class AssignmentStatus(str, enum.Enum):
    active = "active"
    recused = "recused"    # 回避: the reviewer stepped aside, with a reason
    removed = "removed"    # the admin took the reviewer off the panel


class Assignment(db.Model):
    """A reviewer on a round's panel; one row per round and reviewer, ever."""

    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"),
                                          index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, name="assignment_status"), default=AssignmentStatus.active)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recusal_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[ReviewRound] = relationship(back_populates="assignments")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    sheets: Mapped[list[ScoreSheet]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="ScoreSheet.id")

    __table_args__ = (
        UniqueConstraint("round_id", "reviewer_id", name="uq_review_assignments_round_reviewer"),
        CheckConstraint("status != 'recused' OR recusal_reason IS NOT NULL",
                        name="recusal_has_reason"),
    )

    def is_reviewer(self, user) -> bool:
        return getattr(user, "is_authenticated", False) and user.id == self.reviewer_id

    def can_view(self, user) -> bool:
        """The reviewer sees the bids while on the panel and not conflicted."""
        from .conflicts import conflict_reasons
        return (self.is_reviewer(user) and self.status == AssignmentStatus.active
                and user.has_role(Role.reviewer)
                and self.round.status != RoundStatus.formal_check
                and not conflict_reasons(user, self.round.challenge))

    def can_score(self, user) -> bool:
        return self.can_view(user) and self.round.status == RoundStatus.scoring

    def can_recuse(self, user) -> bool:
        return (self.is_reviewer(user) and self.status == AssignmentStatus.active
                and self.round.status != RoundStatus.closed)

    def sheet_for(self, entry: RoundBid) -> ScoreSheet | None:
        return next((s for s in self.sheets if s.bid_id == entry.bid_id), None)


class SheetStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"


class ScoreSheet(db.Model):
    """One reviewer's scores for one bid in one round."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    status: Mapped[SheetStatus] = mapped_column(
        enum_column(SheetStatus, name="sheet_status"), default=SheetStatus.draft)
    comment: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship(back_populates="sheets")
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="Score.criterion_id")

    __table_args__ = (
        UniqueConstraint("assignment_id", "bid_id", name="uq_score_sheets_assignment_bid"),
        CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL",
                        name="submitted_has_time"),
    )

    @property
    def submitted(self) -> bool:
        return self.status == SheetStatus.submitted

    def score_for(self, criterion: Criterion) -> Score | None:
        return next((s for s in self.scores if s.criterion_id == criterion.id), None)

    def can_edit(self, user) -> bool:
        return not self.submitted and self.assignment.can_score(user)

    def can_reopen(self, user) -> bool:
        return (self.submitted and getattr(user, "is_admin", False)
                and self.assignment.round.status == RoundStatus.scoring)


class Score(db.Model):
    __tablename__ = "review_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"),
                                          index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    comment: Mapped[str | None] = mapped_column(Text)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id", name="uq_review_scores_sheet_criterion"),
    )
