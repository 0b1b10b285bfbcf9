"""Per-address limits on the forms anyone can repeat: registration, questions, objections,
uploads (users' defects issue, item 33). On an app of its own, with the limits on and small."""
import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db


@pytest.fixture
def limited_app(make_limited_app):
    return make_limited_app(RATE_LIMIT_REGISTER="2 per hour", RATE_LIMIT_QUESTION="1 per hour")


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


def _via_proxy(client, url, data, client_address):
    """A request as the proxy (10.0.0.1) forwards it for `client_address`."""
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": "10.0.0.1"},
                       headers={"X-Forwarded-For": client_address,
                                "X-Forwarded-Proto": "https"})


@pytest.mark.parametrize("trusted", [0, 1])
def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(make_limited_app, trusted):
    """Issue 12: behind a proxy every request came from the proxy's address, so one client's
    wrong passwords locked everybody out. TRUSTED_PROXIES=1 reads the client's address
    from X-Forwarded-For; without it the header is ignored (nobody can claim an address)."""
    from tests import factories
    from marketplace.accounts.models import Role
    app = make_limited_app(LOGIN_IP_FAILURE_LIMIT=3, RATE_LIMIT_REGISTER="1 per hour",
                           TRUSTED_PROXIES=str(trusted))
    with app.app_context():
        factories.user("someone@example.org", {Role.solver})
        db.session.commit()
    client = app.test_client()
    for n in range(3):                        # an attacker at 203.0.113.7 guesses
        _via_proxy(client, "/account/login", {"email": f"v{n}@example.org",
                                              "password": "guess guess"}, "203.0.113.7")
    assert _via_proxy(client, "/account/login", {"email": "v9@example.org",
                                                 "password": "guess guess"},
                      "203.0.113.7").status_code == 429
    honest = _via_proxy(client, "/account/login", {"email": "someone@example.org",
                                                   "password": factories.PASSWORD},
                        "198.51.100.9")
    # trusted: another client signs in; untrusted: the proxy's address is locked for all
    assert honest.status_code == (302 if trusted else 429)
    if trusted:            # the scheme the proxy saw makes links and cookies https
        assert honest.headers["Location"].startswith(("/", "https://"))
    # the per-address form limits count the client too
    other = app.test_client()
    first = _via_proxy(other, "/account/register", _registration(1), "192.0.2.1")
    second = _via_proxy(other, "/account/register", _registration(2), "192.0.2.2")
    assert first.status_code == 302
    assert second.status_code == (302 if trusted else 429)
    with app.app_context():
        db.engine.dispose()


def test_a_wrong_trusted_proxies_value_stops_the_start(make_limited_app):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        make_limited_app(TRUSTED_PROXIES="yes")
