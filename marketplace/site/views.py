"""Home page, language switch and time zone cookie."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.challenges.models import Challenge
from marketplace.challenges.queries import NeedFilters, public_needs_query
from marketplace.extensions import db

from marketplace.core.i18n import LOCALES, remember_locale
from marketplace.core.pagecache import cached_figures, cached_page
from marketplace.core.redirects import referrer_path, safe_target

bp = Blueprint("site", __name__)


@bp.route("/")
@cached_page
def home():
    open_needs = public_needs_query(NeedFilters(status="open", sort="newest"))
    latest = db.session.scalars(open_needs.limit(6)).all()
    totals = cached_figures("home:open", lambda: tuple(db.session.execute(
        open_needs.order_by(None).with_only_columns(
            func.count(Challenge.id), func.coalesce(func.sum(Challenge.budget_wan), 0))).one()))
    return render_template("home.html", latest=latest, open_count=totals[0],
                           open_budget=totals[1])


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Switch the language and remember it (cookie, and the profile when signed in)."""
    if code not in LOCALES:
        code = "zh"
    target = safe_target(request.args.get("next") or referrer_path())
    if current_user.is_authenticated:
        current_user.locale = code
    return remember_locale(redirect(target), code)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
