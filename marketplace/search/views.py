"""The search page: one box, facets, sorting, highlighted snippets, pagination."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace.challenges.models import Challenge
from marketplace.core.pagecache import cached_page
from marketplace.extensions import db
from marketplace.taxonomy.queries import chain_choices

from .engine import IndexUnavailable
from .service import DEADLINE_FACETS, STATUS_FACETS, SearchParams, search_needs

bp = Blueprint("search", __name__)
# what a list number (榜单编号) looks like: SZ-2025-040, JB-2026-00012, an imported id
_REFERENCE = re.compile(r"[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)+")


def _need_by_reference(text: str) -> Challenge | None:
    """The need whose list number the query is, if the reader may see it."""
    text = text.strip()
    if len(text) > 64 or not _REFERENCE.fullmatch(text) or not re.search(r"\d", text):
        return None
    need = db.session.scalar(select(Challenge).where(Challenge.ref.in_({text, text.upper()})))
    return need if need is not None and need.can_view(current_user) else None


def _needs_in_order(ids: list[str]) -> dict[str, Challenge]:
    needs = db.session.scalars(select(Challenge).where(
        Challenge.id.in_([int(i) for i in ids])).options(
        joinedload(Challenge.organisation))).unique().all()
    return {str(need.id): need for need in needs}


@bp.app_errorhandler(IndexUnavailable)
def index_unavailable(error):
    """The index is missing or unreadable: say so politely (503) and log it for the office."""
    current_app.logger.error("search index unavailable: %s", error)
    return render_template("errors/error.html", code=503, title=_("Search is unavailable"),
                           message=_("The search index is being repaired. Browse the list of "
                                     "needs meanwhile, or try again in a few minutes.")), 503


@bp.route("/search")
@cached_page
def index():
    params = SearchParams.from_args(request.args)
    need = _need_by_reference(params.q) if params.q and params.page == 1 else None
    if need is not None:                # a list number goes straight to its need
        return redirect(url_for("challenges.detail", need_id=need.id))
    results = search_needs(params, locale=str(get_locale()))
    if results.pages and params.page > results.pages:
        abort(404)                      # as the need list does for a page past the end
    needs = _needs_in_order([hit.id for hit in results.hits])
    # the page checks again that each need may be seen (the index holds public needs only)
    rows = [(needs[hit.id], hit, Markup(hit.snippet)) for hit in results.hits
            if hit.id in needs and needs[hit.id].can_view(None)]
    names = {chain.id: (chain, cluster) for chain, cluster in chain_choices()}
    return render_template("search/index.html", params=params, results=results, rows=rows,
                           names=names, status_keys=STATUS_FACETS,
                           deadline_keys=DEADLINE_FACETS)
