"""Panel proposals (a dry run): reviewers ranked by expertise fit, load balanced across the
pool, conflicted reviewers never proposed. Nothing is written until the admin applies it.

Priority = (fit + 0.05) / (1 + load): fit from 0 to 1 (see fit.py), load = the reviewer's
active assignments in rounds not yet closed. A little fit always counts, so among reviewers
without declared expertise the least loaded come first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.accounts.models import User
from marketplace.extensions import db

from .conflicts import conflict_reasons
from .fit import expertise_fit
from .models import AssignmentStatus, ReviewRound
from .operations import current_loads, reviewer_pool

FIT_FLOOR = 0.05


@dataclass
class Candidate:
    reviewer: User
    fit: float
    load: int
    proposed: bool = False

    @property
    def priority(self) -> float:
        return (self.fit + FIT_FLOOR) / (1 + self.load)


@dataclass
class Excluded:
    reviewer: User
    reasons: list


@dataclass
class Proposal:
    needed: int
    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def proposed(self) -> list[Candidate]:
        return [c for c in self.candidates if c.proposed]


def propose(review: ReviewRound, size: int | None = None) -> Proposal:
    on_panel = {a.reviewer_id: a for a in review.assignments
                if a.status != AssignmentStatus.removed}
    active = sum(1 for a in on_panel.values() if a.status == AssignmentStatus.active)
    needed = max(0, (size or review.min_panel) - active)
    proposal = Proposal(needed=needed)
    pool = [u for u in db.session.scalars(reviewer_pool()) if u.id not in on_panel]
    free = []
    for reviewer in pool:
        reasons = conflict_reasons(reviewer, review.challenge)
        if reasons:
            proposal.excluded.append(Excluded(reviewer, reasons))
        else:
            free.append(reviewer)
    fits = expertise_fit(review.challenge, [u.id for u in free])
    loads = current_loads()
    proposal.candidates = sorted(
        (Candidate(u, fits.get(u.id, 0.0), loads.get(u.id, 0)) for u in free),
        key=lambda c: (-c.priority, c.load, c.reviewer.id))
    for candidate in proposal.candidates[:needed]:
        candidate.proposed = True
    return proposal
