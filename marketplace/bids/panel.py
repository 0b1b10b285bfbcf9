"""What the need page's sidebar and the main navigation show about bids."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.challenges.models import Challenge

from . import operations, queries
from .content import committed_text, falls_short
from .models import (BidStatus, bid_settings, bids_unsealed, can_see_bid_count, can_see_bid_list,
                     can_set_count_visibility, can_start_bid, is_team_member)


def need_panel(need: Challenge) -> dict:
    user = current_user
    own_bid = None
    if is_team_member(user, getattr(user, "organisation_id", None)):
        own_bid = operations.active_bid(need, user.organisation_id)
    settings = bid_settings(need)
    return {
        "own_bid": own_bid,
        "can_start": own_bid is None and can_start_bid(need, user),
        "terms_accepted": need.has_accepted_terms(user),
        "count": queries.submitted_count(need) if can_see_bid_count(need, user) else None,
        "can_list": can_see_bid_list(need, user),
        "can_toggle_count": can_set_count_visibility(need, user),
        "count_shown": bool(settings and settings.show_bid_count),
        "unsealed": bids_unsealed(need),
    }


def is_solver() -> bool:
    return (current_user.is_authenticated and current_user.has_role(Role.solver)
            and current_user.organisation_id is not None)


BID_STATUS_LABELS = {
    BidStatus.draft: _l("Draft"),
    BidStatus.submitted: _l("Submitted"),
    BidStatus.withdrawn: _l("Withdrawn"),
}


def register(bp: Blueprint) -> None:
    bp.app_context_processor(lambda: {"bid_panel": need_panel, "is_solver": is_solver,
                                      "bid_status_label": BID_STATUS_LABELS.get,
                                      "falls_short": falls_short,
                                      "committed_text": committed_text})
