"""Fixtures for the review tests: a closed need with three bids and six reviewers."""
from __future__ import annotations

import pytest

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.review import operations
from marketplace.review.models import ReviewRound

from . import builders


@pytest.fixture
def scene(app, people):
    with app.app_context():
        result = builders.scenario(people)
        db.session.commit()
        return result


def get_user(user_id: int) -> User:
    return db.session.get(User, user_id)


def open_with_panel(scene, panel: int = 5, blind: bool = True, start: bool = True) -> ReviewRound:
    """Open review, pass every bid, assign `panel` reviewers and (optionally) start scoring."""
    from marketplace.challenges.models import Challenge
    admin = get_user(scene.admin_id)
    need = db.session.get(Challenge, scene.need_id)
    review = operations.open_review(need, admin, blind=blind)
    for entry in review.entries:
        operations.formal_check(entry, admin, True, None)
    for reviewer_id in scene.reviewer_ids[:panel]:
        operations.assign(review, get_user(reviewer_id), admin)
    if start:
        operations.start_scoring(review, admin)
    return review
