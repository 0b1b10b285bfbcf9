"""Resetting a forgotten password by a link sent to the account's address.

The link carries a token signed with the app's SECRET_KEY (itsdangerous), valid for one hour
(MAX_AGE_SECONDS; the pages and the mail say "one hour"). Nothing is stored: the token names
the user and a fingerprint of the password hash and address, so it stops working as soon as
the password changes, by this link (it works once) or any other way. The fingerprint is an
HMAC, so the token shows nothing of the hash (its payload is signed, not encrypted).

Asking for a link never tells whether an account exists: the form answers the same, and only
an existing active account is sent the mail (by the notifications' receiver of
`events.password_reset_requested`).
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from marketplace.extensions import db

from . import events
from .models import LoginAttempt, User
from .operations import find_user_by_email, hash_password
from .sessions import end_all

SALT = "password-reset"
MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password hash or the address changes."""
    key = f"{current_app.secret_key}:{SALT}".encode()
    message = f"{user.id}:{user.email}:{user.password_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for_token(token: str) -> User | None:
    """The active user the token was made for, or None: forged, expired, already used, or
    the password (or address) changed since."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except (BadSignature, TypeError, ValueError):     # SignatureExpired is a BadSignature
        return None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(fingerprint, _fingerprint(user)):
        return None
    return user


def request_reset(email: str) -> None:
    """Send a reset link to the account with this address, if there is an active one; the
    caller answers the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    db.session.flush()
    events.password_reset_requested.send(user, token=make_token(user))


def reset_password(user: User, password: str, ip: str) -> None:
    """Set the new password (hashed) and end every sign-in of the user. Having the mailbox
    counts as a successful login for the account's failure count, so an account locked by
    someone else's guessing opens with the new password at once (the address's count
    stays)."""
    user.password_hash = hash_password(password)
    end_all(user)
    db.session.add(LoginAttempt(email=user.email, ip=ip, success=True))
    db.session.flush()
    events.password_reset_done.send(user)
