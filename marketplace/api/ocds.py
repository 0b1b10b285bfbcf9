"""OCDS 1.1.5 publication (marketplace.ocds): the release package of every release, and the
record package of one contracting process, as `flask --app wsgi ocds export` writes them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from marketplace.ocds.packages import record_package, release_package

from .errors import ApiAbort
from .responses import TOKEN_OPTIONAL, answer, errors

blp = Blueprint("ocds", __name__, url_prefix="/api/v1",
                description="Open Contracting Data Standard 1.1.5 (with the bids extension)")
PACKAGE = {"type": "object", "additionalProperties": True, "description": (
    "An OCDS 1.1.5 package: see https://standard.open-contracting.org/1.1/en/schema/")}


@blp.route("/ocds/releases", methods=["GET"])
@blp.response(200, PACKAGE, description="An OCDS release package")
@blp.alt_response(304, description="Not modified")
@blp.doc(security=TOKEN_OPTIONAL)
def releases():
    """Every release of every need from its publication on (a release package)

    Tags follow the lifecycle: tender, tenderUpdate, award, contract, implementation. Bid
    statistics (the bids extension) count submitted bids only once bidding has closed.
    """
    return answer(None, release_package())


@blp.route("/ocds/records/<path:ocid>", methods=["GET"])
@blp.response(200, PACKAGE, description="An OCDS record package")
@blp.alt_response(304, description="Not modified")
@errors(blp, 404)
@blp.doc(security=TOKEN_OPTIONAL)
def record(ocid: str):
    """One contracting process (a published need): its releases and compiled release"""
    package = record_package(ocid)
    if package is None:
        raise ApiAbort(404, "not_found", _l("No published need has this ocid."))
    return answer(None, package)
