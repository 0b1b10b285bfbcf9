"""Server-side sign-ins: a session cookie is only as good as its row in ``user_sessions``.

Signing in creates a row and puts "<user id>:<token>" in the (signed) session cookie;
every request loads the user through that row. Logging out deletes it; a password change
deletes every other sign-in of the user; an administrator's change of roles or deactivation
deletes them all. A replayed cookie then finds no row and is anonymous.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select

from marketplace.core import periodic
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import User, UserSession


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _max_age() -> timedelta:
    return timedelta(days=current_app.config.get("SESSION_MAX_AGE_DAYS", 30))


def start(user: User) -> None:
    """A new sign-in for this user; call before ``login_user(user)``."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    db.session.flush()
    user.session_token = token


def load(cookie_id: str) -> User | None:
    """The user of a live sign-in, or None (unknown, ended or expired)."""
    user_id, _sep, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id).where(
            User.id == int(user_id), UserSession.token_hash == _digest(token),
            UserSession.created_at >= utcnow() - _max_age()))
    if user is not None:
        user.session_token = token
    return user


def end(user: User) -> None:
    """This sign-in only (logging out)."""
    if user.session_token:
        db.session.execute(delete(UserSession).where(
            UserSession.token_hash == _digest(user.session_token)))


def end_all(user: User, *, keep_current: bool = False) -> int:
    """Every sign-in of the user, or every other one; how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_current and user.session_token:
        query = query.where(UserSession.token_hash != _digest(user.session_token))
    return db.session.execute(query).rowcount or 0


def purge_expired() -> int:
    """Periodic: forget sign-ins older than the maximum age."""
    return db.session.execute(delete(UserSession).where(
        UserSession.created_at < utcnow() - _max_age())).rowcount or 0


def init_app(app: Flask) -> None:
    periodic.register(app, "purge-sessions", purge_expired)
