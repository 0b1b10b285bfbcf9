"""How well a reviewer's expertise fits a need: the one function assignment proposals call.

Expertise lives in marketplace.matching (ExpertiseProfile: taxonomy chains and keywords,
edited on "My expertise"); its `reviewers_for` ranks reviewers for a need by chain weights
and bilingual keyword hits. Here those scores are scaled to 0..1 for the proposal.
"""
from __future__ import annotations

from marketplace.challenges.models import Challenge

POOL_LIMIT = 10_000


def expertise_fit(need: Challenge, reviewer_ids: list[int]) -> dict[int, float]:
    """Fit from 0 (none declared or found) to 1 (the best fit in the pool), per reviewer id."""
    from marketplace.matching.queries import reviewers_for
    wanted = set(reviewer_ids)
    scores = {fit.user.id: fit.score for fit in reviewers_for(need, limit=POOL_LIMIT)
              if fit.user.id in wanted}
    best = max(scores.values(), default=0.0)
    return {rid: round(scores.get(rid, 0.0) / best, 4) if best else 0.0 for rid in reviewer_ids}
