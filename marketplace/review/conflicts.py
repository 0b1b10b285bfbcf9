"""Conflicts of interest (利益冲突): who may never review a need, and why.

A reviewer is conflicted on a need when
* their organisation is the need owner's or any bidding team's, or
* they declared a conflict with that need, or with an organisation that owns it or bids on
  it, or with a person who belongs to such an organisation, is its contact or is named on a
  bid's team.
Free-text declarations not tied to a need are shown to admins but exclude nobody by
themselves. The proposal, the assignment operation and every reviewer permission check use
this one function.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.bids.models import Bid, BidStatus
from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from .models import ConflictDeclaration, ConflictKind


def bidding_bids(need: Challenge) -> list[Bid]:
    return list(db.session.scalars(select(Bid).where(
        Bid.challenge_id == need.id, Bid.status == BidStatus.submitted).order_by(Bid.id)))


def involved_organisations(need: Challenge) -> set[int]:
    return {need.organisation_id} | {b.organisation_id for b in bidding_bids(need)}


def _people_named(need: Challenge) -> set[str]:
    names = {(need.contact_name or "").strip().lower()}
    for bid in bidding_bids(need):
        version = bid.latest_version
        for member in (version.content.get("members", []) if version else []):
            names.add((member.get("name") or "").strip().lower())
    names.update(u.name.strip().lower() for u in db.session.scalars(
        select(User).where(User.organisation_id.in_(involved_organisations(need)))))
    names.discard("")
    return names


def declarations(reviewer_id: int) -> list[ConflictDeclaration]:
    return list(db.session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.reviewer_id == reviewer_id).order_by(ConflictDeclaration.id)))


def conflict_reasons(reviewer: User, need: Challenge) -> list:
    """Why `reviewer` may not review `need`; empty when they may."""
    reasons = []
    bidders = {b.organisation_id for b in bidding_bids(need)}
    if reviewer.organisation_id is not None:
        if reviewer.organisation_id == need.organisation_id:
            reasons.append(_l("Same organisation as the need owner"))
        elif reviewer.organisation_id in bidders:
            reasons.append(_l("Same organisation as a bidding team"))
    involved = {need.organisation_id} | bidders
    names = None
    for declared in declarations(reviewer.id):
        if declared.challenge_id == need.id:
            reasons.append(_l("Declared a conflict with this need"))
        elif declared.kind == ConflictKind.organisation and declared.organisation_id in involved:
            reasons.append(_l("Declared a conflict with an organisation taking part"))
        elif declared.kind == ConflictKind.person:
            names = _people_named(need) if names is None else names
            if (declared.person_name or "").strip().lower() in names:
                reasons.append(_l("Declared a conflict with a person taking part"))
    return reasons


def is_conflicted(reviewer: User, need: Challenge) -> bool:
    return bool(conflict_reasons(reviewer, need))
