"""Who is calling: the personal API token in `Authorization: Bearer …`, never the session
cookie. A browser's sign-in therefore authorises nothing here (and the API needs no CSRF
token: a cross-site form cannot send the header).

`caller()` is the token's user, or None for an anonymous call; `require(scope)` refuses a
call without a token (401) or with a read token where writing is asked (403).
"""
from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext as _l

from .errors import ApiAbort
from .models import ApiToken, TokenScope
from .tokens import note_use, token_for_secret

INVALID_TOKEN = _l("This API token is not valid: it is unknown, revoked or expired, or its "
                   "account is disabled. Create a new one in your account settings.")


def _invalid() -> ApiAbort:
    return ApiAbort(401, "invalid_token", INVALID_TOKEN,
                    headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})


def load_token() -> None:
    """Before every API request: a token that is sent must be good, on every endpoint."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _invalid()
    token = token_for_secret(secret.strip())
    if token is None or not token.authenticates():
        raise _invalid()
    note_use(token)
    g.api_token = token


def current_token() -> ApiToken | None:
    return g.get("api_token")


def caller():
    """The user the token acts for; None when the call is anonymous."""
    token = current_token()
    return token.user if token is not None else None


def require(scope: TokenScope = TokenScope.read):
    """The token's user, for endpoints that need a token of `scope`."""
    token = current_token()
    if token is None:
        raise ApiAbort(401, "token_required")
    if not token.allows(scope):
        raise ApiAbort(403, "insufficient_scope", _l(
            "This API token may only read. Create a token with the “read and write” scope "
            "to change data."), headers={
                "WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope"'})
    return token.user
