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


def request_translations():
    """The catalogue of the current locale, looked up once per request and locale (Flask-
    Babel looks it up on every call: ~200 calls on a list page were most of its time).
    `force_locale` (emails in the recipient's language) sets another locale object, so the
    catalogue follows it."""
    from flask import g
    from flask_babel import get_locale, get_translations
    if not g:
        return get_translations()
    holder = g.__dict__.setdefault("_catalogue", [None, None])
    context = getattr(g, "_flask_babel", None)
    locale = getattr(context, "babel_locale", None) if context is not None else None
    if locale is None or holder[0] is not locale:
        get_locale()                      # selects and remembers the locale
        context = getattr(g, "_flask_babel", None)
        holder[0] = getattr(context, "babel_locale", None)
        holder[1] = get_translations()
    return holder[1]


def install_template_gettext(app) -> None:
    """Jinja's _(), ngettext() and pgettext() through request_translations()."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
