"""A need taken through its lifecycle by the domains' own operations, on a consistent clock:
published twenty days ago, bids submitted two days ago, the deadline an hour ago."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import close_expired
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.ocds.packages import release_package
from marketplace.review import decisions, operations, scoring
from marketplace.review.award_models import Decision, Outcome

from .. import factories
from ..review import builders

SCORES = {"A": "90", "B": "70", "C": "50"}


@dataclass
class Lifecycle:
    need: Challenge
    bids: list
    admin: User
    owner: User

    @property
    def ocid(self) -> str:
        from flask import current_app
        return current_app.config["OCID_PREFIX"] + self.need.ref

    def team_names(self) -> list[str]:
        return [bid.organisation.name for bid in self.bids]


def backdate(need: Challenge, days: int) -> None:
    for step in need.transitions:
        step.at -= timedelta(days=days)
    need.published_at -= timedelta(days=days)
    need.created_at -= timedelta(days=days)
    db.session.flush()


def published_with_bids(people, teams=builders.TEAMS) -> Lifecycle:
    """A need open for bids (deadline in 30 days) with one submitted bid per team."""
    need = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    backdate(need, 20)
    bids = [builders.submitted_bid(need, *team)[0] for team in teams]
    return Lifecycle(need, bids, db.session.get(User, people.admin_id),
                     db.session.get(User, people.owner_id))


def closed(people, teams=builders.TEAMS) -> Lifecycle:
    life = published_with_bids(people, teams)
    life.need.deadline = utcnow() - timedelta(hours=1)
    close_expired()
    assert life.need.status == NeedStatus.closed
    return life


def proposed(life: Lifecycle, outcome: Outcome = Outcome.award, labels=("A",)) -> Decision:
    """Review opened, every bid eligible, five reviewers score A > B > C, decision proposed."""
    review = operations.open_review(life.need, life.admin, blind=True)
    for entry in review.entries:
        operations.formal_check(entry, life.admin, True, None)
    for reviewer in builders.reviewers(5, prefix=f"ocds{life.need.id}-"):
        operations.assign(review, reviewer, life.admin)
    operations.start_scoring(review, life.admin)
    for assignment in review.active_assignments:
        reviewer = db.session.get(User, assignment.reviewer_id)
        for entry in review.eligible_entries:
            inputs = {c.id: scoring.ScoreInput(SCORES[entry.label], "ok")
                      for c in review.criteria}
            scoring.save_sheet(assignment, entry, reviewer, inputs, None, submit=True)
    chosen = [e.id for e in review.entries if e.label in labels]
    return decisions.propose_decision(review, life.admin, outcome=outcome,
                                      winner_entry_ids=chosen, rationale="综合得分最高。",
                                      rationale_en="Highest panel score.", publicity_days=7)


def in_publicity(life: Lifecycle, outcome: Outcome = Outcome.award, labels=("A",)) -> Decision:
    decision = proposed(life, outcome, labels)
    decisions.confirm_decision(decision, life.owner, "同意")
    return decision


def final(life: Lifecycle, outcome: Outcome = Outcome.award, labels=("A",)) -> Decision:
    decision = in_publicity(life, outcome, labels)
    decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
    decisions.finalise(decision, life.admin)
    return decision


def releases_of(ocid: str, **kwargs) -> list[dict]:
    return [r for r in release_package(**kwargs)["releases"] if r["ocid"] == ocid]


def need_by_ref(ref: str) -> Challenge:
    return db.session.scalar(select(Challenge).where(Challenge.ref == ref))
