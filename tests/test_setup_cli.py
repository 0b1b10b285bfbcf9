"""`flask --app wsgi setup [--demo]`: idempotent, loads the demo data into an empty database."""
from collections import Counter

from sqlalchemy import func, select

from marketplace.accounts.models import Role, User
from marketplace.accounts.operations import authenticate
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.demo.loader import DEMO_PASSWORD
from marketplace.extensions import db


def test_setup_demo_loads_a_realistic_data_set_once(runner, app):
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example" in result.output and DEMO_PASSWORD in result.output
    with app.test_request_context():
        needs = db.session.scalars(select(Challenge)).all()
        assert len(needs) >= 40
        statuses = Counter(need.effective_status for need in needs)
        assert statuses[NeedStatus.published] >= 30
        assert statuses[NeedStatus.closed] >= 1 and statuses[NeedStatus.submitted] >= 1
        assert all(need.title_zh and need.title_en for need in needs)
        published = [n for n in needs if n.status == NeedStatus.published]
        assert all(len(n.indicators) >= 2 and n.budget_wan and n.deadline for n in published)
        users = db.session.scalars(select(User)).all()
        assert {role for user in users for role in user.roles} == set(Role)
        assert authenticate("owner@demo.example", DEMO_PASSWORD, "127.0.0.1") is not None
        count = len(needs)

    again = runner.invoke(args=["setup", "--demo"])
    assert again.exit_code == 0, again.output
    assert "not loaded" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Challenge.id))) == count


def test_setup_without_demo_leaves_the_database_empty(runner, app):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Challenge.id))) == 0
