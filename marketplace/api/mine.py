"""With a token: who it acts for, an owner's own needs, a team's own bids. Every rule of the
web pages holds: a bid is sealed until its need's bidding closes, a reviewer of a blind round
never sees a bid as such, a need's drafts are its owner's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.bids.models import Bid
from marketplace.bids.queries import team_bids
from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import auth, pagination, representations
from .errors import ApiAbort
from .responses import TOKEN, answer, errors
from .schemas import BidListSchema, BidSchema, MeSchema, OwnNeedPageSchema, PageArgs

blp = Blueprint("account", __name__, url_prefix="/api/v1",
                description="With a personal API token: the token's user, an owner's needs, "
                            "a team's bids")


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@errors(blp, 401)
@blp.doc(security=TOKEN)
def me():
    """The user the token acts for, with its roles and organisation"""
    user = auth.require()
    token = auth.current_token()
    return {"id": user.id, "name": user.name, "email": user.email,
            "roles": sorted(role.value for role in user.roles),
            "organisation": representations.organisation(user.organisation),
            "token_scope": token.scope.value, "token_expires_at": token.expires_at}


@blp.route("/my/needs", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, OwnNeedPageSchema)
@errors(blp, 400, 401, 403, 422)
@blp.doc(security=TOKEN)
def my_needs(args: dict):
    """The needs of the token user's organisation, drafts included, newest first (owners)"""
    user = auth.require()
    if not user.has_role(Role.owner) or user.organisation_id is None:
        raise ApiAbort(403, "owner_only", _l("Only a need owner’s account has needs of its "
                                             "own."))
    after = pagination.after_id(args.get("cursor"), "my-needs")
    query = (select(Challenge).where(Challenge.organisation_id == user.organisation_id)
             .order_by(Challenge.id.desc()).limit(args["limit"] + 1))
    if after is not None:
        query = query.where(Challenge.id < after)
    found = list(db.session.scalars(query))
    page = found[:args["limit"]]
    return answer(OwnNeedPageSchema(), {
        "items": [representations.need_detail(need, user) for need in page],
        "next_cursor": pagination.encode("my-needs", id=page[-1].id)
        if len(found) > len(page) else None}, private=True)


def _team_user():
    user = auth.require()
    if not user.has_role(Role.solver) or user.organisation_id is None:
        raise ApiAbort(403, "team_only", _l("Only a solver team’s account has bids."))
    return user


@blp.route("/my/bids", methods=["GET"])
@blp.response(200, BidListSchema)
@errors(blp, 401, 403)
@blp.doc(security=TOKEN)
def my_bids():
    """The bids of the token user's team (solver teams)"""
    user = _team_user()
    return answer(BidListSchema(), {"items": [representations.bid_summary(bid)
                                              for bid in team_bids(user.organisation_id)]},
                  private=True)


@blp.route("/bids/<int:bid_id>", methods=["GET"])
@blp.response(200, BidSchema)
@blp.alt_response(304, description="Not modified")
@errors(blp, 401, 404)
@blp.doc(security=TOKEN)
def get_bid(bid_id: int):
    """A bid with its last submitted version

    Its team always; after the need's bidding has closed, the need's owner and admins (and
    reviewers of a round that is not blind). To anybody else a sealed bid does not exist (404).
    """
    user = auth.require()
    bid = db.session.get(Bid, bid_id)
    if bid is None or not bid.can_view(user):
        raise ApiAbort(404, "not_found", _l("No bid with this number is available to you."))
    return answer(BidSchema(), representations.bid_detail(bid), private=True)
