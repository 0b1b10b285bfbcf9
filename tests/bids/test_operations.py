"""Bid rules at the operation level: validation, versions, one active bid, deadline, terms."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.bids import operations
from marketplace.bids.models import Bid, BidStatus, BidVersion
from marketplace.challenges.models import Challenge
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .helpers import arena, start, submitted


def _load(bid_id, user_id):
    return db.session.get(Bid, bid_id), db.session.get(User, user_id)


def test_submitted_version_is_a_complete_snapshot(app):
    a = arena(app)
    bid_id = submitted(app, a)
    with app.app_context():
        bid = db.session.get(Bid, bid_id)
        assert bid.status == BidStatus.submitted
        version = bid.latest_version
        assert version.number == 1
        assert str(version.budget_total_wan) == "11000.50"
        content = version.content
        assert [row["committed"] for row in content["indicators"]] == ["700", "40"]
        assert sum(float(m["share"]) for m in content["milestones"]) == 100
        assert [m["name"] for m in content["members"]] == ["张伟", "Anna Schmidt"]


def test_versions_cannot_be_changed(app):
    a = arena(app)
    bid_id = submitted(app, a)
    with app.app_context():
        version = db.session.scalar(select(BidVersion).where(BidVersion.bid_id == bid_id))
        version.content = {"approach": "rewritten"}
        with pytest.raises(ValueError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("overrides, key", [
    ({"approach": "short"}, "approach"),
    ({"milestones-1-share": "50"}, "milestones"),
    ({"milestones-1-month": "99"}, "milestones-1-month"),
    ({"declaration": None}, "declaration"),
    ({"members": []}, "members"),
    ({"budget-0-amount": "12000"}, "budget_justification"),
    ({"budget-0-amount": "1.234"}, "budget-0-amount"),
])
def test_incomplete_bids_are_refused_with_the_reason(app, overrides, key):
    a = arena(app)
    with pytest.raises(operations.BidInvalid) as refused:
        submitted(app, a, **overrides)
    assert key in refused.value.errors


def test_every_indicator_needs_a_commitment_that_meets_the_target(app):
    a = arena(app)
    first, second = a.indicator_ids
    with pytest.raises(operations.BidInvalid) as refused:
        submitted(app, a, **{f"indicator-{first}-committed": "600",
                             f"indicator-{second}-verification": ""})
    assert set(refused.value.errors) == {f"indicator-{first}-committed",
                                         f"indicator-{second}-verification"}


def test_budget_above_the_need_is_accepted_with_a_justification(app):
    a = arena(app)
    bid_id = submitted(app, a, **{"budget-0-amount": "12000",
                                  "budget_justification": "Two MOCVD tools are needed."})
    with app.app_context():
        assert str(db.session.get(Bid, bid_id).latest_version.budget_total_wan) == "15000.50"


def test_one_active_bid_per_team_is_enforced_by_the_database(app):
    a = arena(app)
    bid_id = start(app, a)
    assert start(app, a, a.teammate_id) == bid_id       # the teammate gets the same bid
    with app.app_context():
        db.session.add(Bid(challenge_id=a.need_id, organisation_id=a.team_org_id, draft=[]))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_after_withdrawing_a_team_may_start_again(app):
    a = arena(app)
    bid_id = submitted(app, a)
    with app.app_context():
        bid, user = _load(bid_id, a.team_id)
        operations.withdraw_bid(bid, user)
        db.session.commit()
    new_id = start(app, a)
    assert new_id != bid_id
    with app.app_context():
        assert db.session.scalar(select(func.count(Bid.id))) == 2
        # the new draft starts from the withdrawn bid's last version, declaration unticked
        old, new = db.session.get(Bid, bid_id), db.session.get(Bid, new_id)
        approach = [v for k, v in old.draft if k == "approach"]
        assert approach and [v for k, v in new.draft if k == "approach"] == approach
        assert not any(k == "declaration" for k, _v in new.draft)
        assert any(k == "declaration" for k, _v in old.draft)
    # another team starts from nothing
    with app.app_context():
        rival_bid = db.session.get(Bid, start(app, a, a.rival_id))
        assert rival_bid.draft == []


def test_terms_must_be_accepted_before_bidding(app):
    a = arena(app, accept=False)
    with app.test_request_context():
        need = db.session.get(Challenge, a.need_id)
        with pytest.raises(operations.BidRefused):
            operations.start_bid(need, db.session.get(User, a.team_id))


def test_one_second_late_is_refused_and_one_second_early_accepted(app):
    # the deadline is 17:00 Beijing time; the server compares instants, not wall clocks
    deadline = (utcnow() + timedelta(days=2)).astimezone(ZoneInfo("Asia/Shanghai")).replace(
        hour=17, minute=0, second=0, microsecond=0)
    a = arena(app, deadline=deadline)
    bid_id = start(app, a)
    from .helpers import bid_form
    from marketplace.bids.content import draft_pairs
    from werkzeug.datastructures import MultiDict
    pairs = draft_pairs(MultiDict([(k, v) for k, vals in bid_form(a).items()
                                   for v in (vals if isinstance(vals, list) else [vals])]))
    with app.test_request_context():
        bid, user = _load(bid_id, a.team_id)
        operations.save_draft(bid, pairs)
        with pytest.raises(operations.DeadlinePassed) as late:
            operations.submit_bid(bid, user, now=deadline + timedelta(seconds=1))
        assert "17:00" in str(late.value.message)
        assert bid.draft == pairs and not bid.versions
        version = operations.submit_bid(bid, user, now=deadline - timedelta(seconds=1))
        assert version.number == 1
        with pytest.raises(operations.DeadlinePassed):  # exactly at the deadline is late
            operations.submit_bid(bid, user, now=deadline)
        db.session.rollback()


def test_resubmission_adds_a_version_and_keeps_the_first(app):
    a = arena(app)
    bid_id = submitted(app, a)
    with app.test_request_context():
        bid, user = _load(bid_id, a.teammate_id)
        bid.draft = [p if p[0] != "approach" else ["approach", "A better approach, revised."]
                     for p in bid.draft]
        operations.submit_bid(bid, user)
        db.session.commit()
        versions = db.session.get(Bid, bid_id).versions
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].content["approach"].startswith("## Approach")
        assert versions[1].content["approach"] == "A better approach, revised."
