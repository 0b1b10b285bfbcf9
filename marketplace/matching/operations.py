"""Saving an expertise profile (flush, never commit)."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.taxonomy.models import Chain

from .models import ExpertiseProfile


def profile_for(user) -> ExpertiseProfile | None:
    return db.session.scalar(select(ExpertiseProfile).where(ExpertiseProfile.user_id == user.id))


def matching_profile(user) -> ExpertiseProfile | None:
    """What "needs matched to you" runs on: the user's own expertise, joined for a solver with
    the expertise of the team profile (chains and keywords) that the whole team keeps.

    The result is transient (never added to the session) when the team adds anything."""
    from marketplace.bids.models import TeamProfile  # bids builds on matching, not the reverse
    own = profile_for(user)
    team = db.session.scalar(select(TeamProfile).where(
        TeamProfile.organisation_id == user.organisation_id)) \
        if user.organisation_id is not None else None
    if team is None or not (team.chain_ids or team.keywords):
        return own
    chains = list(dict.fromkeys([*(own.chain_ids if own else []), *team.chain_ids]))
    keywords = [*(own.keywords if own else []), *team.keywords]
    return ExpertiseProfile(chain_ids=chains, keywords_text="\n".join(keywords))


def save_profile(user, chain_ids: list[str], keywords_text: str | None) -> ExpertiseProfile:
    known = set(db.session.scalars(select(Chain.id).where(Chain.id.in_(chain_ids))))
    profile = profile_for(user) or ExpertiseProfile(user_id=user.id)
    profile.chain_ids = [c for c in dict.fromkeys(chain_ids) if c in known]
    profile.keywords_text = (keywords_text or "").strip() or None
    db.session.add(profile)
    db.session.flush()
    return profile
