"""Matching: needs for a team's expertise, reviewers for a need; each with its reasons."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import Role, User, UserRole
from marketplace.challenges.models import Challenge
from marketplace.extensions import db
from marketplace.core import text as analysis
from marketplace.search.documents import strong_chains
from marketplace.search.plan import Alternative, Group, Plan
from marketplace.search.service import lexicon, open_filters, search_plan
from marketplace.taxonomy.operations import need_text
from marketplace.taxonomy.queries import need_chains

from .models import ExpertiseProfile

CHAIN_BOOST = 2.0


@dataclass
class Match:
    need: Challenge
    score: float
    chains: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def _keyword_group(keyword: str) -> Group | None:
    """A profile keyword as one group: the term with its synonyms and translations, or, for
    several words, all of them."""
    plan = lexicon().plan(keyword)
    if len(plan.groups) == 1:
        group = plan.groups[0]
        return Group(label=keyword, alternatives=group.alternatives)
    alternative = Alternative.of(keyword)
    return Group(label=keyword, alternatives=[alternative]) if alternative else None


def _variants(keyword: str) -> list[str]:
    """The keyword and its translations through the taxonomy's pairs and synonym sets."""
    group = _keyword_group(keyword)
    return [a.text for a in group.alternatives] if group else [keyword]


def matched_needs(profile: ExpertiseProfile, limit: int = 20) -> list[Match]:
    """Open needs ranked by fit with the profile: its chains, then its keywords (either
    language); each match says which chains and keywords it was found by."""
    if profile is None or profile.is_empty:
        return []
    groups = [g for g in map(_keyword_group, profile.keywords) if g]
    groups += [Group(label=f"chain:{c}", alternatives=[], chain=c, chain_score=CHAIN_BOOST * 4)
               for c in profile.chain_ids]
    results = search_plan(Plan(groups, mode="any"), open_filters(), pagelen=limit)
    ids = [int(hit.id) for hit in results.hits]
    needs = {n.id: n for n in db.session.scalars(select(Challenge).where(
        Challenge.id.in_(ids))).unique()}
    matches = []
    for hit in results.hits:
        need = needs.get(int(hit.id))
        if need is None or not need.is_open_for_bids:
            continue
        need_chain_ids = set(strong_chains(need.primary_chain_id, [
            (row.chain_id, row.score) for row in need_chains(need.id)]))
        matches.append(Match(
            need=need, score=hit.score,
            chains=[c for c in profile.chain_ids if c in need_chain_ids],
            keywords=[kw for kw in profile.keywords if kw in hit.matched]))
    return matches


@dataclass
class ReviewerFit:
    user: User
    score: float
    chains: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def reviewers_for(need: Challenge, limit: int = 20) -> list[ReviewerFit]:
    """Reviewers whose declared expertise fits the need best. Reviewers of the owner's own
    organisation are left out (they could never be assigned)."""
    weights = {row.chain_id: row.score for row in need_chains(need.id)}
    if need.primary_chain_id:
        weights[need.primary_chain_id] = weights.get(need.primary_chain_id, 0.0) + 1.0
    text = analysis.fold(" ".join(need_text(need)))
    profiles = db.session.scalars(select(ExpertiseProfile).join(User).join(
        UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.reviewer, User.active.is_(True))).unique().all()
    fits = []
    for profile in profiles:
        user = profile.user
        if user.organisation_id is not None and user.organisation_id == need.organisation_id:
            continue
        chains = [c for c in profile.chain_ids if c in weights]
        keywords = [kw for kw in profile.keywords
                    if any(analysis.fold(v) in text for v in _variants(kw))]
        score = sum(weights[c] for c in chains) + 0.5 * len(keywords)
        if score > 0:
            fits.append(ReviewerFit(user=user, score=round(score, 3), chains=chains,
                                    keywords=keywords))
    fits.sort(key=lambda f: (-f.score, f.user.name))
    return fits[:limit]
