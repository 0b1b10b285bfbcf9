"""Concurrent submissions around the deadline, and racing team members (PostgreSQL)."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import OrgType, Role, User
from marketplace.bids import operations
from marketplace.bids.content import draft_pairs
from marketplace.bids.models import Bid, BidVersion
from marketplace.challenges.models import Challenge
from marketplace.challenges.operations import accept_terms
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories
from .helpers import Arena, arena, bid_form, set_deadline, start

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrency is tested on PostgreSQL: SQLite serialises every writer, "
                        "so races cannot happen there (set TEST_DATABASE_URL)")


def _pairs(a: Arena, members: list[int]) -> list:
    form = MultiDict()
    for key, value in bid_form(a, members).items():
        for item in (value if isinstance(value, list) else [value]):
            form.add(key, item)
    return draft_pairs(form)


def _teams_with_drafts(app, a: Arena, count: int) -> list[tuple[int, int]]:
    """(user id, bid id) for `count` further teams, each with a complete draft."""
    result = []
    for n in range(count):
        with app.test_request_context():
            user = factories.user(f"team{n}@example.com", {Role.solver}, f"Team {n} Lab",
                                  OrgType.university, "CN")
            need = db.session.get(Challenge, a.need_id)
            accept_terms(need, user)
            profile = operations.profile_for(user.organisation_id, create=True)
            operations.update_profile(profile, summary=None, chain_ids=[], keywords=[],
                                      achievements=None, members=[{"name": f"Member {n}"}])
            bid = operations.start_bid(need, user)
            operations.save_draft(bid, _pairs(a, [profile.members[0].id]))
            db.session.commit()
            result.append((user.id, bid.id))
    return result


def _submit_at(app, user_id: int, bid_id: int, at: float, outcomes: dict) -> None:
    time.sleep(max(0.0, at - time.time()))
    with app.test_request_context():
        try:
            bid = db.session.get(Bid, bid_id)
            operations.submit_bid(bid, db.session.get(User, user_id))
            db.session.commit()
            outcomes[bid_id] = "accepted"
        except operations.DeadlinePassed:
            db.session.rollback()
            outcomes[bid_id] = "late"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            db.session.rollback()
            outcomes[bid_id] = repr(exc)


def test_concurrent_submissions_around_the_deadline(app):
    a = arena(app)
    teams = _teams_with_drafts(app, a, 8)
    deadline = utcnow() + timedelta(seconds=3)
    set_deadline(app, a.need_id, deadline)
    moment = time.time() + (deadline - utcnow()).total_seconds()
    # half aim before the deadline, half just after; all within one second
    offsets = [-0.8, -0.6, -0.3, -0.1, 0.02, 0.05, 0.1, 0.2]
    outcomes: dict[int, str] = {}
    threads = [threading.Thread(target=_submit_at, args=(app, user_id, bid_id,
                                                         moment + offset, outcomes))
               for (user_id, bid_id), offset in zip(teams, offsets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert set(outcomes.values()) <= {"accepted", "late"}, outcomes
    assert [outcomes[bid_id] for _u, bid_id in teams[4:]] == ["late"] * 4, outcomes
    with app.app_context():
        versions = db.session.scalars(select(BidVersion)).all()
        assert all(v.submitted_at < deadline for v in versions)
        accepted = {bid_id for bid_id, result in outcomes.items() if result == "accepted"}
        assert {v.bid_id for v in versions} == accepted
        # well ahead is on time even on a busy machine
        assert accepted >= {bid_id for _u, bid_id in teams[:2]}, outcomes
        # every late team still has its complete draft
        for _user, bid_id in teams[4:]:
            assert db.session.get(Bid, bid_id).draft


def test_two_team_members_submitting_one_draft_at_once_make_one_version(app):
    """Both are told their bid was submitted; the row lock serialises them and the second
    finds the draft already submitted unchanged, so no duplicate version (or number)."""
    a = arena(app)
    bid_id = start(app, a)
    with app.test_request_context():
        operations.save_draft(db.session.get(Bid, bid_id), _pairs(a, a.member_ids))
        db.session.commit()
    outcomes: dict = {}
    moment = time.time() + 0.3
    results = []

    def run(user_id):
        local: dict = {}
        _submit_at(app, user_id, bid_id, moment, local)
        results.append(local[bid_id])

    threads = [threading.Thread(target=run, args=(u,)) for u in (a.team_id, a.teammate_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == ["accepted", "accepted"], outcomes
    with app.app_context():
        numbers = db.session.scalars(select(BidVersion.number).where(
            BidVersion.bid_id == bid_id).order_by(BidVersion.number)).all()
        assert numbers == [1]


def test_two_members_starting_at_once_share_one_bid(app):
    a = arena(app)
    ids: list[int] = []
    barrier = threading.Barrier(2)

    def run(user_id):
        with app.test_request_context():
            need = db.session.get(Challenge, a.need_id)
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                bid = operations.start_bid(need, user)
                db.session.commit()
                ids.append(bid.id)
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                ids.append(repr(exc))

    threads = [threading.Thread(target=run, args=(u,)) for u in (a.team_id, a.teammate_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with app.app_context():
        bids = db.session.scalars(select(Bid.id)).all()
    assert len(bids) == 1
    # the loser either saw the winner's row or hit the unique index; never two bids
    assert bids[0] in ids
