"""Builders for bid tests: a published need, two competing teams with profiles."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from marketplace.accounts.models import OrgType, Role, User
from marketplace.accounts.operations import create_user
from marketplace.bids import operations
from marketplace.bids.models import Bid
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import accept_terms
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories


@dataclass
class Arena:
    need_id: int
    indicator_ids: list[int]
    admin_id: int
    owner_id: int
    other_owner_id: int
    reviewer_id: int
    team_id: int          # solver@example.com
    teammate_id: int      # solver-b@example.com, same organisation
    rival_id: int         # rival@example.com, another team
    team_org_id: int
    rival_org_id: int
    member_ids: list[int]
    rival_member_ids: list[int]


def _profile(org_id: int, names: list[str]) -> list[int]:
    profile = operations.profile_for(org_id, create=True)
    operations.update_profile(profile, summary="GaN lab", chain_ids=["integrated-circuits"],
                              keywords=["GaN", "外延"], achievements="- 6-inch GaN line",
                              members=[{"name": n, "title": "Professor", "role": "PI",
                                        "bio": "20 years of epitaxy"} for n in names])
    return [m.id for m in profile.members]


def arena(app, accept: bool = True, **need_overrides) -> Arena:
    """Everyone committed: a published need, two teams with profiles (and terms accepted)."""
    with app.app_context():
        people = factories.people()
        team = db.session.get(User, people.solver_id)
        teammate = create_user("solver-b@example.com", "Solver B", factories.PASSWORD,
                               {Role.solver}, organisation=team.organisation)
        rival = factories.user("rival@example.com", {Role.solver}, "Rival Lab Pte Ltd",
                               OrgType.company, "SG")
        need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                              **need_overrides)
        if accept:
            for user in (team, teammate, rival):
                accept_terms(need, user)
        result = Arena(
            need_id=need.id, indicator_ids=[i.id for i in need.indicators],
            admin_id=people.admin_id, owner_id=people.owner_id,
            other_owner_id=people.other_owner_id, reviewer_id=people.reviewer_id,
            team_id=team.id, teammate_id=teammate.id, rival_id=rival.id,
            team_org_id=team.organisation_id, rival_org_id=rival.organisation_id,
            member_ids=_profile(team.organisation_id, ["张伟", "Anna Schmidt"]),
            rival_member_ids=_profile(rival.organisation_id, ["Lee Wei"]))
        db.session.commit()
        return result


def bid_form(a: Arena, members: list[int] | None = None, action: str = "save",
             **overrides) -> dict:
    first, second = a.indicator_ids
    data = {
        "approach": "## Approach\nMOCVD on 200 mm Si with a strain-engineered buffer.",
        f"indicator-{first}-committed": "700", f"indicator-{first}-verification": "CNAS lab",
        f"indicator-{second}-committed": "40", f"indicator-{second}-verification": "Bow gauge",
        "milestones-0-name": "Buffer", "milestones-0-month": "12",
        "milestones-0-deliverable": "Report", "milestones-0-share": "40",
        "milestones-1-name": "Pilot line", "milestones-1-month": "30",
        "milestones-1-deliverable": "1000 wafers", "milestones-1-share": "60",
        "budget-0-item": "Equipment", "budget-0-amount": "8000",
        "budget-1-item": "Staff", "budget-1-amount": "3000.50",
        "members": [str(m) for m in (members if members is not None else a.member_ids)],
        "declaration": "y", "action": action,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def start(app, a: Arena, user_id: int | None = None) -> int:
    with app.test_request_context():
        need = db.session.get(Challenge, a.need_id)
        bid = operations.start_bid(need, db.session.get(User, user_id or a.team_id))
        db.session.commit()
        return bid.id


def submitted(app, a: Arena, user_id: int | None = None, **overrides) -> int:
    """A bid of the user's team, saved from bid_form and submitted (version 1)."""
    from werkzeug.datastructures import MultiDict

    from marketplace.bids.content import draft_pairs
    user_id = user_id or a.team_id
    bid_id = start(app, a, user_id)
    members = overrides.pop("members", a.member_ids if user_id != a.rival_id
                            else a.rival_member_ids)
    form = MultiDict()
    for key, value in bid_form(a, members, **overrides).items():
        for item in (value if isinstance(value, list) else [value]):
            form.add(key, item)
    with app.test_request_context():
        bid = db.session.get(Bid, bid_id)
        user = db.session.get(User, user_id)
        operations.save_draft(bid, draft_pairs(form))
        operations.submit_bid(bid, user)
        db.session.commit()
    return bid_id


def set_deadline(app, need_id: int, deadline: datetime) -> None:
    with app.app_context():
        db.session.execute(update(Challenge).where(Challenge.id == need_id)
                           .values(deadline=deadline))
        db.session.commit()


def close(app, need_id: int) -> None:
    set_deadline(app, need_id, utcnow() - timedelta(seconds=1))
