"""Fixtures for the JSON API tests: personal tokens, a published need, a closed need with bids
and a review panel (built as tests/review builds them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from marketplace.accounts.models import User
from marketplace.api.models import TokenScope
from marketplace.api.tokens import create_token
from marketplace.challenges.models import NeedStatus
from marketplace.extensions import db
from tests import factories
from tests.review import builders


def issue_token(user_id: int, scope: TokenScope = TokenScope.read,
                lifetime: timedelta | None = None) -> str:
    """A token of the user, committed; its secret. Call inside an app context."""
    _token, secret = create_token(db.session.get(User, user_id), "test", scope, lifetime)
    db.session.commit()
    return secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@dataclass
class Tokens:
    admin: str
    owner: str
    owner_write: str
    other_owner_write: str
    solver: str
    solver_write: str
    reviewer: str


@pytest.fixture
def tokens(app, people) -> Tokens:
    with app.app_context():
        return Tokens(admin=issue_token(people.admin_id),
                      owner=issue_token(people.owner_id),
                      owner_write=issue_token(people.owner_id, TokenScope.write),
                      other_owner_write=issue_token(people.other_owner_id, TokenScope.write),
                      solver=issue_token(people.solver_id),
                      solver_write=issue_token(people.solver_id, TokenScope.write),
                      reviewer=issue_token(people.reviewer_id))


@pytest.fixture
def published(app, people) -> str:
    """A published need of the owner (indexed once committed): its reference."""
    with app.test_request_context():
        need = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
        db.session.commit()
        return need.ref


@pytest.fixture
def scene(app, people):
    """A closed need with three submitted bids and six reviewers (tests/review's scenario)."""
    with app.test_request_context():
        result = builders.scenario(people)
        db.session.commit()
        return result


