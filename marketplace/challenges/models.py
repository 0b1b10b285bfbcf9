"""The technical need (技术需求 / 榜单), its indicators, attachments, history and terms."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation, Role, User, enum_column
from marketplace.core.text import in_language
from marketplace.core.quantities import format_quantity, quantity_text
from marketplace.core.types import ExactDecimal, UTCDateTime, utcnow, version_column
from marketplace.core.uploads import StoredFileColumns
from marketplace.extensions import db


class NeedStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    published = "published"
    closed = "closed"                # bidding closed (deadline passed)
    under_review = "under_review"
    publicity = "publicity"
    awarded = "awarded"
    not_awarded = "not_awarded"
    contracted = "contracted"
    accepted = "accepted"


EDITABLE_STATES = {NeedStatus.draft, NeedStatus.returned}
PUBLIC_STATES = {NeedStatus.published, NeedStatus.closed, NeedStatus.under_review,
                 NeedStatus.publicity, NeedStatus.awarded, NeedStatus.not_awarded,
                 NeedStatus.contracted, NeedStatus.accepted}
# The largest budget a need may state: 10,000,000 万元 (100 billion CNY). The column
# (Numeric(14, 2)) would hold 100 times more; the bound keeps typing slips (1e30) out of the
# data and out of the search index, whose budget field is a 64-bit integer.
MAX_BUDGET_WAN = Decimal("10000000")
# The longest text each field of a need takes, in characters: the need form and the import
# apply the same limits (a 5 MB description from an import stalled the index for minutes).
TEXT_LIMITS = {
    "title_zh": 300, "title_en": 300, "summary_zh": 2000, "summary_en": 4000,
    "description_zh": 50000, "description_en": 50000,
    "requirements": 20000, "requirements_en": 20000,
    "confidential_details": 20000, "confidential_details_en": 20000,
    "terms_text": 20000, "terms_text_en": 20000,
    "contact_name": 120, "contact_email": 254, "contact_phone": 64,
}


class IPTerms(str, enum.Enum):
    none = "none"                    # the team keeps all IP
    non_exclusive = "non_exclusive"  # the owner gets a non-exclusive licence
    exclusive = "exclusive"          # IP passes to (or is licensed exclusively to) the owner


class Comparator(str, enum.Enum):
    ge = ">="
    le = "<="
    eq = "="
    gt = ">"
    lt = "<"

    @property
    def symbol(self) -> str:
        return {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}[self.value]


class Challenge(db.Model):
    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[NeedStatus] = mapped_column(
        enum_column(NeedStatus, name="need_status"), default=NeedStatus.draft, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    title_zh: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    summary_zh: Mapped[str | None] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # requirements, confidential details and further terms: Chinese (the list's language)
    # and English, like titles; each page shows the reader's language, else the other
    requirements: Mapped[str | None] = mapped_column(Text)
    requirements_en: Mapped[str | None] = mapped_column(Text)
    confidential_details: Mapped[str | None] = mapped_column(Text)
    confidential_details_en: Mapped[str | None] = mapped_column(Text)
    ip_terms: Mapped[IPTerms] = mapped_column(
        enum_column(IPTerms, name="ip_terms"), default=IPTerms.non_exclusive)
    terms_text: Mapped[str | None] = mapped_column(Text)
    terms_text_en: Mapped[str | None] = mapped_column(Text)

    budget_wan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    period_months: Mapped[int | None] = mapped_column(Integer)
    # The industrial chain the owner confirmed (marketplace.taxonomy); suggestions are ranked
    # in need_chains.
    primary_chain_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomy_chains.id", ondelete="SET NULL"), index=True)

    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(64))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Indicator.position")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Attachment.id")
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="Transition.id")

    __table_args__ = (
        CheckConstraint("budget_wan IS NULL OR budget_wan >= 0", name="budget_not_negative"),
        CheckConstraint("period_months IS NULL OR period_months > 0", name="period_positive"),
        CheckConstraint("title_zh IS NOT NULL OR title_en IS NOT NULL", name="has_title"),
        # the public list: filtered by status, ordered by deadline, newest or budget
        Index("ix_challenges_status_deadline", "status", "deadline", "id"),
        Index("ix_challenges_status_published_at", "status", "published_at", "id"),
        Index("ix_challenges_status_budget_wan", "status", "budget_wan", "id"),
    )

    # -- reading -------------------------------------------------------------------------
    def title(self, locale: str) -> str:
        return in_language(locale, self.title_zh, self.title_en)

    def summary(self, locale: str) -> str:
        return in_language(locale, self.summary_zh, self.summary_en)

    def requirements_for(self, locale: str) -> str:
        return in_language(locale, self.requirements, self.requirements_en)

    def confidential_for(self, locale: str) -> str:
        return in_language(locale, self.confidential_details, self.confidential_details_en)

    def terms_for(self, locale: str) -> str:
        return in_language(locale, self.terms_text, self.terms_text_en)

    def description(self, locale: str) -> str:
        return in_language(locale, self.description_zh, self.description_en)

    def deadline_passed(self, now: datetime | None = None) -> bool:
        return self.deadline is not None and self.deadline <= (now or utcnow())

    @property
    def effective_status(self) -> NeedStatus:
        """The status as the server enforces it: a published need past its deadline is closed,
        whether or not the sweep that records the transition has run yet."""
        if self.status == NeedStatus.published and self.deadline_passed():
            return NeedStatus.closed
        return self.status

    @property
    def is_open_for_bids(self) -> bool:
        return self.effective_status == NeedStatus.published

    # -- permissions ---------------------------------------------------------------------
    def is_owned_by(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.has_role(Role.owner)
                and user.organisation_id == self.organisation_id)

    def can_view(self, user) -> bool:
        if self.status in PUBLIC_STATES:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or self.is_owned_by(user)

    def can_edit(self, user) -> bool:
        return self.status in EDITABLE_STATES and self.is_owned_by(user)

    def can_submit(self, user) -> bool:
        return self.can_edit(user)

    def can_withdraw(self, user) -> bool:
        return self.status == NeedStatus.submitted and self.is_owned_by(user)

    def can_delete(self, user) -> bool:
        return (self.status in EDITABLE_STATES and self.published_at is None
                and self.is_owned_by(user))

    def can_screen(self, user) -> bool:
        return self.status == NeedStatus.submitted and getattr(user, "is_admin", False)

    def has_accepted_terms(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return db.session.scalar(db.select(TermsAcceptance.id).where(
            TermsAcceptance.challenge_id == self.id,
            TermsAcceptance.user_id == user.id)) is not None

    def can_see_confidential(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_admin or self.is_owned_by(user):
            return True
        return self.status in PUBLIC_STATES and self.has_accepted_terms(user)

    def can_accept_terms(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and self.status in PUBLIC_STATES
                and not self.is_owned_by(user))


class Indicator(db.Model):
    """A measurable technical indicator (技术指标), e.g. 击穿电压 ≥ 650 V."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    comparator: Mapped[Comparator] = mapped_column(enum_column(Comparator, name="comparator"))
    target_value: Mapped[Decimal] = mapped_column(ExactDecimal())   # 650, 0.15, 1E+18
    unit: Mapped[str] = mapped_column(String(40), default="")

    challenge: Mapped[Challenge] = relationship(back_populates="indicators")

    def display_name(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name

    @property
    def target_display(self) -> str:
        """For people: 650, 0.15, 10¹⁸, 1.5×10⁻⁹."""
        return format_quantity(self.target_value)

    @property
    def target_text(self) -> str:
        """For files read back (exports): 650, 0.15, 1E+18, 1.5E-9."""
        return quantity_text(self.target_value)


class Transition(db.Model):
    """One step of a need's lifecycle: who moved it, when, and why."""

    __tablename__ = "challenge_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[NeedStatus | None] = mapped_column(
        enum_column(NeedStatus, name="transition_from"))
    to_status: Mapped[NeedStatus] = mapped_column(enum_column(NeedStatus, name="transition_to"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Attachment(StoredFileColumns, db.Model):
    """A file on a need, stored under an unguessable name and served only as a download."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    confidential: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="attachments")

    def can_download(self, user) -> bool:
        if self.confidential:
            return self.challenge.can_see_confidential(user)
        return self.challenge.can_view(user)


class TermsAcceptance(db.Model):
    """A user's acceptance of a need's terms (confidentiality, IP), with its time."""

    __tablename__ = "terms_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_terms: Mapped[IPTerms] = mapped_column(enum_column(IPTerms, name="accepted_ip_terms"))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id", name="uq_terms_acceptances_challenge_user"),
    )
