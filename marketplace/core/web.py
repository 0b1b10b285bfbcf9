"""Request lifecycle: one commit per request, security headers, template helpers."""
from __future__ import annotations

from datetime import timezone
from decimal import Decimal

from flask import Flask, abort, flash, g, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from marketplace.extensions import db, login_manager

from .markdown import render_markdown
from .timefmt import format_in_zone, program_zone, viewer_zone

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


# ids are INTEGER columns: 32 bits on PostgreSQL (SQLite would take 64)
MAX_ROW_ID = 2 ** 31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id beyond what the id columns hold is "not found",
    not a database overflow (a 500 on PostgreSQL)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any blueprint is registered (rules bind their converters when added)."""
    app.url_map.converters["int"] = RowIdConverter


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (TRUSTED_PROXIES=N), the client's address, scheme and host
    come from the X-Forwarded-* headers the last N proxies set (Werkzeug's ProxyFix), so the
    login throttle and the per-address limits count each client, not the proxy."""
    value = str(app.config.get("TRUSTED_PROXIES") or "0").strip()
    if not value.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number of proxies, not {value!r}")
    proxies = int(value)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    app.before_request(_refuse_nul_characters)
    app.after_request(_commit_and_secure)
    app.teardown_request(_rollback_on_error)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["amount_wan"] = format_amount_text
    app.jinja_env.filters["budget"] = format_budget
    app.jinja_env.filters["budget_headline"] = format_budget_headline
    app.jinja_env.filters["in_program_zone"] = lambda v: format_in_zone(v, program_zone())
    app.jinja_env.filters["in_viewer_zone"] = lambda v: format_in_zone(v, viewer_zone())
    app.jinja_env.filters["viewer_time"] = viewer_time
    app.jinja_env.tests["program_clock_for_viewer"] = program_clock_for_viewer
    app.context_processor(_template_context)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDataError, _changed_meanwhile)


def _refuse_nul_characters() -> None:
    """A NUL character (\\0) cannot be stored in PostgreSQL text (SQLite would keep it):
    refused alike on both, with a reason, before anything is read or written."""
    sent = [*request.args.lists(), *(request.form.lists() if request.method != "GET" else [])]
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in sent):
        abort(400, _l("What you sent contains a NUL character (\\0), which cannot be stored. "
                      "Remove it (it often comes with text pasted from a binary file) and try "
                      "again."))


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    413: (_l("File too large"), _l("The upload is larger than the allowed size.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The error was logged. Please try again later.")),
}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    # abort(400, _("…")) says what was wrong; werkzeug's own (English) texts are not shown
    told = getattr(error, "description", None)
    if told and told != getattr(type(error), "description", None):
        message = told
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _csrf_error(error):
    return render_template("errors/error.html", code=400, title=_l("The form has expired"),
                           message=_l("For your security, forms expire. Go back, reload the "
                                      "page and submit again.")), 400


def _changed_meanwhile(error):
    """Two requests changed one record at once (a double click, two tabs, two people): the
    first one counted, this one changed nothing. Back to the page it came from, which shows
    the record as it now is."""
    db.session.rollback()
    from .redirects import referrer_path
    flash(_l("This was changed at the same moment by another request (perhaps a double "
             "click). Nothing more was changed; this is its current state."), "info")
    back = referrer_path()
    if back:
        return redirect(back, 303)
    return render_template("errors/error.html", code=409, title=_l("Changed meanwhile"),
                           message=_l("This record was changed by another request at the same "
                                      "moment. Reload the page to see its current state.")), 409


def _commit_and_secure(response):
    if response.status_code < 400 and not g.get("rollback_only"):
        db.session.commit()
    else:
        db.session.rollback()
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CSP)
    # a signed-in page is nobody else's: no shared or back-button cache keeps it
    if getattr(current_user, "is_authenticated", False) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "private, no-store"
    return response


def _rollback_on_error(exc) -> None:
    if exc is not None:
        db.session.rollback()


def viewer_time(value) -> Markup:
    """A time in the viewer's zone, as a <time> element that our script shows in the
    browser's own zone when the server did not know it yet (a visitor's first page)."""
    if value is None:
        return Markup("")
    zone = viewer_zone()
    return Markup('<time datetime="{}" data-viewer-time data-zone="{}">{}</time>').format(
        value.astimezone(timezone.utc).isoformat(timespec="seconds"), zone.key,
        format_in_zone(value, zone))


def program_clock_for_viewer(value) -> bool:
    """Whether the viewer's clock reads as the program's at that moment (Asia/Hong_Kong and
    Asia/Shanghai, or Asia/Shanghai itself): then "Your time" would only repeat the time."""
    if value is None:
        return True
    return value.astimezone(viewer_zone()).utcoffset() == \
        value.astimezone(program_zone()).utcoffset()


def format_money_wan(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def format_amount_text(text) -> str:
    """An amount in 万元 stored as typed ("5000", "3000.50"), shown as every other amount on
    the page (format_budget: "5,000 万元", "CNY 50 million"); text that is not a number is
    shown as it is."""
    try:
        return format_budget(Decimal(str(text).replace(",", "")))
    except (ArithmeticError, ValueError):
        return "" if text is None else str(text)


def format_budget(value: Decimal | None, locale: str | None = None) -> str:
    """A budget held in 万元 as each reader counts money: "5,000 万元" in Chinese,
    "CNY 50 million" in English."""
    if value is None:
        return ""
    locale = locale or str(get_locale() or "zh")
    if locale != "en":   # a no-break space: "435,700 万元" never wraps before its unit
        return f"{format_money_wan(value)}\u00a0万元"
    yuan = Decimal(value) * 10_000
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if yuan >= size:   # exact: 3,000.5 万元 is CNY 30.005 million, never "30 million"
            return f"CNY {_exact(yuan / size)} {word}"
    return f"CNY {_exact(yuan)}"


def format_budget_headline(value: Decimal | None, locale: str | None = None) -> str:
    """A total for a headline, rounded as people say it: "43.57 亿元", "CNY 435.7 million",
    "CNY 4.36 billion" (three significant figures in English)."""
    value = Decimal(value or 0)
    locale = locale or str(get_locale() or "zh")
    if locale != "en":
        if value >= 10_000:
            return f"{(value / 10_000).quantize(Decimal('0.01')).normalize():,f}\u00a0亿元"
        return f"{value.quantize(Decimal('1')):,f}\u00a0万元"
    yuan = Decimal(format(value * 10_000, ".3g"))
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if yuan >= size:
            return f"CNY {_exact(yuan / size)} {word}"
    return f"CNY {_exact(yuan)}"


def _exact(value: Decimal) -> str:
    """With thousands separators and every decimal that is there (none that is not)."""
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _template_context() -> dict:
    locale = str(get_locale() or "zh")
    return {"locale": locale, "current_user": current_user,
            "viewer_zone_name": viewer_zone().key, "program_zone_name": program_zone().key,
            # a zone chosen in the settings: the script leaves the times as they are
            "zone_fixed": bool(getattr(current_user, "timezone", None))}
