"""The write path of review: pool, rounds, rubric, formal check, panels and recusal.

Operations flush and never commit; every review-sensitive step also goes to the audit log.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.accounts.models import Role, User, UserRole
from marketplace.audit.operations import record
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import _record as record_transition
from marketplace.challenges.operations import close_expired
from marketplace.core.types import utcnow
from marketplace.extensions import db

from . import events
from .award_models import Decision, DecisionStatus
from .conflicts import bidding_bids, conflict_reasons
from .models import (DEFAULT_MIN_PANEL, DEFAULT_SPREAD_THRESHOLD, Assignment, AssignmentStatus,
                     ConflictDeclaration, ConflictKind, Criterion, ReviewRound,
                     RoundBid, RoundKind, RoundStatus)

# (Chinese name, English name, weight): PRODUCT.md's default rubric
DEFAULT_RUBRIC = [
    ("技术方案", "Technical approach", 40, True),
    ("团队能力", "Team capability", 25, False),
    ("指标承诺", "Indicator commitments", 15, False),
    ("预算合理性", "Budget", 10, False),
    ("进度与里程碑", "Schedule and milestones", 10, False),
]


class ReviewRefused(Exception):
    """A review step the rules do not allow now; the message says why, and `field` names the
    form field it is about (so that the page can show it there), if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class CriterionRow:
    name: str
    weight: int
    min_score: Decimal = Decimal(0)
    max_score: Decimal = Decimal(100)
    comment_required: bool = False
    name_en: str | None = None


# -- expert pool -------------------------------------------------------------------------
def reviewer_pool():
    """Active users with the reviewer role."""
    return (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.reviewer, User.active.is_(True)).order_by(User.id))


def declare_conflict(reviewer: User, actor, *, kind: ConflictKind, text: str = "",
                     organisation_id: int | None = None, person_name: str | None = None,
                     need: Challenge | None = None) -> ConflictDeclaration:
    """Record a declared conflict; any panel it now conflicts with is left (recused)."""
    declared = ConflictDeclaration(
        reviewer_id=reviewer.id, kind=kind, text=(text or "").strip(),
        organisation_id=organisation_id if kind == ConflictKind.organisation else None,
        person_name=(person_name or "").strip() or None if kind == ConflictKind.person else None,
        challenge_id=need.id if need else None, declared_by_id=getattr(actor, "id", None))
    if kind == ConflictKind.other and not declared.text and need is None:
        raise ReviewRefused(_l("Describe the conflict."))
    if kind == ConflictKind.other and not declared.text:
        declared.text = "—"
    db.session.add(declared)
    db.session.flush()
    record("conflict.declare", actor, need=need, subject=declared,
           data={"reviewer": reviewer.email, "kind": kind.value, "organisation_id":
                 declared.organisation_id, "person": declared.person_name,
                 "text": declared.text})
    for assignment in open_assignments(reviewer):
        if conflict_reasons(reviewer, assignment.round.challenge):
            recuse(assignment, reviewer, str(_l("Declared a conflict of interest")),
                   actor=actor)
    return declared


def open_assignments(reviewer: User) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).join(ReviewRound).where(
        Assignment.reviewer_id == reviewer.id, Assignment.status == AssignmentStatus.active,
        ReviewRound.status != RoundStatus.closed).order_by(Assignment.id)))


def current_loads() -> dict[int, int]:
    """Active assignments per reviewer in rounds not yet closed."""
    rows = db.session.execute(select(Assignment.reviewer_id, func.count(Assignment.id))
                              .join(ReviewRound).where(
        Assignment.status == AssignmentStatus.active, ReviewRound.status != RoundStatus.closed)
        .group_by(Assignment.reviewer_id)).all()
    return {reviewer_id: count for reviewer_id, count in rows}


# -- rounds ------------------------------------------------------------------------------
def label_for(index: int) -> str:
    """A, B, … Z, AA, AB, … for 0, 1, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def label_index(label: str) -> int:
    """The inverse of label_for (-1 for anything else)."""
    if not label.isalpha() or not label.isupper():
        return -1
    number = 0
    for letter in label:
        number = number * 26 + (ord(letter) - 64)
    return number - 1


def rounds_of(need: Challenge) -> list[ReviewRound]:
    return list(db.session.scalars(select(ReviewRound).where(
        ReviewRound.challenge_id == need.id).order_by(ReviewRound.number)))


def current_round(need: Challenge) -> ReviewRound | None:
    found = rounds_of(need)
    return found[-1] if found else None


def open_review(need: Challenge, actor, *, blind: bool = True,
                min_panel: int = DEFAULT_MIN_PANEL,
                spread_threshold: Decimal = DEFAULT_SPREAD_THRESHOLD) -> ReviewRound:
    """Bidding has closed: the need goes under review, with a formal check of every bid."""
    close_expired()
    if need.status != NeedStatus.closed:
        raise ReviewRefused(_l("Review can open only once bidding has closed."))
    bids = bidding_bids(need)
    if not bids:
        raise ReviewRefused(_l("No bids were submitted; there is nothing to review."))
    record_transition(need, NeedStatus.under_review, actor)
    review = ReviewRound(challenge_id=need.id, number=len(rounds_of(need)) + 1,
                         kind=RoundKind.expert, blind=blind, min_panel=min_panel,
                         spread_threshold=spread_threshold, opened_by_id=actor.id)
    review.criteria = [Criterion(position=i, name=zh, name_en=en, weight=w, comment_required=c)
                       for i, (zh, en, w, c) in enumerate(DEFAULT_RUBRIC)]
    order = list(bids)
    secrets.SystemRandom().shuffle(order)  # labels carry no hint of who bid first
    review.entries = [RoundBid(bid_id=bid.id, label=label_for(i)) for i, bid in enumerate(order)]
    db.session.add(review)
    db.session.flush()
    record("review.open", actor, need=need, subject=review,
           data={"round": review.number, "blind": blind, "min_panel": min_panel,
                 "bids": {e.label: e.bid_id for e in review.entries}})
    events.review_opened.send(review)
    return review


def open_defence_round(previous: ReviewRound, actor, entry_ids: list[int]) -> ReviewRound:
    """A further round (路演答辩) for a shortlist, with the same rubric, labels and panel size."""
    if previous.status != RoundStatus.scoring or not previous.fully_scored:
        raise ReviewRefused(_l("Every reviewer must submit every sheet before a shortlist."))
    chosen = [e for e in previous.eligible_entries if e.id in set(entry_ids)]
    if not chosen:
        raise ReviewRefused(_l("Choose at least one eligible bid for the shortlist."))
    review = ReviewRound(challenge_id=previous.challenge_id, number=previous.number + 1,
                         kind=RoundKind.defence, blind=previous.blind,
                         min_panel=previous.min_panel,
                         spread_threshold=previous.spread_threshold, opened_by_id=actor.id)
    review.criteria = [Criterion(position=c.position, name=c.name, name_en=c.name_en,
                                 weight=c.weight, min_score=c.min_score, max_score=c.max_score,
                                 comment_required=c.comment_required) for c in previous.criteria]
    review.entries = [RoundBid(bid_id=e.bid_id, label=e.label, eligible=True,
                               checked_by_id=actor.id, checked_at=utcnow()) for e in chosen]
    previous.status = RoundStatus.closed
    db.session.add(review)
    db.session.flush()
    record("review.shortlist", actor, need=previous.challenge, subject=review,
           data={"round": review.number, "shortlist": [e.label for e in chosen]})
    return review


def set_rubric(review: ReviewRound, rows: list[CriterionRow], actor) -> None:
    if not review.rubric_editable:
        raise ReviewRefused(_l("The rubric is locked once scoring has started."))
    if not rows:
        raise ReviewRefused(_l("The rubric needs at least one criterion."))
    if sum(r.weight for r in rows) != 100:
        raise ReviewRefused(_l("The weights add up to %(total)s; they must add up to 100.",
                               total=sum(r.weight for r in rows)))
    cent = Decimal("0.01")
    for row in rows:
        scores = (row.min_score, row.max_score)
        if any(not value.is_finite() or value != value.quantize(cent) for value in scores):
            # 1e-400 passed "from 0 to 1000", was stored as 0.00 and divided by zero later
            raise ReviewRefused(_l("Scores have at most two decimals (e.g. 0, 10 or 7.5)."))
        if not row.name.strip() or not 1 <= row.weight <= 100 or row.max_score <= row.min_score:
            raise ReviewRefused(_l("Each criterion needs a name, a weight from 1 to 100 and a "
                                   "highest score above its lowest."))
    review.criteria = [Criterion(position=i, name=r.name.strip(),
                                 name_en=(r.name_en or "").strip() or None, weight=r.weight,
                                 min_score=r.min_score, max_score=r.max_score,
                                 comment_required=r.comment_required)
                       for i, r in enumerate(rows)]
    db.session.flush()
    record("rubric.update", actor, need=review.challenge, subject=review,
           data={"criteria": [[c.name, c.weight, str(c.min_score), str(c.max_score),
                               c.comment_required] for c in review.criteria]})


def formal_check_open(review: ReviewRound) -> bool:
    """During the formal check; and again while scoring after an upheld objection withdrew
    the decision, so that the objection's finding about a bid can be recorded (the bid then
    leaves the ranking and cannot be chosen)."""
    if review.status == RoundStatus.formal_check:
        return True
    if review.status != RoundStatus.scoring:
        return False
    latest = db.session.scalar(select(Decision).where(
        Decision.challenge_id == review.challenge_id).order_by(Decision.id.desc()).limit(1))
    return latest is not None and latest.status == DecisionStatus.reopened


def formal_check(entry: RoundBid, actor, eligible: bool, reason: str | None) -> None:
    if not formal_check_open(entry.round):
        raise ReviewRefused(_l("The formal check is over for this round."))
    reason = (reason or "").strip() or None
    if not eligible and not reason:
        raise ReviewRefused(_l("Give the reasons why the bid is not eligible."))
    before = entry.eligible
    entry.eligible, entry.formal_reason = eligible, reason
    entry.checked_by_id, entry.checked_at = actor.id, utcnow()
    db.session.flush()
    record("formal_check", actor, need=entry.round.challenge, subject=entry,
           data={"label": entry.label, "bid_id": entry.bid_id, "eligible": eligible,
                 "reason": reason})
    if not eligible:
        events.bid_checked.send(entry, eligible=False)   # told again when the reason changes
    elif before is not True:
        events.bid_checked.send(entry, eligible=True)


def start_scoring(review: ReviewRound, actor) -> None:
    if review.status != RoundStatus.formal_check:
        raise ReviewRefused(_l("Scoring has already started."))
    if any(e.eligible is None for e in review.entries):
        raise ReviewRefused(_l("Finish the formal check of every bid first."))
    if not review.eligible_entries:
        raise ReviewRefused(_l("No bid passed the formal check."))
    if review.weight_total != 100:
        raise ReviewRefused(_l("The rubric's weights must add up to 100."))
    if len(review.active_assignments) < review.min_panel:
        raise ReviewRefused(_l("The panel needs at least %(n)s reviewers.", n=review.min_panel))
    review.status, review.scoring_started_at = RoundStatus.scoring, utcnow()
    db.session.flush()
    record("review.scoring_started", actor, need=review.challenge, subject=review,
           data={"panel": [a.reviewer.email for a in review.active_assignments]})


def remind_reviewers(review: ReviewRound, actor) -> int:
    """Remind every reviewer on the panel whose sheets are not all submitted; how many."""
    if review.status != RoundStatus.scoring:
        raise ReviewRefused(_l("Reminders can be sent only while the reviewers score."))
    entries, reminded = review.eligible_entries, []
    for assignment in review.active_assignments:
        open_sheets = sum(1 for entry in entries
                          if not ((sheet := assignment.sheet_for(entry)) and sheet.submitted))
        if open_sheets:
            events.reviewer_reminded.send(assignment, open_sheets=open_sheets,
                                             total=len(entries))
            reminded.append(assignment.reviewer.email)
    if reminded:
        record("review.reminder", actor, need=review.challenge, subject=review,
               data={"reviewers": reminded})
    return len(reminded)


# -- panel -------------------------------------------------------------------------------
def assign(review: ReviewRound, reviewer: User, actor) -> Assignment:
    """Put a reviewer on the panel; conflicts are checked here, whatever the proposal said."""
    if review.status == RoundStatus.closed:
        raise ReviewRefused(_l("This round is closed."))
    if not reviewer.active or not reviewer.has_role(Role.reviewer):
        raise ReviewRefused(_l("Only active reviewers can be assigned."))
    reasons = conflict_reasons(reviewer, review.challenge)
    if reasons:
        raise ReviewRefused(_l("%(name)s has a conflict of interest: %(reasons)s",
                               name=reviewer.name, reasons="; ".join(str(r) for r in reasons)))
    existing = next((a for a in review.assignments if a.reviewer_id == reviewer.id), None)
    if existing is not None and existing.status != AssignmentStatus.removed:
        raise ReviewRefused(_l("%(name)s is already on this panel or has recused.",
                               name=reviewer.name))
    assignment = existing or Assignment(reviewer_id=reviewer.id)
    assignment.status, assignment.ended_at = AssignmentStatus.active, None
    assignment.assigned_by_id, assignment.assigned_at = actor.id, utcnow()
    if existing is None:
        review.assignments.append(assignment)
    db.session.flush()
    record("assignment.create", actor, need=review.challenge, subject=assignment,
           data={"round": review.number, "reviewer": reviewer.email})
    events.reviewer_assigned.send(assignment)
    return assignment


def remove_assignment(assignment: Assignment, actor) -> None:
    if assignment.status != AssignmentStatus.active:
        raise ReviewRefused(_l("This reviewer is not on the panel."))
    assignment.status, assignment.ended_at = AssignmentStatus.removed, utcnow()
    db.session.flush()
    record("assignment.remove", actor, need=assignment.round.challenge, subject=assignment,
           data={"round": assignment.round.number, "reviewer": assignment.reviewer.email})


def recuse(assignment: Assignment, reviewer: User, reason: str, actor=None) -> None:
    """The reviewer steps aside (回避); the reason is kept and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused(_l("Give the reason for recusing."))
    if assignment.status != AssignmentStatus.active:
        raise ReviewRefused(_l("You are not on this panel."))
    assignment.status, assignment.recusal_reason = AssignmentStatus.recused, reason
    assignment.ended_at = utcnow()
    db.session.flush()
    record("assignment.recuse", actor or reviewer, need=assignment.round.challenge,
           subject=assignment, data={"round": assignment.round.number,
                                     "reviewer": reviewer.email, "reason": reason})
