"""Solver team profiles, bids (揭榜方案) and their immutable submitted versions."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint, event, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation, Role, User, enum_column
from marketplace.challenges.models import Challenge
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.core.uploads import StoredFileColumns
from marketplace.extensions import db


class BidStatus(str, enum.Enum):
    draft = "draft"            # never submitted
    submitted = "submitted"    # at least one version submitted; may be edited and resubmitted
    withdrawn = "withdrawn"


def is_team_member(user, organisation_id: int | None) -> bool:
    """A solver of the organisation: the organisation is the team."""
    return (getattr(user, "is_authenticated", False) and organisation_id is not None
            and user.organisation_id == organisation_id and user.has_role(Role.solver))


class TeamProfile(db.Model):
    """A solver team's public-facing profile: one per organisation."""

    __tablename__ = "team_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str | None] = mapped_column(Text)
    chain_ids: Mapped[list] = mapped_column(JSON, default=list)   # taxonomy chain ids (strings)
    keywords: Mapped[list] = mapped_column(JSON, default=list)    # free keywords
    achievements: Mapped[str | None] = mapped_column(Text)        # Markdown
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="TeamMember.position")

    def can_edit(self, user) -> bool:
        return is_team_member(user, self.organisation_id)


class TeamMember(db.Model):
    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("team_profiles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120))   # e.g. Professor, Senior engineer
    role: Mapped[str | None] = mapped_column(String(120))    # role on the team
    bio: Mapped[str | None] = mapped_column(Text)

    profile: Mapped[TeamProfile] = relationship(back_populates="members")

    def snapshot(self) -> dict:
        return {"id": self.id, "name": self.name, "title": self.title or "",
                "role": self.role or "", "bio": self.bio or ""}


class NeedBidSettings(db.Model):
    """Per-need bidding settings the program office controls (kept apart from the need)."""

    __tablename__ = "need_bid_settings"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    show_bid_count: Mapped[bool] = mapped_column(Boolean, default=False)


class Bid(db.Model):
    __tablename__ = "bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[BidStatus] = mapped_column(
        enum_column(BidStatus, name="bid_status"), default=BidStatus.draft)
    # The working draft exactly as typed (form field pairs), validated only on submit.
    draft: Mapped[list] = mapped_column(JSON, default=list)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[BidVersion]] = relationship(
        back_populates="bid", order_by="BidVersion.number", cascade="all, delete-orphan")
    attachments: Mapped[list[BidAttachment]] = relationship(
        back_populates="bid", order_by="BidAttachment.id", cascade="all, delete-orphan")

    __table_args__ = (
        # One active (not withdrawn) bid per team and need; partial index on both backends.
        Index("uq_bids_active_team_need", "challenge_id", "organisation_id", unique=True,
              sqlite_where=text("status != 'withdrawn'"),
              postgresql_where=text("status != 'withdrawn'")),
    )

    @property
    def latest_version(self) -> BidVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def has_unsubmitted_changes(self) -> bool:
        return self.draft_saved_at is not None and (
            self.submitted_at is None or self.draft_saved_at > self.submitted_at)

    def is_team(self, user) -> bool:
        return is_team_member(user, self.organisation_id)

    # -- permissions ---------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """Sealed: the team always; the need owner and admins only once bidding has closed,
        and only bids that were submitted and not withdrawn."""
        if self.is_team(user):
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        if self.status != BidStatus.submitted or not bids_unsealed(self.challenge):
            return False
        if user.is_admin or self.challenge.is_owned_by(user):
            return True
        # review hook (marketplace/review, issue 5): assigned reviewers of non-blind rounds
        from marketplace.review.queries import reviewer_may_view_bid
        return reviewer_may_view_bid(self, user)

    def can_edit(self, user) -> bool:
        return (self.is_team(user) and self.status != BidStatus.withdrawn
                and self.challenge.is_open_for_bids)

    def can_save_draft(self, user) -> bool:
        """The team may always keep what it typed (even a moment too late); never after
        withdrawing."""
        return self.is_team(user) and self.status != BidStatus.withdrawn

    def can_submit(self, user) -> bool:
        return self.can_edit(user) and self.challenge.has_accepted_terms(user)

    def can_withdraw(self, user) -> bool:
        return self.can_edit(user)


class BidVersion(db.Model):
    """A submitted version of a bid: written once, never changed."""

    __tablename__ = "bid_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    budget_total_wan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    content: Mapped[dict] = mapped_column(JSON)

    bid: Mapped[Bid] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("bid_id", "number", name="uq_bid_versions_bid_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("budget_total_wan >= 0", name="budget_not_negative"),
    )


@event.listens_for(BidVersion, "before_update")
def _versions_are_immutable(mapper, connection, target) -> None:
    raise ValueError("a submitted bid version cannot be changed")


class BidAttachment(StoredFileColumns, db.Model):
    """A file of a bid; versions list the files they were submitted with."""

    __tablename__ = "bid_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    in_draft: Mapped[bool] = mapped_column(Boolean, default=True)  # part of the working draft
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="attachments")

    def can_download(self, user) -> bool:
        if self.bid.is_team(user):
            return True
        if not self.bid.can_view(user):
            return False
        # others see only files that were part of a submitted version
        return any(self.id in [f["id"] for f in v.content.get("attachments", [])]
                   for v in self.bid.versions)

    def snapshot(self) -> dict:
        return {"id": self.id, "filename": self.filename, "size": self.size,
                "sha256": self.sha256}


def bids_unsealed(need: Challenge) -> bool:
    """Bids open to the owner and admins once the need's bidding has closed."""
    from marketplace.challenges.models import PUBLIC_STATES, NeedStatus
    status = need.effective_status
    return status in PUBLIC_STATES and status != NeedStatus.published


def bid_settings(need: Challenge) -> NeedBidSettings | None:
    return db.session.get(NeedBidSettings, need.id)


def can_see_bid_list(need: Challenge, user) -> bool:
    if not getattr(user, "is_authenticated", False) or not bids_unsealed(need):
        return False
    return user.is_admin or need.is_owned_by(user)


def can_see_bid_count(need: Challenge, user) -> bool:
    if can_see_bid_list(need, user):
        return True
    settings = bid_settings(need)
    return bool(settings and settings.show_bid_count)


def can_set_count_visibility(need: Challenge, user) -> bool:
    return getattr(user, "is_admin", False)


def can_start_bid(need: Challenge, user) -> bool:
    return (getattr(user, "is_authenticated", False) and user.has_role(Role.solver)
            and user.organisation_id is not None and need.is_open_for_bids
            and user.organisation_id != need.organisation_id)
