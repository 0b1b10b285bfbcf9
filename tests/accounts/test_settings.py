"""Account settings: name, language, time zone (shown next to every deadline), password."""
from datetime import datetime, timezone

import pytest

from marketplace.accounts.models import LoginAttempt, User
from marketplace.challenges.models import NeedStatus
from marketplace.extensions import db

from .. import factories
from ..factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"
# 2026-11-30 04:00 UTC: 12:00 in Beijing, 05:00 in Berlin (CET), 23:00 the day before in New York
DEADLINE = datetime(2031, 11, 30, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def need_id(app, people):
    with app.app_context():
        need = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                              deadline=DEADLINE)
        db.session.commit()
        return need.id


def _user(app, email="solver@example.com") -> User:
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def test_settings_need_a_login(client):
    response = client.get("/account/settings")
    assert response.status_code == 302 and "/account/login" in response.location
    assert client.post("/account/password", data={}).status_code == 302


def test_saving_settings_changes_name_language_and_zone(client, auth, app, people, need_id):
    auth.login("solver@example.com")
    page = client.get("/account/settings").get_data(as_text=True)
    assert "solver@example.com" in page and 'value="Europe/Berlin"' in page
    response = client.post("/account/settings", data={
        "name": "Prof. Anna Weber", "locale": "zh", "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    assert "lang=zh" in response.headers["Set-Cookie"]
    user = _user(app)
    assert (user.name, user.locale, user.timezone) == ("Prof. Anna Weber", "zh",
                                                      "Europe/Berlin")
    detail = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "2031-11-30 12:00 UTC+08:00" in detail        # Beijing time, always
    assert "2031-11-30 05:00 UTC+01:00" in detail        # and the chosen zone
    assert "Prof. Anna Weber" in detail and "技术需求" in detail


def test_profile_zone_wins_over_the_browser_and_empty_follows_the_browser(client, auth, app,
                                                                          people, need_id):
    auth.login("solver@example.com")
    client.set_cookie("tz", "America/New_York")
    client.post("/account/settings", data={"name": "solver", "locale": "en",
                                           "timezone": "Europe/Berlin"})
    detail = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "05:00 UTC+01:00" in detail and "UTC-05:00" not in detail
    client.post("/account/settings", data={"name": "solver", "locale": "en", "timezone": ""})
    assert _user(app).timezone is None
    detail = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "2031-11-29 23:00 UTC-05:00" in detail


@pytest.mark.parametrize("bad", [
    {"name": "", "locale": "en", "timezone": "Europe/Berlin"},
    {"name": "x", "locale": "en", "timezone": "Mars/Olympus_Mons"},
    {"name": "x", "locale": "fr", "timezone": ""},
])
def test_bad_settings_are_refused_and_change_nothing(client, auth, app, people, bad):
    auth.login("solver@example.com")
    response = client.post("/account/settings", data=bad)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    user = _user(app)
    assert (user.name, user.timezone) == ("solver", None)


def test_zones_are_named_in_the_readers_language_common_ones_first(client, auth, people):
    auth.login("solver@example.com")
    client.set_cookie("lang", "zh")
    page = client.get("/account/settings").get_data(as_text=True)
    assert "德国（柏林）时间 · Europe/Berlin" in page
    assert page.index('label="常用时区"') < page.index("Asia/Shanghai") < page.index("Africa/")
    client.set_cookie("lang", "en")
    assert "Germany (Berlin) Time · Europe/Berlin" in client.get(
        "/account/settings").get_data(as_text=True)


def test_bad_zone_is_explained_in_chinese(client, auth, people):
    auth.login("solver@example.com")
    client.set_cookie("lang", "zh")
    page = client.post("/account/settings", data={"name": "x", "locale": "zh",
                                                  "timezone": "Mars/Base"}).get_data(as_text=True)
    assert "请从列表中选择时区" in page


def test_password_change_needs_the_current_password(client, auth, app, people):
    auth.login("solver@example.com")
    response = client.post("/account/password", data={
        "current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "This is not your current password." in response.get_data(as_text=True)
    with app.app_context():
        failures = db.session.scalars(db.select(LoginAttempt).where(
            LoginAttempt.email == "solver@example.com", LoginAttempt.success.is_(False))).all()
        assert len(failures) == 1  # counts towards the same limit as logging in
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": "something else"})
    assert response.status_code == 400
    client.post("/account/logout")
    assert auth.login("solver@example.com").status_code == 302  # still the old password


def test_password_change_takes_effect(client, auth, app, people):
    auth.login("solver@example.com")
    before = _user(app).password_hash
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    after = _user(app).password_hash
    assert after != before and after.startswith("$argon2id$") and NEW_PASSWORD not in after
    client.post("/account/logout")
    assert auth.login("solver@example.com").status_code == 200           # old one: refused
    assert auth.login("solver@example.com", NEW_PASSWORD).status_code == 302


def test_password_change_is_throttled(client, auth, app, people):
    auth.login("solver@example.com")
    before = _user(app).password_hash
    for _attempt in range(app.config["LOGIN_FAILURE_LIMIT"]):
        client.post("/account/password", data={"current": "guess", "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 429
    assert _user(app).password_hash == before      # even the right password changes nothing
    client.post("/account/logout")


# -- the organisation: country picker and edit page -------------------------------------------
def test_register_picks_a_country_by_name_and_refuses_a_non_country(client, app):
    from .test_auth import REGISTRATION
    client.set_cookie("lang", "zh")
    page = client.get("/account/register").get_data(as_text=True)
    assert '<option value="NL">荷兰</option>' in page and '<option value="NE">尼日尔</option>' in page
    assert 'value="EU"' not in page and 'value="ZZ"' not in page
    # the regions of China as a Chinese public body names them, in both languages
    assert '<option value="TW">中国台湾</option>' in page and "中国香港" in page
    bad = client.post("/account/register", data={**REGISTRATION, "country": "Netherlands"})
    assert bad.status_code == 400
    assert client.post("/account/register",
                       data={**REGISTRATION, "country": "NL"}).status_code == 302
    with app.app_context():
        from marketplace.accounts.operations import find_user_by_email
        assert find_user_by_email(REGISTRATION["email"]).organisation.country == "NL"
    client.set_cookie("lang", "en")
    assert "Netherlands" in client.get("/account/settings").get_data(as_text=True)
    from marketplace.accounts.countries import choices, country_name
    assert ("TW", "Taiwan, China") in choices("en") and country_name("HK", "zh_CN") == "中国香港"


def test_members_edit_their_organisation_and_a_new_name_is_verified_again(app, client, auth,
                                                                         people):
    from marketplace.accounts.models import Organisation
    with app.app_context():
        org = db.session.get(User, people.solver_id).organisation
        org.verified, org_id = True, org.id
        db.session.commit()
    auth.login("solver@example.com")
    form = client.get("/account/organisation").get_data(as_text=True)
    assert 'value="Technische Universität Demo"' in form
    assert '<option selected value="DE">' in form or '<option value="DE" selected>' in form
    response = client.post("/account/organisation", data={
        "name": "Technische Universität Demo", "name_en": "TU Demo", "type": "university",
        "country": "NL"})
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert (org.country, org.name_en, org.verified) == ("NL", "TU Demo", False)
    bad = client.post("/account/organisation", data={"name": "", "type": "university",
                                                      "country": "XX"})
    assert bad.status_code == 400
    with app.app_context():
        assert db.session.get(Organisation, org_id).name == "Technische Universität Demo"


def test_a_reviewer_without_a_team_role_cannot_edit_an_organisation(client, auth, people):
    auth.login("reviewer@example.com")
    assert client.get("/account/organisation").status_code == 403
    assert client.post("/account/organisation", data={"name": "x", "type": "other",
                                                      "country": "CN"}).status_code == 403


def test_the_organisation_page_needs_a_login(client):
    response = client.get("/account/organisation")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
