"""Read helpers for bids."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from .models import Bid, BidStatus


def team_bids(organisation_id: int) -> list[Bid]:
    return list(db.session.scalars(select(Bid).where(Bid.organisation_id == organisation_id)
                                   .order_by(Bid.created_at.desc(), Bid.id.desc())))


def submitted_bids(need: Challenge) -> list[Bid]:
    """The bids an owner or admin sees once bidding has closed."""
    return list(db.session.scalars(select(Bid).where(
        Bid.challenge_id == need.id, Bid.status == BidStatus.submitted)
        .order_by(Bid.submitted_at, Bid.id)))


def submitted_count(need: Challenge) -> int:
    return db.session.scalar(select(func.count(Bid.id)).where(
        Bid.challenge_id == need.id, Bid.status == BidStatus.submitted)) or 0
