"""The write path of personal API tokens: create (the secret is returned once), revoke,
look up by the secret a request sends, and note its use. Flush, never commit."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import ApiToken, TokenScope

PREFIX = "jb_"               # 揭榜: tells a secret scanner and a person what the string is
HINT_LENGTH = 8              # "jb_" and five characters of the secret
# a token's use is written at most once a minute (not a database write per request)
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_SECRET_LENGTH = 200


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def create_token(user, name: str, scope: TokenScope,
                 lifetime: timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token of the user, and its secret: shown once, never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip(), scope=scope,
                     token_hash=digest(secret), hint=secret[:HINT_LENGTH],
                     created_at=utcnow(),
                     expires_at=utcnow() + lifetime if lifetime else None)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def user_tokens(user) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return sorted(tokens, key=lambda token: not token.is_live)


def token_for_secret(secret: str) -> ApiToken | None:
    """The token a request presents, whatever its state (the caller checks it)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))


def note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
