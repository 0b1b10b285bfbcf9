"""Open data for anyone: the 1030 taxonomy, the industry map and the decisions in publicity
(公示) or final, as the public pages show them."""
from __future__ import annotations

from decimal import Decimal

from flask_smorest import Blueprint
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.review.award_models import Decision, DecisionStatus
from marketplace.taxonomy.queries import active_version, clusters_with_chains
from marketplace.taxonomy.views import industry_map

from . import pagination, representations
from .responses import TOKEN_OPTIONAL, answer, errors
from .schemas import IndustryMapSchema, PageArgs, PublicityPageSchema, TaxonomySchema

blp = Blueprint("open-data", __name__, url_prefix="/api/v1",
                description="The 1030 taxonomy, the industry map (产业图谱) and publicity (公示)")
PUBLIC_STATES = (DecisionStatus.publicity, DecisionStatus.final)


@blp.route("/taxonomy", methods=["GET"])
@blp.response(200, TaxonomySchema)
@blp.alt_response(304, description="Not modified")
@blp.doc(security=TOKEN_OPTIONAL)
def taxonomy():
    """The industrial clusters and their chains (the active taxonomy)"""
    version = active_version()
    return answer(TaxonomySchema(), {
        "version": version.number if version else None,
        "label": version.label if version else None,
        "clusters": [{"id": cluster.id, "name_zh": cluster.name_zh, "name_en": cluster.name_en,
                      "chains": [{"id": chain.id, "name_zh": chain.name_zh,
                                  "name_en": chain.name_en} for chain in cluster.chains]}
                     for cluster in clusters_with_chains()]})


@blp.route("/industry-map", methods=["GET"])
@blp.response(200, IndustryMapSchema)
@blp.alt_response(304, description="Not modified")
@blp.doc(security=TOKEN_OPTIONAL)
def industry_map_figures():
    """Open needs and their budget per cluster and chain (the industry map page)"""
    clusters = industry_map()
    amount = representations.amount
    return answer(IndustryMapSchema(), {
        "open_needs": sum(c["open_needs"] for c in clusters),
        "budget_wan": amount(sum((c["budget_wan"] for c in clusters), Decimal(0))),
        "clusters": [{"id": c["cluster"].id, "name_zh": c["cluster"].name_zh,
                      "name_en": c["cluster"].name_en, "open_needs": c["open_needs"],
                      "budget_wan": amount(c["budget_wan"]),
                      "chains": [{"id": chain.id, "name_zh": chain.name_zh,
                                  "name_en": chain.name_en, "open_needs": figures.open_needs,
                                  "budget_wan": amount(figures.budget_wan)}
                                 for chain, figures in c["chains"]]}
                     for c in clusters]})


@blp.route("/publicity", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, PublicityPageSchema)
@errors(blp, 400, 422)
@blp.doc(security=TOKEN_OPTIONAL)
def publicity(args: dict):
    """Decisions in publicity and final decisions, newest first

    Each need's current decision when it is public (as on its publicity page): winners with
    their panel scores, or no award (流榜); the reasons; the publicity period; how many
    objections are being examined and the published reasons for dismissing the others.
    """
    after = pagination.after_id(args.get("cursor"), "publicity")
    latest = select(func.max(Decision.id)).group_by(Decision.challenge_id)
    query = (select(Decision).where(Decision.id.in_(latest),
                                    Decision.status.in_(PUBLIC_STATES))
             .order_by(Decision.id.desc()).limit(args["limit"] + 1))
    if after is not None:
        query = query.where(Decision.id < after)
    found = list(db.session.scalars(query))
    page = found[:args["limit"]]
    return {"items": [representations.public_decision(d) for d in page],
            "next_cursor": pagination.encode("publicity", id=page[-1].id)
            if len(found) > len(page) else None}
