"""Every transition of the need lifecycle, allowed and refused, and its history."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.challenges import operations
from marketplace.challenges.models import NeedStatus, Transition
from marketplace.challenges.operations import TransitionError
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories


@pytest.fixture
def actors(ctx, people):
    return (db.session.get(User, people.owner_id), db.session.get(User, people.admin_id),
            people)


def test_full_happy_path_is_recorded_in_history(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id)
    operations.submit(need, owner)
    operations.publish(need, admin)
    assert need.status == NeedStatus.published and need.published_at is not None
    steps = [(t.from_status, t.to_status, t.actor_id) for t in need.transitions]
    assert steps == [(None, NeedStatus.draft, owner.id),
                     (NeedStatus.draft, NeedStatus.submitted, owner.id),
                     (NeedStatus.submitted, NeedStatus.published, admin.id)]


def test_return_needs_reasons_and_allows_resubmission(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, NeedStatus.submitted)
    with pytest.raises(TransitionError):
        operations.return_to_owner(need, admin, "   ")
    assert need.status == NeedStatus.submitted
    operations.return_to_owner(need, admin, "指标缺少测试方法")
    assert need.status == NeedStatus.returned
    assert need.transitions[-1].reason == "指标缺少测试方法"
    operations.update_draft(need, factories.need_values(title_en="Revised"),
                            factories.indicator_rows())
    operations.submit(need, owner)
    assert need.status == NeedStatus.submitted


@pytest.mark.parametrize("start,step", [
    (NeedStatus.draft, "publish"),
    (NeedStatus.draft, "return"),
    (NeedStatus.submitted, "submit"),
    (NeedStatus.published, "submit"),
    (NeedStatus.published, "publish"),
    (NeedStatus.published, "return"),
    (NeedStatus.returned, "publish"),
])
def test_refused_transitions_change_nothing(actors, start, step):
    owner, admin, people = actors
    need = factories.need(people.owner_id, start, admin_id=people.admin_id)
    before = len(need.transitions)
    action = {"submit": lambda: operations.submit(need, owner),
              "publish": lambda: operations.publish(need, admin),
              "return": lambda: operations.return_to_owner(need, admin, "reason")}[step]
    with pytest.raises(TransitionError):
        action()
    assert need.status == start
    assert len(need.transitions) == before


def test_published_need_cannot_be_edited(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
    with pytest.raises(TransitionError):
        operations.update_draft(need, factories.need_values(title_zh="改"), [])
    assert need.title_zh != "改"


def test_incomplete_need_cannot_be_submitted(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, budget_wan=None, deadline=None)
    with force_locale("en"):
        missing = [str(m) for m in operations.missing_for_submission(need)]
    assert any("budget" in m for m in missing) and any("deadline" in m for m in missing)
    with pytest.raises(TransitionError):
        operations.submit(need, owner)
    assert need.status == NeedStatus.draft


def test_past_deadline_cannot_be_submitted_or_published(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, NeedStatus.submitted)
    need.deadline = utcnow() - timedelta(minutes=1)
    with pytest.raises(TransitionError):
        operations.publish(need, admin)
    draft = factories.need(people.owner_id, deadline=utcnow() - timedelta(seconds=1))
    with pytest.raises(TransitionError):
        operations.submit(draft, owner)


def test_deadline_closes_bidding_even_before_the_sweep(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
    assert need.is_open_for_bids
    need.deadline = utcnow() - timedelta(seconds=1)
    assert need.status == NeedStatus.published  # not yet recorded ...
    assert need.effective_status == NeedStatus.closed  # ... but already enforced
    assert not need.is_open_for_bids


def test_sweep_records_closing_once(actors):
    owner, admin, people = actors
    need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
    open_need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
    need.deadline = utcnow() - timedelta(hours=1)
    db.session.flush()
    assert operations.close_expired() == 1
    assert operations.close_expired() == 0
    db.session.refresh(need)
    assert need.status == NeedStatus.closed
    assert open_need.status == NeedStatus.published
    closing = db.session.scalars(db.select(Transition).where(
        Transition.challenge_id == need.id, Transition.to_status == NeedStatus.closed)).all()
    assert len(closing) == 1 and closing[0].actor_id is None


def test_each_need_gets_a_list_number(actors):
    owner, admin, people = actors
    first = factories.need(people.owner_id)
    second = factories.need(people.owner_id)
    assert first.ref.startswith("JB-") and first.ref != second.ref


def test_a_saved_need_keeps_its_ip_terms_as_the_enum_member(ctx, people):
    """apply_fields trimmed the member as text, so need.ip_terms.value failed until reload."""
    from marketplace.challenges.models import IPTerms
    need = factories.need(people.owner_id, ip_terms="exclusive")
    assert need.ip_terms is IPTerms.exclusive and need.ip_terms.value == "exclusive"
