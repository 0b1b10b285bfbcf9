"""What a caller sees of each resource, as plain data for the schemas in schemas.py.

Every function shows what the web page of the same thing shows to the same person: the
permission methods of the models decide (confidential details, sealed bids, bid counts).
"""
from __future__ import annotations

from decimal import Decimal

from flask import url_for

from marketplace.accounts.models import Organisation
from marketplace.bids.models import Bid, can_see_bid_count
from marketplace.bids.queries import submitted_count
from marketplace.challenges.models import Challenge, IPTerms
from marketplace.challenges.operations import missing_fields
from marketplace.core.types import plain_number
from marketplace.review import queries as review_queries
from marketplace.review.aggregation import quantize
from marketplace.review.award_models import Decision, ObjectionStatus
from marketplace.review.models import ReviewRound
from marketplace.review.reports import Report
from marketplace.taxonomy.queries import need_chains

SHOWN_CHAINS = 3       # the need page lists the three best suggestions


def amount(value: Decimal | None) -> str | None:
    return None if value is None else plain_number(Decimal(value))


def organisation(org: Organisation | None) -> dict | None:
    if org is None:
        return None
    return {"name": org.name, "name_en": org.name_en, "country": org.country,
            "verified": bool(org.verified)}


def need_summary(need: Challenge, chain: str | None = None) -> dict:
    """What a need card shows: anyone who may see the need may see this."""
    return {
        "ref": need.ref, "status": need.effective_status.value,
        "title_zh": need.title_zh, "title_en": need.title_en,
        "summary_zh": need.summary_zh, "summary_en": need.summary_en,
        "owner": organisation(need.organisation), "budget_wan": amount(need.budget_wan),
        "deadline": need.deadline, "published_at": need.published_at,
        "chain": chain or need.primary_chain_id or _best_chain(need),
        "url": url_for("challenges.detail", need_id=need.id, _external=True),
    }


def _best_chain(need: Challenge) -> str | None:
    """The classifier's first suggestion, for a need whose owner confirmed no chain."""
    ranked = need_chains(need.id)
    return ranked[0].chain_id if ranked else None


def need_detail(need: Challenge, user) -> dict:
    """The need page for `user` (None: a visitor)."""
    ranked = need_chains(need.id)
    confidential = need.can_see_confidential(user)
    decision = review_queries.public_decision(need)
    editable = need.can_edit(user)
    return {
        **need_summary(need, need.primary_chain_id or (ranked[0].chain_id if ranked else None)),
        "description_zh": need.description_zh, "description_en": need.description_en,
        "requirements": need.requirements, "requirements_en": need.requirements_en,
        "indicators": [{"name": row.name, "name_en": row.name_en,
                        "comparator": row.comparator.value, "target": row.target_text,
                        "unit": row.unit} for row in need.indicators],
        "period_months": need.period_months, "ip_terms": IPTerms(need.ip_terms).value,
        "terms_text": need.terms_text, "terms_text_en": need.terms_text_en,
        "contact": {"name": need.contact_name, "email": need.contact_email,
                    "phone": need.contact_phone},
        "primary_chain_id": need.primary_chain_id,
        "chains": [{"id": row.chain_id, "score": round(float(row.score), 4)}
                   for row in ranked[:SHOWN_CHAINS]],
        "attachments": [{"id": a.id, "filename": a.filename, "size": a.size,
                         "confidential": bool(a.confidential),
                         "url": url_for("challenges.download_attachment", need_id=need.id,
                                        attachment_id=a.id, _external=True)}
                        for a in need.attachments if confidential or not a.confidential],
        "confidential_visible": confidential,
        "confidential_details": need.confidential_details if confidential else None,
        "confidential_details_en": need.confidential_details_en if confidential else None,
        "bid_count": submitted_count(need) if can_see_bid_count(need, user) else None,
        "publicity_url": url_for("review.publicity", need_id=need.id, _external=True)
        if decision is not None else None,
        "updated_at": need.updated_at if need.is_owned_by(user) or
        getattr(user, "is_admin", False) else None,
        "editable": editable,
        "missing_for_submission": {name: str(message) for name, message
                                   in missing_fields(need).items()} if editable else {},
    }


def public_decision(decision: Decision) -> dict:
    """A decision as its publicity page shows it to everyone."""
    need = decision.challenge
    dismissed = [o for o in decision.objections if o.status == ObjectionStatus.dismissed]
    return {
        "need": need_summary(need), "outcome": decision.outcome.value,
        "status": decision.status.value,
        "winners": [{"organisation": organisation(w.bid.organisation),
                     "panel_score": amount(quantize(w.panel_score))
                     if w.panel_score is not None else None} for w in decision.winners],
        "rationale_zh": decision.rationale or None, "rationale_en": decision.rationale_en,
        "publicity_starts_at": decision.publicity_starts_at,
        "publicity_ends_at": decision.publicity_ends_at,
        "finalised_at": decision.finalised_at,
        "open_objections": len(decision.open_objections),
        "dismissed_objections": [{"lodged_at": o.created_at, "resolution_zh": o.resolution,
                                  "resolution_en": o.resolution_en} for o in dismissed],
        "audit_anchor": decision.audit_anchor,
        "url": url_for("review.publicity", need_id=need.id, _external=True),
    }


def bid_summary(bid: Bid) -> dict:
    outcome = review_queries.bid_outcome(bid)
    return {
        "id": bid.id, "need": need_summary(bid.challenge),
        "team": organisation(bid.organisation), "status": bid.status.value,
        "created_at": bid.created_at, "submitted_at": bid.submitted_at,
        "withdrawn_at": bid.withdrawn_at,
        "versions": [{"number": v.number, "submitted_at": v.submitted_at,
                      "budget_total_wan": amount(v.budget_total_wan)} for v in bid.versions],
        "outcome": outcome.code if outcome is not None else None,
        "url": url_for("bids.view", bid_id=bid.id, _external=True),
    }


def bid_detail(bid: Bid) -> dict:
    latest = bid.latest_version
    return {**bid_summary(bid), "content": latest.content if latest is not None else None}


def review_round(review: ReviewRound) -> dict:
    return {
        "id": review.id, "need": need_summary(review.challenge), "number": review.number,
        "kind": review.kind.value, "blind": bool(review.blind),
        "stage": review_queries.round_stage(review),
        "report_url": url_for("program-office.report", round_id=review.id, _external=True),
    }


def _cells(row) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def _table(rows: list[list]) -> dict:
    header, *body = rows
    return {"header": _cells(header), "rows": [_cells(row) for row in body]}


def report(result: Report) -> dict:
    """The review report page as data: the same tables as its CSV and XLSX."""
    review = result.review
    return {
        "round": review_round(review), "provisional": result.provisional,
        "status": result.status_line(),
        "criteria": [{"name": c.name, "name_en": c.name_en, "weight": c.weight,
                      "min_score": amount(c.min_score), "max_score": amount(c.max_score)}
                     for c in result.criteria],
        "scores": _table([result.score_header(), *result.score_rows()]),
        "ranking": _table([result.ranking_header, *result.ranking_rows()]),
        "excluded": _table([result.excluded_header, *result.excluded_rows()]),
        "comments": _table([result.comment_header, *result.comment_rows()]),
        "panel": _table([result.panel_header, *result.panel_rows()]),
        "decision": [_cells(row) for row in result.decision_rows()],
    }
