"""The write path for accounts: register, authenticate (throttled), grant roles."""
from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from zxcvbn import zxcvbn
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from marketplace.core.types import utcnow
from marketplace.extensions import db

from . import events
from .models import LoginAttempt, Organisation, OrgType, Role, User
from .sessions import end_all

_DUMMY_PASSWORD = "not-a-real-password"


@lru_cache(maxsize=4)
def _hasher_for(params: tuple) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(**dict(params))
    # Verifying against a dummy hash keeps "no such user" as slow as "wrong password".
    return hasher, hasher.hash(_DUMMY_PASSWORD)


def _hasher() -> tuple[PasswordHasher, str]:
    """Argon2id with the library's defaults; tests may lower the cost (ARGON2_PARAMS)."""
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return _hasher_for(tuple(sorted(params.items())))


class Throttled(Exception):
    """Too many failed logins for this account or address; try again later."""


def hash_password(password: str) -> str:
    return _hasher()[0].hash(password)


def verify_password(user: User | None, password: str) -> bool:
    hasher, dummy_hash = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


# zxcvbn's scale: 0 too guessable … 4 very unguessable; 3 is "safely unguessable"
# (about 10^8 guesses or more) for an online attack, which the login throttle bounds
MIN_PASSWORD_SCORE = 3


def password_weakness(password: str, own_words: list[str]) -> bool:
    """True when the password is easy to guess, also given the user's own words (name,
    email and its parts, organisation)."""
    words: list[str] = []
    for text in own_words:
        words.append(text)
        words.extend(part for part in text.replace("@", " ").replace(".", " ").split()
                     if len(part) >= 3)
    # zxcvbn reads at most 72 characters; anything past them only adds strength
    return zxcvbn(password[:72], user_inputs=words)["score"] < MIN_PASSWORD_SCORE


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_organisation(name: str, org_type: OrgType, country: str, *,
                        name_en: str | None = None, verified: bool = False) -> Organisation:
    org = Organisation(name=name.strip(), name_en=(name_en or "").strip() or None,
                       type=org_type, country=country.upper(), verified=verified)
    db.session.add(org)
    db.session.flush()
    return org


def update_organisation(org: Organisation, *, name: str, name_en: str | None,
                        org_type: OrgType, country: str) -> set[str]:
    """Change an organisation's details; which fields changed. A change of name or country
    takes a verified organisation back to unverified (the program office verifies again)."""
    values = {"name": name.strip(), "name_en": (name_en or "").strip() or None,
              "type": org_type, "country": country.upper()}
    changed = {key for key, value in values.items() if getattr(org, key) != value}
    for key in changed:
        setattr(org, key, values[key])
    if changed & {"name", "name_en", "country"}:
        org.verified = False
    db.session.flush()
    return changed


def set_verified(org: Organisation, verified: bool, actor) -> None:
    """The program office verifies an organisation, or takes the verification back."""
    if org.verified == verified:
        return
    org.verified = verified
    db.session.flush()
    events.organisation_verified.send(org, actor=actor, verified=verified)


def create_user(email: str, name: str, password: str, roles: set[Role], *,
                organisation: Organisation | None = None, locale: str | None = None) -> User:
    user = User(email=normalise_email(email), name=name.strip(),
                password_hash=hash_password(password), organisation=organisation,
                locale=locale)
    for role in sorted(roles, key=lambda r: r.value):
        user.grant(role)
    db.session.add(user)
    db.session.flush()
    return user


def _recent_failures(column, value, *, reset_by_success: bool) -> int:
    """Failed attempts in the window. For an account, its owner's successful login starts
    the count again; for an address it never does (an attacker with an account of their own
    would otherwise reset the count between guesses at other people's accounts)."""
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    query = select(func.count(LoginAttempt.id)).where(
        column == value, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    if reset_by_success:
        last_success = select(func.max(LoginAttempt.at)).where(
            column == value, LoginAttempt.success.is_(True)).scalar_subquery()
        query = query.where((LoginAttempt.at > last_success) | last_success.is_(None))
    return db.session.scalar(query) or 0


def authenticate(email: str, password: str, ip: str) -> User | None:
    """The user for these credentials, None if wrong; raises Throttled when locked out.

    Attempts are recorded in the database so the limit holds across all workers.
    """
    email = normalise_email(email)
    config = current_app.config
    if (_recent_failures(LoginAttempt.email, email, reset_by_success=True)
            >= config["LOGIN_FAILURE_LIMIT"]
            or _recent_failures(LoginAttempt.ip, ip, reset_by_success=False)
            >= config["LOGIN_IP_FAILURE_LIMIT"]):
        raise Throttled()
    user = find_user_by_email(email)
    ok = verify_password(user, password) and user is not None and user.is_active
    db.session.add(LoginAttempt(email=email, ip=ip, success=ok))
    db.session.flush()
    return user if ok else None


def set_user_roles(user: User, roles: set[Role], actor=None) -> None:
    """Give the user exactly these roles (one user may hold several). Losing a role ends
    every sign-in of the user, so that no open session keeps what was taken away."""
    granted, revoked = roles - user.roles, user.roles - roles
    if revoked:
        end_all(user)
    for row in list(user.role_rows):
        if row.role not in roles:
            user.role_rows.remove(row)
    for role in sorted(granted, key=lambda r: r.value):
        user.grant(role)
    db.session.flush()
    if granted or revoked:
        events.roles_changed.send(user, actor=actor, granted=granted, revoked=revoked)
