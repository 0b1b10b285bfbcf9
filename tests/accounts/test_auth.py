from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import LoginAttempt, Organisation, Role, User
from marketplace.accounts.operations import authenticate, find_user_by_email
from marketplace.core.types import utcnow
from marketplace.extensions import db

from ..factories import PASSWORD

REGISTRATION = {
    "name": "Dr. Anna Weber", "email": "Anna.Weber@Example.org", "password": "a long password",
    "confirm": "a long password", "account_type": "solver", "organisation": "TU Demo",
    "organisation_en": "TU Demo", "organisation_type": "university", "country": "DE",
}


def test_register_creates_user_and_unverified_organisation(client, app):
    response = client.post("/account/register", data=REGISTRATION)
    assert response.status_code == 302
    with app.app_context():
        user = find_user_by_email("anna.weber@example.org")
        assert user is not None and user.roles == {Role.solver}
        assert user.password_hash.startswith("$argon2id$")
        assert "a long password" not in user.password_hash
        assert user.organisation.country == "DE" and user.organisation.verified is False
    # registered users are logged in
    assert "Dr. Anna Weber".encode() in client.get("/").data


def test_register_cannot_grant_itself_admin(client, app):
    response = client.post("/account/register", data={**REGISTRATION, "account_type": "admin"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_register_bad_input_changes_nothing(client, app):
    bad = {**REGISTRATION, "confirm": "different password", "country": "Germany"}
    response = client.post("/account/register", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The passwords do not match." in page or "两次输入的密码不一致" in page
    assert 'value="Dr. Anna Weber"' in page  # what was typed comes back
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_register_refuses_duplicate_email(client, people, app):
    response = client.post("/account/register", data={**REGISTRATION,
                                                       "email": "SOLVER@example.com"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(
            User.email == "solver@example.com")) == 1


def test_login_and_logout(client, auth, people):
    response = auth.login("solver@example.com")
    assert response.status_code == 302
    assert b"solver" in client.get("/").data
    with client.session_transaction() as session:
        assert session.get("_user_id").partition(":")[0] == str(people.solver_id)
    auth.logout()
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_wrong_password_is_refused(client, auth, people):
    response = auth.login("solver@example.com", "wrong password")
    assert response.status_code == 200
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_repeated_failures_throttle_even_the_right_password(client, auth, people, app):
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
        auth.login("solver@example.com", "wrong password")
    response = auth.login("solver@example.com", PASSWORD)
    assert response.status_code == 429
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # other accounts from elsewhere are unaffected
    assert auth.login("owner@example.com").status_code == 302


def test_throttle_expires_after_the_window(client, auth, people, app):
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
        auth.login("solver@example.com", "wrong password")
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.at = utcnow() - timedelta(seconds=app.config[
                "LOGIN_FAILURE_WINDOW_SECONDS"] + 1)
        db.session.commit()
    assert auth.login("solver@example.com").status_code == 302


def test_login_redirect_stays_on_this_site(client, people):
    response = client.post("/account/login?next=https://evil.example/x",
                           data={"email": "solver@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/my/bids"      # the team's own page, not evil


def test_logout_requires_post(client, auth, people):
    auth.login("solver@example.com")
    assert client.get("/account/logout").status_code == 405


def test_create_admin_command(runner, app):
    result = runner.invoke(args=["users", "create-admin", "--email", "chief@bureau.example",
                                 "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert find_user_by_email("chief@bureau.example").is_admin


def test_create_admin_refuses_short_password(runner, app):
    result = runner.invoke(args=["users", "create-admin", "--email", "chief@bureau.example",
                                 "--password", "short"])
    assert result.exit_code != 0
    with app.app_context():
        assert find_user_by_email("chief@bureau.example") is None


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b", "two@at@example.org"])
def test_create_admin_refuses_what_is_not_an_email(runner, app, email):
    result = runner.invoke(args=["users", "create-admin", "--email", email,
                                 "--password", "long enough password"])
    assert result.exit_code == 2 and "is not an email address" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin_for_an_existing_user_says_the_password_is_unchanged(runner, app, people):
    result = runner.invoke(args=["users", "create-admin", "--email", "solver@example.com",
                                 "--password", "another long password"])
    assert result.exit_code == 0 and "password was not changed" in result.output
    with app.app_context():
        assert find_user_by_email("solver@example.com").is_admin
        assert authenticate("solver@example.com", PASSWORD, "127.0.0.1") is not None


def test_production_hashing_uses_argon2id_defaults(app, monkeypatch):
    from marketplace.accounts.operations import hash_password
    monkeypatch.setitem(app.config, "ARGON2_PARAMS", None)
    with app.app_context():
        hashed = hash_password("a long password")
    assert hashed.startswith("$argon2id$") and "m=65536,t=3" in hashed


def test_a_bad_email_is_explained_in_our_words_in_both_languages(client, app):
    bad = {**REGISTRATION, "email": "anna.weber"}
    page = client.post("/account/register", data=bad).get_data(as_text=True)
    assert "Enter a valid email address, e.g. name@example.com." in page
    client.set_cookie("lang", "zh")
    page = client.post("/account/register", data=bad).get_data(as_text=True)
    assert "请输入有效的邮箱地址" in page and "无效的 Email" not in page


@pytest.mark.parametrize("email, landing", [
    ("admin@example.com", "/admin/"), ("reviewer@example.com", "/review/"),
    ("owner@example.com", "/my/needs"), ("solver@example.com", "/my/bids")])
def test_signing_in_lands_on_the_users_own_work(client, people, email, landing):
    response = client.post("/account/login", data={"email": email,
                                                   "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == landing
    client.post("/account/logout")
    asked = client.post("/account/login?next=/needs/", data={"email": email,
                                                             "password": PASSWORD})
    assert asked.headers["Location"] == "/needs/"          # a page asked for still wins


def test_registering_one_address_twice_at_once_gives_one_account_and_no_error(
        client, app, monkeypatch):
    """Two requests pass the form's "no such account yet" check at the same moment: the
    second is told the address has an account (400), never a 500."""
    from marketplace.accounts.forms import RegisterForm
    form = {"email": "twice@example.com", "name": "Twice", "password": "correct horse 1998 !x",
            "confirm": "correct horse 1998 !x", "organisation": "双击大学",
            "organisation_type": "university", "country": "CN", "account_type": "solver"}
    assert client.post("/account/register", data=form).status_code == 302
    client.post("/account/logout")
    monkeypatch.setattr(RegisterForm, "validate_email", lambda self, field: None)  # the race
    again = client.post("/account/register", data=form)
    assert again.status_code == 400
    assert "already exists" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(
            User.email == "twice@example.com")) == 1


def test_a_language_chosen_before_signing_in_is_kept_for_notices_and_mail(client, app,
                                                                          people):
    client.get("/lang/en")                                   # chosen as a visitor
    client.post("/account/login", data={"email": "solver@example.com", "password": PASSWORD})
    with app.app_context():
        assert find_user_by_email("solver@example.com").locale == "en"
