"""Needs: the public list (the search page's filters, sorting and words) and each need; with a
write token, an owner's drafts created and changed through the need form's own rules."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.challenges import operations
from marketplace.challenges.models import EDITABLE_STATES, Challenge
from marketplace.core.limits import limiter, setting
from marketplace.extensions import db
from marketplace.search.engine import IndexUnavailable
from marketplace.search.service import SearchParams, search_needs

from . import auth, pagination, representations
from .drafts import validated_draft
from .errors import ApiAbort
from .models import TokenScope
from .responses import TOKEN, TOKEN_OPTIONAL, answer, check_if_match, errors
from .schemas import NeedDraftInput, NeedListArgs, NeedPageSchema, NeedSchema
from .tokens import digest

blp = Blueprint("needs", __name__, url_prefix="/api/v1",
                description="Technical needs (技术需求): the public list and each need; an "
                            "owner's drafts")
NEED = NeedSchema()


def write_key() -> str:
    """Writes count per token (the address limit applies to every call as well)."""
    return "api-write:" + digest(request.headers.get("Authorization", ""))[:24]


write_limit = limiter.shared_limit(setting("RATE_LIMIT_API_WRITE"), scope="api-write",
                                   key_func=write_key, override_defaults=False)


@blp.route("/needs", methods=["GET"])
@blp.arguments(NeedListArgs, location="query", as_kwargs=False)
@blp.response(200, NeedPageSchema)
@errors(blp, 400, 422, 503)
@blp.doc(security=TOKEN_OPTIONAL)
def list_needs(args: dict):
    """Published needs, as the search page lists them

    The same filters (cluster, chain, status, budget band, deadline window), sorting and
    search words `q` (Chinese or English, each finding the other through the taxonomy's
    bilingual keywords) as /search. Drafts and needs waiting for screening are never listed.
    Pages follow `next_cursor`.
    """
    params = SearchParams(q=(args.get("q") or "").strip(), sort=args["sort"],
                          **{name: (args.get(name) or "").strip() for name in SearchParams.FILTERS})
    key = pagination.fingerprint(params.args())
    start = pagination.offset(args.get("cursor"), "needs", key)
    limit = args["limit"]
    try:
        results, hits = _window(params, start, limit)
    except IndexUnavailable:
        raise ApiAbort(503, "search_unavailable", _l(
            "Search is unavailable while its index is repaired. Try again in a few minutes."))
    needs = {str(n.id): n for n in db.session.scalars(
        select(Challenge).where(Challenge.id.in_([int(hit.id) for hit in hits])))}
    items = [{**representations.need_summary(needs[hit.id], hit.chain or None),
              "score": hit.score if params.q and params.sort == "relevance" else None,
              "partial": hit.partial}
             for hit in hits if hit.id in needs and needs[hit.id].can_view(None)]
    listed = results.total + results.partial_total
    following = start + limit
    return {"items": items, "total": results.total, "partial_total": results.partial_total,
            "suggestion": results.suggestion,
            "next_cursor": pagination.encode("needs", o=following, f=key)
            if following < listed and following <= pagination.MAX_OFFSET else None}


def _window(params: SearchParams, start: int, limit: int):
    """Hits start … start+limit of the search's order (pages of `limit`: one or two)."""
    locale = str(get_locale() or "zh")
    params.page = start // limit + 1
    results = search_needs(params, pagelen=limit, facets=False, highlights=False,
                           locale=locale)
    skip = start % limit
    hits = results.hits[skip:]
    if skip and len(results.hits) == limit:
        params.page += 1
        hits += search_needs(params, pagelen=limit, facets=False, highlights=False,
                             locale=locale).hits[:skip]
    return results, hits


def load_visible(ref: str) -> Challenge:
    """The need with this list number, if the caller may see it (404 otherwise, as on the web:
    a 403 would tell that an unpublished need exists)."""
    need = db.session.scalar(select(Challenge).where(Challenge.ref == ref))
    if need is None or not need.can_view(auth.caller()):
        raise ApiAbort(404, "not_found", _l("No need with this reference is available to "
                                            "you."))
    return need


@blp.route("/needs/<path:ref>", methods=["GET"])
@blp.response(200, NeedSchema)
@blp.alt_response(304, description="Not modified: the need is as in your If-None-Match")
@errors(blp, 401, 404)
@blp.doc(security=TOKEN_OPTIONAL)
def get_need(ref: str):
    """A need, as its page shows it to the caller

    Anonymous callers see what a visitor sees. With a token: the confidential details once
    its user accepted the need's terms (and always for its owner and admins), the owner's
    own drafts. Send the ETag back as If-None-Match: 304 when nothing changed.
    """
    user = auth.caller()
    need = load_visible(ref)
    return answer(NEED, representations.need_detail(need, user), private=user is not None)


def _owner():
    user = auth.require(TokenScope.write)
    if not user.has_role(Role.owner) or user.organisation_id is None:
        raise ApiAbort(403, "owner_only", _l("Only a need owner’s account can draft needs."))
    return user


@blp.route("/needs", methods=["POST"])
@write_limit
@blp.arguments(NeedDraftInput, as_kwargs=False)
@blp.response(201, NeedSchema)
@errors(blp, 400, 401, 403, 422)
@blp.doc(security=TOKEN)
def create_need(body: dict):
    """Create a draft (write token; need owners)

    Checked by the need form's own rules (lengths, budget range, indicator targets, e-mail,
    chain). The draft gets its list number; submit it for screening on the web.
    """
    user = _owner()
    values, rows = validated_draft(body)
    need = operations.create_draft(user, values, rows)
    location = url_for("needs.get_need", ref=need.ref, _external=True)
    return answer(NEED, representations.need_detail(need, user), status=201,
                  headers={"Location": location}, private=True)


@blp.route("/needs/<path:ref>", methods=["PATCH"])
@write_limit
@blp.arguments(NeedDraftInput, as_kwargs=False)
@blp.response(200, NeedSchema)
@errors(blp, 400, 401, 403, 404, 409, 412, 422)
@blp.doc(security=TOKEN, parameters=[{
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "The ETag you read: the change applies only to that version (412)"}])
def update_need(body: dict, ref: str):
    """Change a draft (write token; its owner)

    Only the fields sent change; `indicators`, when sent, replace the list. A draft or a
    need returned with reasons can be changed; anything submitted or published cannot (409).
    """
    user = _owner()
    need = load_visible(ref)
    if not need.is_owned_by(user):
        raise ApiAbort(403, "forbidden", _l("Only the need’s owner can change it."))
    if need.status not in EDITABLE_STATES:
        raise ApiAbort(409, "not_editable", _l(
            "Only drafts and returned needs can be changed; this one is “%(status)s”.",
            status=need.status.value))
    check_if_match(NEED, representations.need_detail(need, user))
    values, rows = validated_draft(body, need)
    operations.update_draft(need, values, rows)
    return answer(NEED, representations.need_detail(need, user), private=True)
