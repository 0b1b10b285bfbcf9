"""Read helpers: progress, results (through aggregation.py), what a reviewer may see."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import aggregation
from .award_models import Decision, DecisionStatus, ProjectMilestone
from .models import (Assignment, AssignmentStatus, ReviewRound, RoundBid, RoundStatus,
                     ScoreSheet)
from .scoring import sheet_total


def my_assignments(user) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.reviewer_id == user.id)
                                   .order_by(Assignment.assigned_at.desc(), Assignment.id)))


def submitted_sheets(review: ReviewRound, entry: RoundBid) -> list[ScoreSheet]:
    """Sheets that count: submitted, by reviewers still on the panel."""
    result = []
    for assignment in review.active_assignments:
        sheet = assignment.sheet_for(entry)
        if sheet is not None and sheet.submitted:
            result.append(sheet)
    return result


@dataclass
class Results:
    review: ReviewRound
    ranking: list[aggregation.BidAggregate]
    complete: bool
    totals: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (assignment, entry)

    def for_entry(self, entry: RoundBid) -> aggregation.BidAggregate | None:
        return next((item for item in self.ranking if item.key.id == entry.id), None)


def results(review: ReviewRound) -> Results:
    items, totals = [], {}
    for entry in review.eligible_entries:
        sheet_totals = []
        for sheet in submitted_sheets(review, entry):
            total = sheet_total(sheet)
            totals[(sheet.assignment_id, entry.id)] = total
            sheet_totals.append(total)
        items.append(aggregation.aggregate(entry, sheet_totals, review.spread_threshold))
    return Results(review=review, ranking=aggregation.rank(items), complete=review.fully_scored,
                   totals=totals)


def others_sheets(assignment: Assignment, entry: RoundBid) -> list[ScoreSheet]:
    """Other reviewers' submitted sheets, shown only once this reviewer submitted theirs."""
    own = assignment.sheet_for(entry)
    if own is None or not own.submitted:
        return []
    return [s for s in submitted_sheets(assignment.round, entry)
            if s.assignment_id != assignment.id]


def round_stage(review: ReviewRound) -> str:
    """Where a round stands, for its badge: its own status until a decision is made on it,
    then the decision's (a round is not "scoring" while its decision waits on the owner or
    is in publicity). One of formal_check, scoring, proposed, declined, publicity, reopened,
    final, closed."""
    if review.status == RoundStatus.formal_check:
        return "formal_check"
    status = db.session.scalar(select(Decision.status).where(Decision.round_id == review.id)
                               .order_by(Decision.id.desc()).limit(1))
    if status is None:
        return "scored" if review.status == RoundStatus.scoring and review.fully_scored \
            else review.status.value
    return status.value


def latest_decision(need: Challenge) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.challenge_id == need.id)
                             .order_by(Decision.id.desc()).limit(1))


def public_decision(need: Challenge) -> Decision | None:
    decision = latest_decision(need)
    return decision if decision is not None and decision.is_public() else None


def withdrawn_decisions(need: Challenge) -> list[Decision]:
    """Decisions that were public and were withdrawn because an objection was upheld."""
    from .award_models import DecisionStatus
    return list(db.session.scalars(select(Decision).where(
        Decision.challenge_id == need.id, Decision.status == DecisionStatus.reopened)
        .order_by(Decision.id)))


def milestones(need: Challenge) -> list[ProjectMilestone]:
    return list(db.session.scalars(select(ProjectMilestone).where(
        ProjectMilestone.challenge_id == need.id).order_by(ProjectMilestone.bid_id,
                                                           ProjectMilestone.position)))


def review_needs() -> list[tuple[Challenge, ReviewRound | None]]:
    """Needs an admin may review: closed ones waiting, and those with a round."""
    from marketplace.challenges.models import NeedStatus
    needs = db.session.scalars(select(Challenge).where(Challenge.status.in_([
        NeedStatus.closed, NeedStatus.under_review, NeedStatus.publicity, NeedStatus.awarded,
        NeedStatus.not_awarded, NeedStatus.contracted, NeedStatus.accepted]))
        .order_by(Challenge.deadline.desc(), Challenge.id)).all()
    rounds = {}
    for review in db.session.scalars(select(ReviewRound).order_by(ReviewRound.number)):
        rounds[review.challenge_id] = review
    return [(need, rounds.get(need.id)) for need in needs]


def entries_for_bid(bid_id: int) -> list[RoundBid]:
    return list(db.session.scalars(select(RoundBid).where(RoundBid.bid_id == bid_id)
                                   .order_by(RoundBid.round_id)))


def reviewer_may_view_bid(bid, user) -> bool:
    """The hook bids' `Bid.can_view` calls: an assigned, unconflicted reviewer of a round
    that is not blind sees the bid's own pages. In blind rounds reviewers see bids only
    through the review pages, which hide team, members and files."""
    if not getattr(user, "is_authenticated", False):
        return False
    for entry in entries_for_bid(bid.id):
        review = entry.round
        if review.blind or review.status == RoundStatus.formal_check or not entry.eligible:
            continue
        assignment = next((a for a in review.assignments if a.reviewer_id == user.id
                           and a.status == AssignmentStatus.active), None)
        if assignment is not None and assignment.can_view(user):
            return True
    return False


def is_blind_for(user, entry: RoundBid) -> bool:
    """Admins always see who bid; reviewers not in blind rounds."""
    return entry.round.blind and not getattr(user, "is_admin", False)


def decisions_in_publicity() -> list[Decision]:
    return list(db.session.scalars(select(Decision).where(
        Decision.status == DecisionStatus.publicity).order_by(Decision.publicity_ends_at)))


def reopened_after_publicity(review: ReviewRound) -> bool:
    """A decision from this round was withdrawn after publicity (an upheld objection): the
    teams' names were public, so the round goes on as an open re-review."""
    return db.session.scalar(select(Decision.id).where(
        Decision.round_id == review.id, Decision.status == DecisionStatus.reopened)
        .limit(1)) is not None


def latest_expert_round(need: Challenge) -> ReviewRound | None:
    """The need's latest expert round: the one whose formal check the teams see."""
    from .models import RoundKind
    return db.session.scalar(select(ReviewRound).where(
        ReviewRound.challenge_id == need.id, ReviewRound.kind == RoundKind.expert)
        .order_by(ReviewRound.number.desc()).limit(1))


@dataclass
class BidOutcome:
    """What the review made of a team's bid, for the team: "won", "not_selected",
    "no_award" (once the decision is final); "proposed_won", "proposed_not_selected",
    "proposed_no_award" while the decision is in publicity (until when); or "ineligible"
    (formal check), with the reason; "reopened" when the decision in publicity was withdrawn
    after an upheld objection and the review goes on."""
    code: str
    reason: str | None = None
    until: datetime | None = None


def bid_outcome(bid) -> BidOutcome | None:
    """The bid's own bidding period counts: the first final decision after the bid was
    started (after a republication the new bids wait for theirs, the earlier ones keep
    "no award")."""
    from .award_models import DecisionStatus, Outcome
    from .models import RoundBid
    # one query for both: the first final decision of the bid's period, else the latest one
    # in publicity
    found = list(db.session.scalars(
        select(Decision).where(Decision.challenge_id == bid.challenge_id,
                               Decision.status.in_((DecisionStatus.final,
                                                    DecisionStatus.publicity,
                                                    DecisionStatus.reopened)),
                               Decision.proposed_at >= bid.created_at)
        .order_by(Decision.id)))
    decision = next((d for d in found if d.status == DecisionStatus.final), None)
    if decision is not None:
        if decision.outcome == Outcome.no_award:
            return BidOutcome("no_award")
        won = any(w.bid_id == bid.id for w in decision.winners)
        return BidOutcome("won" if won else "not_selected")
    public = found[-1] if found else None
    if public is not None and public.status == DecisionStatus.reopened:
        return BidOutcome("reopened")      # withdrawn after an objection: review goes on
    if public is not None:
        code = ("proposed_no_award" if public.outcome == Outcome.no_award
                else "proposed_won" if any(w.bid_id == bid.id for w in public.winners)
                else "proposed_not_selected")
        return BidOutcome(code, until=public.publicity_ends_at)
    review = latest_expert_round(bid.challenge)
    if review is not None:
        entry = db.session.scalar(select(RoundBid).where(
            RoundBid.round_id == review.id, RoundBid.bid_id == bid.id))
        if entry is not None and entry.eligible is False:
            return BidOutcome("ineligible", entry.formal_reason)
    return None
