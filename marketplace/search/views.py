"""The search page: one box, facets, sorting, highlighted snippets, pagination."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db
from marketplace.taxonomy.queries import chain_choices

from .service import DEADLINE_FACETS, STATUS_FACETS, SearchParams, search_needs

bp = Blueprint("search", __name__)


def _needs_in_order(ids: list[str]) -> dict[str, Challenge]:
    needs = db.session.scalars(select(Challenge).where(
        Challenge.id.in_([int(i) for i in ids]))).unique().all()
    return {str(need.id): need for need in needs}


@bp.route("/search")
def index():
    params = SearchParams.from_args(request.args)
    results = search_needs(params)
    needs = _needs_in_order([hit.id for hit in results.hits])
    rows = [(needs[hit.id], Markup(hit.snippet)) for hit in results.hits if hit.id in needs
            and needs[hit.id].can_view(None)]
    names = {chain.id: (chain, cluster) for chain, cluster in chain_choices()}
    return render_template("search/index.html", params=params, results=results, rows=rows,
                           names=names, status_keys=STATUS_FACETS,
                           deadline_keys=DEADLINE_FACETS)
