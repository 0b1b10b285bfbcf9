"""The public industry map (产业图谱) and the admin's view of the taxonomy."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, g, render_template
from flask_babel import get_locale
from sqlalchemy import select

from marketplace.accounts.permissions import admin_required
from marketplace.extensions import db

from .models import TaxonomyVersion
from .queries import (ChainFigures, active_version, chain_choices, clusters_with_chains,
                      industry_map_figures, need_chains)

bp = Blueprint("taxonomy", __name__)


def industry_map() -> list[dict]:
    """Clusters → chains with open needs and budget, plus the cluster totals."""
    figures = industry_map_figures()
    result = []
    for cluster in clusters_with_chains():
        chains = [(chain, figures.get(chain.id, ChainFigures())) for chain in cluster.chains]
        result.append({"cluster": cluster, "chains": chains,
                       "open_needs": sum(f.open_needs for _c, f in chains),
                       "budget_wan": sum((f.budget_wan for _c, f in chains), Decimal(0))})
    return result


@bp.route("/industry-map")
def map_page():
    clusters = industry_map()
    return render_template("taxonomy/map.html", clusters=clusters,
                           total_needs=sum(c["open_needs"] for c in clusters),
                           total_budget=sum((c["budget_wan"] for c in clusters), Decimal(0)))


@bp.route("/admin/taxonomy")
@admin_required
def admin_taxonomy():
    versions = db.session.scalars(select(TaxonomyVersion).order_by(
        TaxonomyVersion.number.desc())).all()
    return render_template("taxonomy/admin.html", clusters=clusters_with_chains(),
                           version=active_version(), versions=versions)


def chain_label(chain_id: str | None) -> str:
    """A chain's name in the viewer's language (looked up once per request)."""
    if not chain_id:
        return ""
    if "chain_names" not in g:
        g.chain_names = {chain.id: chain for chain, _cluster in chain_choices()}
    chain = g.chain_names.get(chain_id)
    return chain.name(str(get_locale() or "zh")) if chain else chain_id


@bp.app_context_processor
def _taxonomy_helpers() -> dict:
    return {"industry_map": industry_map, "need_chains": need_chains, "chain_label": chain_label}
