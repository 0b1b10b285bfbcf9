"""A data version, and the public pages and figures cached by it.

Every transaction that changes anything a visitor can see bumps one counter row
(`data_version`) in the same transaction; caches are keyed by that counter, so a commit in
any process invalidates them everywhere. Each process reads the counter at most every
VERSION_TTL seconds (and at once after its own commits), so a publish shows within a second.

Pages for anonymous visitors (the need list, a need, home, the industry map, search) are
kept per process, keyed by the version, the minute (open/closed depends on the clock), the
language, the time zone and the URL. Signed-in users, requests with pending flash messages,
and responses that set a cookie are never cached, so no page shows one person another's
view. Set PAGE_CACHE = False to turn it off (the web benchmark measures both).
"""
from __future__ import annotations

import time
from functools import wraps

from flask import Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import BigInteger, Delete, Integer, Update, event, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db

from .fragments import fragments
from .lru import LRU

VERSION_TTL = 0.5
MAX_PAGES = 2000
MAX_BODY = 512 * 1024
FLAG = "public_data_changed"
# writes that no public page shows (many per request for some): they do not bump the version
PRIVATE_TABLES = frozenset((
    "login_attempts", "notifications", "outbox_emails", "notices_sent", "search_outbox",
    "audit_log", "audit_head", "terms_acceptances", "users", "user_roles",
    "expertise_profiles", "score_sheets", "review_scores", "data_version"))


class DataVersion(db.Model):
    """One row: a number that grows with every change to public data."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def _is_public(obj) -> bool:
    table = getattr(type(obj), "__tablename__", None)
    return table is not None and table not in PRIVATE_TABLES


def _bump(session) -> None:
    if session.info.get(FLAG):
        return
    session.info[FLAG] = True
    connection = session.connection()
    changed = connection.execute(update(DataVersion).where(DataVersion.id == 1).values(
        value=DataVersion.value + 1)).rowcount
    if not changed:
        connection.execute(insert(DataVersion).values(id=1, value=1))


def _after_flush(session, _context) -> None:
    if session.info.get(FLAG):
        return
    for obj in (*session.new, *session.deleted):
        if _is_public(obj):
            return _bump(session)
    for obj in session.dirty:
        if _is_public(obj) and session.is_modified(obj):
            return _bump(session)


def _bulk_statement(state) -> None:
    """UPDATE/DELETE statements run through the session (no objects to see)."""
    statement = state.statement
    if isinstance(statement, (Update, Delete)):
        table = getattr(statement.table, "name", None)
        if table and table not in PRIVATE_TABLES:
            _bump(state.session)


def _after_commit(session) -> None:
    if session.info.pop(FLAG, None):
        _known.clear()            # this process sees its own change at once


def _after_rollback(session, previous) -> None:
    if previous.parent is None:
        session.info.pop(FLAG, None)


_known: dict[str, tuple[int, float]] = {}


def version() -> int:
    """The data version, read from the database at most every VERSION_TTL seconds."""
    cached = _known.get("value")
    now = time.monotonic()
    if cached is not None and now - cached[1] < VERSION_TTL:
        return cached[0]
    value = db.session.scalar(select(DataVersion.value).where(DataVersion.id == 1)) or 0
    _known["value"] = (value, now)
    return value


pages = LRU(MAX_PAGES)


def _cacheable() -> bool:
    return (current_app.config.get("PAGE_CACHE", True) and request.method == "GET"
            and not current_user.is_authenticated and not session.get("_flashes"))


def _key() -> tuple:
    from .timefmt import viewer_zone
    return (version(), int(time.time() // 60), str(get_locale()), viewer_zone().key,
            request.full_path)


def cached_page(view):
    """Serve the view's page to anonymous visitors from the cache when nothing public
    changed (see the module's docstring)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        key = _key()
        hit = pages.get(key)
        if hit is not None:
            body, headers = hit
            return Response(body, status=200, headers=headers)
        response = make_response(view(*args, **kwargs))
        if (response.status_code == 200 and not session.modified
                and "Set-Cookie" not in response.headers and not response.direct_passthrough):
            body = response.get_data()
            if len(body) <= MAX_BODY:
                pages.put(key, (body, list(response.headers.items())))
        return response
    return wrapped


_figures: dict[str, tuple[tuple, object]] = {}


def cached_figures(name: str, compute, per_minute: bool = True):
    """Aggregates (the industry map, counts) recomputed only when the data version (and,
    for figures that depend on the clock, the minute) changed."""
    key = (version(), int(time.time() // 60) if per_minute else 0)
    found = _figures.get(name)
    if found is not None and found[0] == key:
        return found[1]
    value = compute()
    _figures[name] = (key, value)
    return value


def reset() -> None:
    """Forget every cached page, figure and version (tests that empty the tables)."""
    pages.clear()
    _figures.clear()
    fragments.clear()
    _known.clear()


def init_app(app) -> None:
    app.config.setdefault("PAGE_CACHE", True)
    if not app.extensions.get("data_version_hooks"):
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "do_orm_execute", _bulk_statement)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", _after_rollback)
        app.extensions["data_version_hooks"] = True
