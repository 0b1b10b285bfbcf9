"""Per-address limits on the forms anyone can repeat: registration, questions, objections,
uploads (users' defects issue, item 33). On an app of its own, with the limits on and small."""
import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts.models import User
from marketplace.core import migrate
from marketplace.extensions import db


@pytest.fixture
def limited_app(tmp_path):
    app = create_app({
        "TESTING": True, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        "WTF_CSRF_ENABLED": False, "BABEL_DEFAULT_LOCALE": "en",
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        "RATELIMIT_ENABLED": True, "RATE_LIMIT_REGISTER": "2 per hour",
        "RATE_LIMIT_QUESTION": "1 per hour"})
    with app.app_context():
        migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _registration(n: int) -> dict:
    return {"name": f"Person {n}", "email": f"person{n}@example.org",
            "password": "violet harbour 7 kettles", "confirm": "violet harbour 7 kettles",
            "account_type": "solver", "organisation": f"Lab {n}", "organisation_type": "company",
            "country": "SG"}


def test_registration_is_limited_per_address_with_a_translated_page(limited_app):
    client = limited_app.test_client()
    for n in range(2):
        assert client.post("/account/register", data=_registration(n)).status_code == 302
        client.post("/account/logout")
    refused = client.post("/account/register", data=_registration(3))
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    client.set_cookie("lang", "zh")
    assert "请求过于频繁" in client.post("/account/register",
                                      data=_registration(4)).get_data(as_text=True)
    with limited_app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2   # nothing more stored
    # another address is not affected; reading the form is never limited
    other = limited_app.test_client()
    assert other.get("/account/register").status_code == 200
    assert other.post("/account/register", data=_registration(5),
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_questions_are_limited_per_address(limited_app):
    from tests import factories
    from marketplace.accounts.models import Role
    with limited_app.app_context():
        factories.user("asker@example.org", {Role.solver})
        db.session.commit()
    client = limited_app.test_client()
    client.post("/account/login", data={"email": "asker@example.org",
                                        "password": factories.PASSWORD})
    first = client.post("/needs/999/questions", data={"text": "x"})
    assert first.status_code == 404              # counted, then the view ran: no such need
    assert client.post("/needs/999/questions", data={"text": "x"}).status_code == 429
