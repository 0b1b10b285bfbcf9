"""Locale and time zone selection: explicit choice (cookie or profile), then the browser."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from .timefmt import is_valid_zone

LOCALES = ("zh", "en")
LANG_COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def select_locale() -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    user_locale = getattr(current_user, "locale", None)
    if user_locale in LOCALES:
        return user_locale
    # 简体中文 is the program's language (BABEL_DEFAULT_LOCALE); English is one click away
    # and then remembered.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str | None:
    name = getattr(current_user, "timezone", None)
    return name if is_valid_zone(name) else None


def remember_locale(response, code: str):
    """Keep the chosen language in a cookie for a year (the profile keeps it too)."""
    response.set_cookie(LANG_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response
