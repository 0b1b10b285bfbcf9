"""What one contracting process is made of: a published need, its bidding periods, the decisions
that went public, the contract and its milestones. Loaded for every need at once in a fixed
number of queries (not a few per need), read only."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, selectinload

from marketplace.accounts.models import Organisation, Role, User, UserRole
from marketplace.bids.models import Bid, BidStatus, BidVersion
from marketplace.challenges.models import PUBLIC_STATES, Challenge, NeedStatus, Transition
from marketplace.extensions import db
from marketplace.review.award_models import (Decision, DecisionStatus, DecisionWinner,
                                             Objection, ObjectionStatus, ProjectMilestone)
from marketplace.taxonomy.models import Chain, NeedChain

# decisions the public has seen: in publicity, final, or withdrawn after an upheld objection
PUBLIC_DECISION_STATES = (DecisionStatus.publicity, DecisionStatus.final,
                          DecisionStatus.reopened)


@dataclass
class Party:
    """An organisation as OCDS names it: a platform organisation, or the configured office."""
    id: str
    name: str
    name_en: str | None = None
    country: str | None = None

    @classmethod
    def of(cls, organisation: Organisation) -> Party:
        return cls(f"org-{organisation.id}", organisation.name, organisation.name_en,
                   organisation.country)


@dataclass
class BiddingPeriod:
    """From a publication to its bid deadline; a need published again after no award (流榜)
    has a second one."""
    number: int
    start: datetime
    end: datetime | None            # the deadline, as the closing sweep recorded it
    bidders: list[Party] = field(default_factory=list)   # of the bids that count, by bid

    def closed_by(self, moment: datetime) -> bool:
        return self.end is not None and self.end <= moment


@dataclass
class PublicDecision:
    decision: Decision
    winners: list[tuple[int, Party]]          # (bid id, its organisation), ranking order
    public_at: datetime             # the need went into publicity (公示)
    reopened_at: datetime | None    # an objection was upheld: the award is withdrawn
    final_at: datetime | None       # the need became awarded or not awarded


@dataclass
class Process:
    need: Challenge
    ocid: str
    transitions: list[Transition]
    periods: list[BiddingPeriod]
    decisions: list[PublicDecision]
    milestones: list[ProjectMilestone]
    chain: Chain | None
    office: Party | None
    contracted_at: datetime | None = None
    accepted_at: datetime | None = None


def ocid_for(need: Challenge) -> str:
    return current_app.config["OCID_PREFIX"] + need.ref


def ref_for(ocid: str) -> str | None:
    prefix = current_app.config["OCID_PREFIX"]
    if not ocid.startswith(prefix):
        return None
    return ocid[len(prefix):] or None


def load_processes(ref: str | None = None) -> list[Process]:
    """Every need from its publication on (or the one with this reference), oldest first."""
    scope = [Challenge.status.in_(PUBLIC_STATES), Challenge.ref.is_not(None),
             Challenge.published_at.is_not(None)]
    if ref is not None:
        scope.append(Challenge.ref == ref)
    need_ids = select(Challenge.id).where(*scope)
    needs = db.session.scalars(select(Challenge).where(*scope).options(
        selectinload(Challenge.transitions), selectinload(Challenge.attachments))
        .order_by(Challenge.id)).all()
    if not needs:
        return []
    bidders, bids_by_need = _bids(need_ids)
    decisions = _decisions(need_ids, bidders)
    milestones = defaultdict(list)
    for row in db.session.scalars(select(ProjectMilestone).where(
            ProjectMilestone.challenge_id.in_(need_ids)).options(lazyload(ProjectMilestone.bid))
            .order_by(ProjectMilestone.bid_id, ProjectMilestone.position)):
        milestones[row.challenge_id].append(row)
    chains = _chains(need_ids)
    offices = _Offices()
    processes = []
    for need in needs:
        transitions = sorted(need.transitions, key=lambda t: (t.at, t.id))
        process = Process(
            need=need, ocid=ocid_for(need), transitions=transitions,
            periods=_periods(need, transitions, bids_by_need[need.id], bidders),
            decisions=[_public(*found, transitions) for found in decisions[need.id]],
            milestones=milestones[need.id],
            chain=chains.get(need.id), office=offices.for_need(transitions),
            contracted_at=_first(transitions, {NeedStatus.contracted}),
            accepted_at=_first(transitions, {NeedStatus.accepted}))
        processes.append(process)
    return processes


def _bids(need_ids) -> tuple[dict[int, Party], dict[int, list]]:
    """Bid id → its organisation, and per need the submitted bids with their submission
    times (no content: what was bid is never published)."""
    rows = db.session.execute(select(Bid.id, Bid.challenge_id, Bid.organisation_id, Bid.status,
                                     Bid.withdrawn_at).where(
        Bid.challenge_id.in_(need_ids), Bid.status != BidStatus.draft).order_by(Bid.id)).all()
    times = defaultdict(list)
    for bid_id, submitted_at in db.session.execute(
            select(BidVersion.bid_id, BidVersion.submitted_at).join(Bid).where(
                Bid.challenge_id.in_(need_ids))):
        times[bid_id].append(submitted_at)
    organisations = {o.id: Party.of(o) for o in db.session.scalars(select(Organisation).where(
        Organisation.id.in_({row.organisation_id for row in rows})))} if rows else {}
    bidders, by_need = {}, defaultdict(list)
    for row in rows:
        bidders[row.id] = organisations[row.organisation_id]
        by_need[row.challenge_id].append((row, times[row.id]))
    return bidders, by_need


def _periods(need: Challenge, transitions: list[Transition], bids: list,
             bidders: dict[int, Party]) -> list[BiddingPeriod]:
    periods: list[BiddingPeriod] = []
    for step in transitions:
        if step.to_status == NeedStatus.published:
            # an imported need keeps the publication date of the list it came from
            start = need.published_at if step.from_status is None else step.at
            periods.append(BiddingPeriod(len(periods) + 1, start or step.at, None))
        elif step.to_status == NeedStatus.closed and periods:
            periods[-1].end = step.at
    if not periods:             # published before transitions were recorded
        periods.append(BiddingPeriod(1, need.published_at, None))
    if periods[-1].end is None:
        periods[-1].end = need.deadline
    after = None
    for period in periods:
        period.bidders = [bidders[row.id] for row, times in bids
                          if _counts(row, times, after, period.end)]
        after = period.end
    return periods


def _counts(row, times: list[datetime], after: datetime | None, end: datetime | None) -> bool:
    """A bid counts for the period whose deadline it was submitted by (after the one
    before), unless its team withdrew it; bids closed when the need was published again stay
    counted for their period."""
    if end is None:
        return False
    submitted = any((after is None or after < at) and at <= end for at in times)
    withdrawn_in_time = row.status == BidStatus.withdrawn and (
        row.withdrawn_at is None or row.withdrawn_at <= end)
    return submitted and not withdrawn_in_time


def _decisions(need_ids, bidders: dict[int, Party]) -> dict[int, list]:
    found = db.session.scalars(select(Decision).where(
        Decision.challenge_id.in_(need_ids), Decision.status.in_(PUBLIC_DECISION_STATES),
        Decision.publicity_starts_at.is_not(None))
        .options(selectinload(Decision.winners).lazyload(DecisionWinner.bid),
                 lazyload(Decision.challenge))
        .order_by(Decision.publicity_starts_at, Decision.id)).all()
    upheld = dict(db.session.execute(select(Objection.decision_id, func.min(Objection.resolved_at))
                                     .where(Objection.status == ObjectionStatus.upheld,
                                            Objection.decision_id.in_([d.id for d in found]))
                                     .group_by(Objection.decision_id)).all()) if found else {}
    by_need = defaultdict(list)
    for decision in found:
        winners = [(w.bid_id, bidders[w.bid_id]) for w in decision.winners if w.bid_id in bidders]
        by_need[decision.challenge_id].append((decision, winners, upheld.get(decision.id)))
    return by_need


def _public(decision: Decision, winners: list[tuple[int, Party]], upheld_at: datetime | None,
            transitions: list[Transition]) -> PublicDecision:
    """The decision's public moments, taken from the need's transitions where there is one
    (each is recorded just after the decision's own timestamp, in the same operation), so
    that a release shows the need's status and the decision as they changed together."""
    public_at = _first(transitions, {NeedStatus.publicity}, decision.publicity_starts_at) \
        or decision.publicity_starts_at
    reopened_at = final_at = None
    if decision.status == DecisionStatus.reopened:
        since = upheld_at or public_at
        reopened_at = _first(transitions, {NeedStatus.under_review}, since,
                             from_status=NeedStatus.publicity) or since
    if decision.status == DecisionStatus.final and decision.finalised_at is not None:
        final_at = _first(transitions, {NeedStatus.awarded, NeedStatus.not_awarded},
                          decision.finalised_at) or decision.finalised_at
    return PublicDecision(decision, winners, public_at, reopened_at, final_at)


def _first(transitions: list[Transition], targets: set[NeedStatus],
           since: datetime | None = None, from_status: NeedStatus | None = None):
    for step in transitions:
        if step.to_status in targets and (since is None or step.at >= since) and (
                from_status is None or step.from_status == from_status):
            return step.at
    return None


def _chains(need_ids) -> dict[int, Chain]:
    """The need's 1030 chain: the one its owner confirmed, else the classifier's first."""
    chains = {c.id: c for c in db.session.scalars(select(Chain))}
    result = {}
    for need_id, chain_id in db.session.execute(
            select(NeedChain.challenge_id, NeedChain.chain_id).where(
                NeedChain.challenge_id.in_(need_ids), NeedChain.rank == 1)):
        result[need_id] = chains.get(chain_id)
    for need_id, chain_id in db.session.execute(
            select(Challenge.id, Challenge.primary_chain_id).where(
                Challenge.id.in_(need_ids), Challenge.primary_chain_id.is_not(None))):
        result[need_id] = chains.get(chain_id)
    return {k: v for k, v in result.items() if v is not None}


class _Offices:
    """The program office (科技局) that runs the call, as procuringEntity: the configured
    OCDS_PROGRAM_OFFICE name, else the organisation of the admin who published the need,
    else that of the first admin who has one."""

    def __init__(self):
        name = (current_app.config.get("OCDS_PROGRAM_OFFICE") or "").strip()
        self.configured = Party("program-office", name) if name else None
        self._fallback: Party | None | bool = False

    def for_need(self, transitions: list[Transition]) -> Party | None:
        if self.configured is not None:
            return self.configured
        for step in transitions:
            actor = step.actor
            if step.to_status == NeedStatus.published and actor is not None \
                    and actor.is_admin and actor.organisation is not None:
                return Party.of(actor.organisation)
        return self.fallback()

    def fallback(self) -> Party | None:
        if self._fallback is False:
            organisation = db.session.scalar(
                select(Organisation).join(User, User.organisation_id == Organisation.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == Role.admin).order_by(User.id).limit(1))
            self._fallback = Party.of(organisation) if organisation is not None else None
        return self._fallback


def program_office() -> Party | None:
    """The publisher's organisation, for the package's publisher."""
    return _Offices().for_need([])
