"""The write path for needs: drafts, lifecycle transitions, terms and attachments.

Operations flush and never commit; the request (or CLI command) commits once at its end.
"""
from __future__ import annotations

import enum

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from marketplace.core.records import add_once
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.operations import classify_need

from . import events
from .models import (EDITABLE_STATES, Challenge, Comparator, Indicator, IPTerms,
                     NeedStatus, TermsAcceptance, Transition)

# The lifecycle as far as the foundation runs it; review and award add their own steps.
ALLOWED = {
    (NeedStatus.draft, NeedStatus.submitted),
    (NeedStatus.returned, NeedStatus.submitted),
    (NeedStatus.submitted, NeedStatus.published),
    (NeedStatus.submitted, NeedStatus.returned),
    (NeedStatus.submitted, NeedStatus.draft),        # the owner withdraws it from screening
    (NeedStatus.published, NeedStatus.closed),
    (NeedStatus.not_awarded, NeedStatus.published),
    # review and award (marketplace/review)
    (NeedStatus.closed, NeedStatus.under_review),
    (NeedStatus.under_review, NeedStatus.publicity),
    (NeedStatus.publicity, NeedStatus.under_review),   # an objection was upheld
    (NeedStatus.publicity, NeedStatus.awarded),
    (NeedStatus.publicity, NeedStatus.not_awarded),
    (NeedStatus.awarded, NeedStatus.contracted),
    (NeedStatus.contracted, NeedStatus.accepted),
}

NEED_FIELDS = (
    "title_zh", "title_en", "summary_zh", "summary_en", "description_zh", "description_en",
    "requirements", "requirements_en", "confidential_details", "confidential_details_en",
    "ip_terms", "terms_text", "terms_text_en", "budget_wan", "deadline",
    "period_months", "contact_name", "contact_email", "contact_phone", "primary_chain_id",
)


class TransitionError(Exception):
    """A lifecycle step that is not allowed from the need's current state."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class IndicatorRow:
    name: str
    comparator: Comparator
    target_value: Decimal
    unit: str = ""
    name_en: str | None = None


def _record(need: Challenge, to_status: NeedStatus, actor, reason: str | None = None,
            at: datetime | None = None) -> None:
    from_status = need.status
    if (from_status, to_status) not in ALLOWED:
        raise TransitionError(_l("A need in state “%(state)s” cannot move to “%(target)s”.",
                                 state=from_status.value, target=to_status.value))
    need.status = to_status
    need.transitions.append(Transition(
        from_status=from_status, to_status=to_status, reason=reason, at=at or utcnow(),
        actor_id=getattr(actor, "id", None)))


def create_draft(owner, data: dict, indicators: list[IndicatorRow]) -> Challenge:
    need = Challenge(status=NeedStatus.draft, organisation_id=owner.organisation_id,
                     created_by_id=owner.id)
    apply_fields(need, data, indicators)
    db.session.add(need)
    need.transitions.append(Transition(from_status=None, to_status=NeedStatus.draft,
                                       actor_id=owner.id))
    db.session.flush()
    assign_reference(need)
    classify_need(need)
    return need


def assign_reference(need: Challenge, flush: bool = True) -> None:
    """Every need gets a list number (榜单编号); imported ones keep their own id."""
    if not need.ref:
        need.ref = f"JB-{need.created_at:%Y}-{need.id:05d}"
        if flush:
            db.session.flush()


def apply_fields(need: Challenge, data: dict, indicators: list[IndicatorRow]) -> None:
    for field in NEED_FIELDS:
        if field in data:
            value = data[field]
            # text is trimmed; an enum member (IPTerms is also a str) stays one
            if isinstance(value, str) and not isinstance(value, enum.Enum):
                value = value.strip() or None
            if field == "ip_terms" and value is not None:
                value = IPTerms(value)      # "exclusive" typed or posted: the member itself
            setattr(need, field, value)
    if need.ip_terms is None:
        need.ip_terms = IPTerms.non_exclusive
    need.indicators = [
        Indicator(position=i, name=row.name.strip(), name_en=(row.name_en or "").strip() or None,
                  comparator=row.comparator, target_value=row.target_value,
                  unit=(row.unit or "").strip())
        for i, row in enumerate(indicators)
    ]


def update_draft(need: Challenge, data: dict, indicators: list[IndicatorRow]) -> None:
    if need.status not in EDITABLE_STATES:
        raise TransitionError(_l("Only drafts and returned needs can be edited."))
    apply_fields(need, data, indicators)
    db.session.flush()
    classify_need(need)


def missing_fields(need: Challenge) -> dict:
    """What a need lacks before it may be submitted for screening: form field → message."""
    return missing_values({name: getattr(need, name) for name in REQUIRED_FOR_SUBMISSION},
                          has_indicators=bool(need.indicators))


REQUIRED_FOR_SUBMISSION = ("title_zh", "title_en", "summary_zh", "summary_en",
                           "description_zh", "description_en", "budget_wan", "deadline",
                           "period_months", "contact_email")


def missing_values(values: dict, has_indicators: bool) -> dict:
    """What these values (saved, or typed into a form that is not saved yet) lack before a
    need may be submitted: form field → message."""
    missing = {}
    if not values.get("title_zh"):
        missing["title_zh"] = _l("Title (Chinese) is required.")
    if not values.get("title_en"):
        missing["title_en"] = _l("Title (English) is required.")
    if not (values.get("summary_zh") or values.get("summary_en")):
        missing["summary_zh"] = _l("A summary is required.")
    if not (values.get("description_zh") or values.get("description_en")):
        missing["description_zh"] = _l("A description is required.")
    if not has_indicators:
        missing["indicators"] = _l("At least one technical indicator is required.")
    if values.get("budget_wan") is None:
        missing["budget_wan"] = _l("The budget is required.")
    elif values["budget_wan"] <= 0:      # a need is published with its budget committed
        missing["budget_wan"] = _l("Give the budget committed to this need (more than 0).")
    deadline = values.get("deadline")
    if deadline is None:
        missing["deadline"] = _l("The bid deadline is required.")
    elif deadline <= utcnow():
        missing["deadline"] = _l("The bid deadline must be in the future.")
    if values.get("period_months") is None:
        missing["period_months"] = _l("The project period is required.")
    if not values.get("contact_email"):
        missing["contact_email"] = _l("A contact email is required.")
    return missing


def missing_for_submission(need: Challenge) -> list:
    """What a need lacks before it may be submitted for screening, as messages."""
    return list(missing_fields(need).values())


def submit(need: Challenge, actor) -> None:
    missing = missing_for_submission(need)
    if missing:
        raise TransitionError(missing[0])
    _record(need, NeedStatus.submitted, actor)
    db.session.flush()
    events.need_submitted.send(need)


def publish(need: Challenge, actor) -> None:
    if need.deadline_passed():
        raise TransitionError(_l("The bid deadline has passed; return the need to its owner."))
    _record(need, NeedStatus.published, actor)
    need.published_at = utcnow()
    db.session.flush()
    events.need_published.send(need)


def withdraw(need: Challenge, actor) -> None:
    """The owner takes a submitted need back from screening; it is a draft again."""
    if not need.can_withdraw(actor):
        raise TransitionError(_l("Only a need waiting for screening can be withdrawn."))
    _record(need, NeedStatus.draft, actor, reason=WITHDRAWN_REASON)
    db.session.flush()


def delete_draft(need: Challenge, actor) -> None:
    """A draft (or a returned need) that was never published is deleted with its files;
    anything ever published stays, with its history."""
    if not need.can_delete(actor):
        raise TransitionError(_l("Only a draft that was never published can be deleted."))
    db.session.delete(need)
    db.session.flush()


def return_to_owner(need: Challenge, actor, reason: str) -> None:
    if not reason or not reason.strip():
        raise TransitionError(_l("Give the reasons for returning the need."))
    _record(need, NeedStatus.returned, actor, reason=reason.strip())
    db.session.flush()
    events.need_returned.send(need, reason=reason.strip())


IMPORT_REASON = "import"   # the first transition of every imported need
WITHDRAWN_REASON = "withdrawn"   # shown translated in the need's history


def publish_imported(need: Challenge) -> None:
    """Imported needs come from a list the program office already screened."""
    need.status = NeedStatus.published
    need.published_at = need.published_at or utcnow()
    need.transitions.append(Transition(from_status=None, to_status=NeedStatus.published,
                                       reason=IMPORT_REASON))
    db.session.flush()


def close_expired(now: datetime | None = None) -> int:
    """Record the closing of every published need past its deadline.

    Bidding is refused at the deadline by `Challenge.is_open_for_bids` in any case; this sweep
    writes the state and its history. Safe to run concurrently: the UPDATE claims each need once.
    """
    now = now or utcnow()
    due = db.session.scalars(select(Challenge.id).where(
        Challenge.status == NeedStatus.published, Challenge.deadline <= now)).all()
    closed: list[Challenge] = []
    for need_id in due:
        claimed = db.session.execute(
            update(Challenge).where(Challenge.id == need_id,
                                    Challenge.status == NeedStatus.published)
            .values(status=NeedStatus.closed).execution_options(synchronize_session=False))
        if claimed.rowcount:
            need = db.session.get(Challenge, need_id)
            db.session.refresh(need)
            db.session.add(Transition(challenge_id=need_id, from_status=NeedStatus.published,
                                      to_status=NeedStatus.closed, at=need.deadline,
                                      reason="deadline"))
            closed.append(need)
    db.session.flush()
    for need in closed:
        events.need_closed.send(need)
    return len(closed)


def accept_terms(need: Challenge, user) -> TermsAcceptance:
    """Idempotent: accepting twice (or twice at once) keeps the first acceptance."""
    def existing():
        return db.session.scalar(select(TermsAcceptance).where(
            TermsAcceptance.challenge_id == need.id, TermsAcceptance.user_id == user.id))
    return existing() or add_once(
        TermsAcceptance(challenge_id=need.id, user_id=user.id, ip_terms=need.ip_terms),
        existing)
