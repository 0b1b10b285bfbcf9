"""Every form is protected: a POST without a valid token is refused and changes nothing."""
import re

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.extensions import db

from . import factories


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_without_token_is_refused(csrf_client, people):
    response = csrf_client.post("/account/login", data={"email": "owner@example.com",
                                                        "password": factories.PASSWORD})
    assert response.status_code == 400
    with csrf_client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_with_token_works(csrf_client, people):
    token = token_from(csrf_client.get("/account/login").get_data(as_text=True))
    response = csrf_client.post("/account/login", data={
        "email": "owner@example.com", "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_registration_without_token_creates_nothing(csrf_client, app):
    csrf_client.post("/account/register", data={
        "name": "x", "email": "x@example.com", "password": "long password",
        "confirm": "long password", "account_type": "owner", "organisation": "X",
        "organisation_type": "enterprise", "country": "CN"})
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_state_changing_posts_need_the_token(csrf_client, people, app):
    with app.app_context():
        submitted = factories.need(people.owner_id, NeedStatus.submitted).id
        draft = factories.need(people.owner_id).id
        db.session.commit()
    token = token_from(csrf_client.get("/account/login").get_data(as_text=True))
    csrf_client.post("/account/login", data={"email": "admin@example.com",
                                             "password": factories.PASSWORD, "csrf_token": token})
    for url, data in [(f"/admin/needs/{submitted}/publish", {}),
                      (f"/admin/needs/{submitted}/return", {"reason": "x"}),
                      ("/admin/taxonomy/import", {}),
                      ("/account/logout", {})]:
        assert csrf_client.post(url, data=data).status_code == 400, url
    csrf_client.post("/account/logout", data={"csrf_token": token})
    token = token_from(csrf_client.get("/account/login").get_data(as_text=True))
    csrf_client.post("/account/login", data={"email": "owner@example.com",
                                             "password": factories.PASSWORD, "csrf_token": token})
    assert csrf_client.post(f"/needs/{draft}/edit", data={"title_zh": "改掉",
                                                         "action": "submit"}).status_code == 400
    with app.app_context():
        assert db.session.get(Challenge, submitted).status == NeedStatus.submitted
        assert db.session.get(Challenge, draft).title_zh != "改掉"


def test_account_settings_and_password_need_the_token(csrf_client, people, app):
    token = token_from(csrf_client.get("/account/login").get_data(as_text=True))
    csrf_client.post("/account/login", data={"email": "solver@example.com",
                                             "password": factories.PASSWORD, "csrf_token": token})
    with app.app_context():
        before = db.session.get(User, people.solver_id).password_hash
    assert csrf_client.post("/account/settings", data={
        "name": "Changed", "locale": "en", "timezone": "Europe/Berlin"}).status_code == 400
    assert csrf_client.post("/account/password", data={
        "current": factories.PASSWORD, "password": "another long one",
        "confirm": "another long one"}).status_code == 400
    with app.app_context():
        user = db.session.get(User, people.solver_id)
        assert (user.name, user.timezone, user.password_hash) == ("solver", None, before)
    page = csrf_client.get("/account/settings").get_data(as_text=True)
    assert page.count('name="csrf_token"') == 3  # both forms and the log-out button


def test_password_reset_forms_need_the_token(csrf_client, people, app):
    from marketplace.accounts import resets
    from marketplace.notifications.models import OutboxEmail
    assert 'href="/account/password/forgot"' in csrf_client.get(
        "/account/login").get_data(as_text=True)
    page = csrf_client.get("/account/password/forgot").get_data(as_text=True)
    assert csrf_client.post("/account/password/forgot",
                            data={"email": "solver@example.com"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
    assert csrf_client.post("/account/password/forgot", data={
        "email": "solver@example.com", "csrf_token": token_from(page)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1
        user = db.session.get(User, people.solver_id)
        before = user.password_hash
        reset_path = f"/account/password/reset/{resets.make_token(user)}"
    page = csrf_client.get(reset_path).get_data(as_text=True)
    assert csrf_client.post(reset_path, data={"password": "tidal copper orchard 58",
                                              "confirm": "tidal copper orchard 58"}
                            ).status_code == 400
    with app.app_context():
        assert db.session.get(User, people.solver_id).password_hash == before
    assert csrf_client.post(reset_path, data={
        "password": "tidal copper orchard 58", "confirm": "tidal copper orchard 58",
        "csrf_token": token_from(page)}).status_code == 302
    with app.app_context():
        assert db.session.get(User, people.solver_id).password_hash != before
