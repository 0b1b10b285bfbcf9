"""Personal API tokens: created on the settings page and shown once, stored hashed, revoked,
expired; a token that is not good is refused everywhere, even on public endpoints."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.api.models import ApiToken, TokenScope
from marketplace.api.tokens import digest
from marketplace.core.types import utcnow
from marketplace.extensions import db
from tests import factories

from .conftest import bearer, issue_token


def _secret(page: str) -> str:
    return re.search(r'value="(jb_[^"]+)"[^>]*data-token-secret', page).group(1)


def test_a_token_is_created_on_the_settings_page_and_shown_once(app, client, auth, people):
    auth.login("solver@example.com")
    page = client.get("/account/settings").get_data(as_text=True)
    assert 'id="api-tokens"' in page and "data-token-form" in page
    response = client.post("/account/api-tokens", data={"token-name": "Lab database",
                                                         "token-scope": "read",
                                                         "token-lifetime": "90"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    secret = _secret(response.get_data(as_text=True))
    assert secret.startswith("jb_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == digest(secret) and secret not in (token.hint, token.name)
        assert token.scope == TokenScope.read and token.user_id == people.solver_id
        assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
    # the list shows its name and first characters, never the token again
    page = client.get("/account/settings").get_data(as_text=True)
    assert "Lab database" in page and secret[:8] in page and secret not in page
    me = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert me["email"] == "solver@example.com" and me["token_scope"] == "read"
    assert me["roles"] == ["solver"]
    page = client.get("/account/settings").get_data(as_text=True)
    assert "not yet" not in page.split("Lab database", 1)[1].split("</li>", 1)[0]


def test_a_token_needs_a_name(app, client, auth, people):
    auth.login("solver@example.com")
    response = client.post("/account/api-tokens", data={"token-name": "  ", "token-scope": "write",
                                                         "token-lifetime": "never"})
    assert response.status_code == 302
    assert "Name the token" in client.get("/account/settings").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_is_refused(app, client, auth, people):
    with app.app_context():
        secret = issue_token(people.solver_id)
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    auth.login("solver@example.com")
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 302
    for path in ("/api/v1/me", "/api/v1/needs", "/api/v1/taxonomy"):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code == 401, path
        assert response.get_json()["code"] == "invalid_token"
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "Revoked" in client.get("/account/settings").get_data(as_text=True)


def test_nobody_else_revokes_a_token(app, client, auth, people):
    with app.app_context():
        secret = issue_token(people.solver_id)
        token_id = db.session.scalar(select(ApiToken.id))
    auth.login("owner@example.com")
    assert client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_expired_tokens_and_disabled_accounts_are_refused(app, client, people):
    with app.app_context():
        expired = issue_token(people.solver_id, lifetime=timedelta(days=30))
        db.session.scalar(select(ApiToken)).expires_at = utcnow() - timedelta(seconds=1)
        disabled = issue_token(people.owner_id)
        db.session.get(User, people.owner_id).active = False
        db.session.commit()
    for secret in (expired, disabled):
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer jb_not-a-token", "Basic dXNlcjpwYXNz", "Bearer",
                                    "Bearer " + "x" * 5000, "jb_abc"])
def test_a_bad_authorization_header_is_refused(client, header):
    response = client.get("/api/v1/needs", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_use_is_recorded_at_most_once_a_minute(app, client, people):
    with app.app_context():
        secret = issue_token(people.solver_id)
    client.get("/api/v1/me", headers=bearer(secret))
    with app.app_context():
        first = db.session.scalar(select(ApiToken.last_used_at))
    client.get("/api/v1/me", headers=bearer(secret))
    with app.app_context():
        assert first is not None and db.session.scalar(select(ApiToken.last_used_at)) == first


def _csrf(page: str) -> str:
    return _csrf_of(page, "csrf_token")


def _csrf_of(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)


def test_token_forms_need_the_csrf_token_and_token_calls_need_none(app, csrf_client, people):
    login = _csrf(csrf_client.get("/account/login").get_data(as_text=True))
    csrf_client.post("/account/login", data={"email": "owner@example.com",
                                             "password": factories.PASSWORD,
                                             "csrf_token": login})
    assert csrf_client.post("/account/api-tokens", data={
        "token-name": "x", "token-scope": "write", "token-lifetime": "30"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None
    page = csrf_client.get("/account/settings").get_data(as_text=True)
    created = csrf_client.post("/account/api-tokens", data={
        "token-name": "ERP", "token-scope": "write", "token-lifetime": "30",
        "token-csrf_token": _csrf_of(page, "token-csrf_token")})
    secret = _secret(created.get_data(as_text=True))
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert csrf_client.post(f"/account/api-tokens/{token_id}/revoke").status_code == 400
    # a Bearer call is no form: it needs no CSRF token, and the session cookie adds nothing
    response = csrf_client.post("/api/v1/needs", json={"title_zh": "接口草稿"},
                                headers=bearer(secret))
    assert response.status_code == 201
    csrf_client.post("/account/logout", data={"csrf_token": _csrf(page)})
    assert csrf_client.post("/api/v1/needs", json={"title_zh": "x"}).status_code == 401
