"""Resetting a forgotten password: a link by mail (without telling whether an account
exists), valid for one hour and once, the same password rules as registering, every sign-in
ended."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from marketplace.accounts import resets
from marketplace.accounts.models import LoginAttempt, User, UserSession
from marketplace.extensions import db
from marketplace.notifications.models import OutboxEmail

from .. import factories
from ..factories import PASSWORD

NEW_PASSWORD = "tidal copper orchard 58"
BASE = "https://jb.example.cn"
LINK = re.compile(re.escape(BASE) + r"(/account/password/reset/[A-Za-z0-9_.\-]+)")


@pytest.fixture(autouse=True)
def _public_base(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def _mails(app) -> list[OutboxEmail]:
    with app.app_context():
        return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _user(app, email="solver@example.com") -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _ask(client, email: str, **kwargs):
    return client.post("/account/password/forgot", data={"email": email}, **kwargs)


def _link_for(client, app, email="solver@example.com") -> str:
    """Ask for a link the way a user does and read it from the queued mail (its path)."""
    before = len(_mails(app))
    _ask(client, email)
    mails = _mails(app)
    assert len(mails) == before + 1
    return LINK.search(mails[-1].body).group(1)


def _token(app, email="solver@example.com", age_seconds: int = 0) -> str:
    """A token made `age_seconds` ago (itsdangerous signs the time it was made)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        original = TimestampSigner.get_timestamp
        TimestampSigner.get_timestamp = lambda self: int(time.time()) - age_seconds
        try:
            return resets.make_token(user)
        finally:
            TimestampSigner.get_timestamp = original


def _reset(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(path, data={"password": password,
                                   "confirm": password if confirm is None else confirm})


# -- asking for a link ------------------------------------------------------------------------
def test_the_login_page_links_to_the_forgotten_password_form(client):
    page = client.get("/account/login").get_data(as_text=True)
    assert 'href="/account/password/forgot"' in page
    form = client.get("/account/password/forgot")
    assert form.status_code == 200 and 'name="email"' in form.get_data(as_text=True)


def test_an_existing_account_is_sent_a_working_link_and_an_unknown_address_nothing(
        client, app, people):
    known = _ask(client, "Solver@Example.com ")
    page_known = client.get(known.location).get_data(as_text=True)
    unknown = _ask(client, "nobody@example.com")
    page_unknown = client.get(unknown.location).get_data(as_text=True)
    # the same answer: a redirect to the same page, the same message but for the address
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    pages = [page_known, page_unknown]
    assert "If an account exists for solver@example.com, we have sent a link" in pages[0]
    assert pages[0].replace("solver@example.com", "X") == \
        pages[1].replace("nobody@example.com", "X")
    mails = _mails(app)
    assert [m.to_address for m in mails] == ["solver@example.com"]
    assert mails[0].subject == "Reset your password"
    assert "within one hour" in mails[0].body
    path = LINK.search(mails[0].body).group(1)            # on PUBLIC_BASE_URL
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="password"' in page.get_data(as_text=True)
    assert "solver@example.com" in page.get_data(as_text=True)


def test_an_invalid_address_is_explained_and_sends_nothing(client, app, people):
    response = _ask(client, "not an address")
    assert response.status_code == 400
    assert "Enter a valid email address" in response.get_data(as_text=True)
    assert _mails(app) == []


def test_a_deactivated_account_is_sent_nothing(client, app, people):
    with app.app_context():
        db.session.get(User, people.solver_id).active = False
        db.session.commit()
    assert _ask(client, "solver@example.com").status_code == 302
    assert _mails(app) == []


def test_the_mail_is_written_in_the_recipients_language(client, app, people):
    with app.app_context():
        db.session.get(User, people.solver_id).locale = "zh"
        db.session.commit()
    client.set_cookie("lang", "en")                       # whoever asks reads English
    _ask(client, "solver@example.com")
    assert _mails(app)[0].body.startswith("solver，您好：")


def test_the_link_is_on_the_public_address_whatever_host_the_request_names(client, app,
                                                                            people):
    _ask(client, "solver@example.com", headers={"Host": "evil.example"})
    body = _mails(app)[0].body
    assert LINK.search(body) and "evil.example" not in body


# -- using the link ---------------------------------------------------------------------------
def test_the_link_resets_the_password_and_the_old_one_stops_working(client, auth, app,
                                                                    people):
    path = _link_for(client, app)
    before = _user(app).password_hash
    response = _reset(client, path)
    assert response.status_code == 302 and response.location.endswith("/account/login")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your password is changed" in page
    after = _user(app).password_hash
    assert after != before and after.startswith("$argon2id$") and NEW_PASSWORD not in after
    assert auth.login("solver@example.com").status_code == 200          # the old one: refused
    assert auth.login("solver@example.com", NEW_PASSWORD).status_code == 302


def test_the_account_is_told_by_mail_that_its_password_changed(client, app, people):
    path = _link_for(client, app)
    _reset(client, path)
    notice = _mails(app)[-1]
    assert (notice.to_address, notice.subject) == ("solver@example.com",
                                                    "Your password was changed")
    assert BASE + "/account/password/forgot" in notice.body


def test_a_link_works_once(client, app, people):
    path = _link_for(client, app)
    assert _reset(client, path).status_code == 302
    after = _user(app).password_hash
    for response in (client.get(path), _reset(client, path, "another fresh phrase 77")):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This link no longer works" in page
        assert 'href="/account/password/forgot"' in page       # ask for a new one
    assert _user(app).password_hash == after


def test_an_expired_link_is_refused(client, auth, app, people):
    fresh = _token(app, age_seconds=resets.MAX_AGE_SECONDS - 60)
    expired = _token(app, age_seconds=resets.MAX_AGE_SECONDS + 1)
    before = _user(app).password_hash
    response = _reset(client, f"/account/password/reset/{expired}")
    assert response.status_code == 400
    assert "This link no longer works" in response.get_data(as_text=True)
    assert _user(app).password_hash == before
    assert client.get(f"/account/password/reset/{fresh}").status_code == 200  # 59 minutes


@pytest.mark.parametrize("token", ["", "garbage", "WzQsImFiYyJd.awySVg.forged-signature"])
def test_a_forged_or_mangled_link_is_refused(client, app, people, token):
    good = _token(app)
    for bad in (token or good[:-3], good + "x"):
        response = client.get(f"/account/password/reset/{bad}")
        assert response.status_code in (400, 404)


def test_a_link_signed_with_another_key_is_refused(client, app, people, monkeypatch):
    with app.app_context():
        monkeypatch.setattr(app, "secret_key", "someone else's key")
        token = resets.make_token(_user(app))
    monkeypatch.undo()
    assert client.get(f"/account/password/reset/{token}").status_code == 400


def test_a_link_dies_when_the_password_changes_otherwise(client, auth, app, people):
    path = _link_for(client, app)
    auth.login("solver@example.com")
    client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    auth.logout()
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("password, confirm, message", [
    ("password1234", None, "This password is too easy to guess"),
    ("solver@example.com", None, "This password is too easy to guess"),   # own address
    ("short one", None, "Use at least 10 characters."),
    (NEW_PASSWORD, "tidal copper orchard 59", "The passwords do not match."),
])
def test_a_weak_or_mismatched_password_is_refused_and_changes_nothing(
        client, app, people, password, confirm, message):
    other = app.test_client()
    other.post("/account/login", data={"email": "solver@example.com", "password": PASSWORD})
    path = _link_for(client, app)
    before = _user(app).password_hash
    response = _reset(client, path, password, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _user(app).password_hash == before
    assert other.get("/my/bids").status_code == 200          # nobody was signed out
    assert client.get(path).status_code == 200               # the link still works


def test_every_session_of_the_user_ends(app, client, people):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/account/login", data={"email": "solver@example.com",
                                            "password": PASSWORD})
        assert device.get("/my/bids").status_code == 200
    other_user = app.test_client()
    other_user.post("/account/login", data={"email": "owner@example.com", "password": PASSWORD})
    path = _link_for(laptop, app)                  # even the browser that uses the link
    assert _reset(laptop, path).status_code == 302
    for device in (phone, laptop):
        assert device.get("/my/bids").status_code == 302
    assert other_user.get("/my/needs").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id)).where(
            UserSession.user_id == people.solver_id)) == 0


def test_a_reset_opens_an_account_locked_by_wrong_guesses(client, auth, app, people):
    for _attempt in range(app.config["LOGIN_FAILURE_LIMIT"]):
        auth.login("solver@example.com", "a wrong guess")
    path = _link_for(client, app)
    assert _reset(client, path).status_code == 302
    assert auth.login("solver@example.com", NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.success.is_(True))) == 2           # the reset and the login


def test_the_reset_page_is_neither_cached_nor_sent_on_as_a_referrer(client, app, people):
    response = client.get(_link_for(client, app))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


# -- the limiter ------------------------------------------------------------------------------
@pytest.fixture
def limited_app(make_limited_app):
    app = make_limited_app(RATE_LIMIT_PASSWORD_RESET="4 per hour",
                           RATE_LIMIT_PASSWORD_RESET_EMAIL="2 per hour")
    with app.app_context():
        factories.people()
        db.session.commit()
    return app


@pytest.mark.parametrize("email", ["solver@example.com", "nobody@example.com"])
def test_asking_is_limited_per_email_address_alike_for_known_and_unknown(limited_app, email):
    client = limited_app.test_client()
    for n in range(2):          # from two client addresses: the limit is the mailbox's
        assert _ask(client, email, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
                    ).status_code == 302
    refused = _ask(client, email.upper(), environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_data(as_text=True)
    with limited_app.app_context():
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == (
            2 if email.startswith("solver") else 0)
    assert client.get("/account/password/forgot").status_code == 200     # reading: never


def test_asking_is_limited_per_client_address(limited_app):
    client = limited_app.test_client()
    for n in range(4):
        assert _ask(client, f"person{n}@example.org").status_code == 302
    assert _ask(client, "person9@example.org").status_code == 429
    assert _ask(client, "person9@example.org",
                environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_the_office_sees_that_a_reset_mail_went_out_but_never_its_link(app, client, auth):
    """The outbox showed counts only; it must never show a reset link to an administrator."""
    with app.app_context():
        factories.people()
        db.session.commit()
    client.post("/account/password/forgot", data={"email": "solver@example.com"})
    with app.app_context():
        body = db.session.scalar(select(OutboxEmail.body).where(
            OutboxEmail.to_address == "solver@example.com"))
        link = re.search(r"/account/password/reset/\S+", body).group(0)
    auth.login("admin@example.com")
    page = client.get("/admin/outbox").get_data(as_text=True)
    recent = page.split("data-outbox-recent")[1].split("</table>")[0]
    assert "solver@example.com" in recent and link not in page
