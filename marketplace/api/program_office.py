"""With an admin's token: the review rounds, each round's review report (as on its page, and
as the same CSV and XLSX), and the export of every published need."""
from __future__ import annotations

import io

from flask import Response
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import select

from marketplace.challenges.io_export import export_needs, export_xlsx
from marketplace.extensions import db
from marketplace.review import reports
from marketplace.review.models import ReviewRound
from marketplace.review.report_views import XLSX

from . import auth, pagination, representations
from .errors import ApiAbort
from .responses import TOKEN, answer, errors
from .schemas import PageArgs, ReportSchema, RoundListSchema

blp = Blueprint("program-office", __name__, url_prefix="/api/v1",
                description="For the program office (admin tokens): review reports and "
                            "exports")
FILE = {"type": "string", "format": "binary"}


def _admin():
    user = auth.require()
    if not user.is_admin:
        raise ApiAbort(403, "admin_only", _l("Only the program office (administrators) may "
                                             "read this."))
    return user


def _round(round_id: int) -> ReviewRound:
    _admin()
    review = db.session.get(ReviewRound, round_id)
    if review is None:
        raise ApiAbort(404, "not_found", _l("No review round with this number."))
    return review


def _download(body, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/review/rounds", methods=["GET"])
@blp.arguments(PageArgs, location="query", as_kwargs=False)
@blp.response(200, RoundListSchema)
@errors(blp, 400, 401, 403, 422)
@blp.doc(security=TOKEN)
def rounds(args: dict):
    """Every review round, newest first"""
    _admin()
    after = pagination.after_id(args.get("cursor"), "rounds")
    query = select(ReviewRound).order_by(ReviewRound.id.desc()).limit(args["limit"] + 1)
    if after is not None:
        query = query.where(ReviewRound.id < after)
    found = list(db.session.scalars(query))
    page = found[:args["limit"]]
    return answer(RoundListSchema(), {
        "items": [representations.review_round(review) for review in page],
        "next_cursor": pagination.encode("rounds", id=page[-1].id)
        if len(found) > len(page) else None}, private=True)


@blp.route("/review/rounds/<int:round_id>/report", methods=["GET"])
@blp.response(200, ReportSchema)
@errors(blp, 401, 403, 404)
@blp.doc(security=TOKEN)
def report(round_id: int):
    """A round's review report: scores, ranking, formal check, comments, panel, decision

    The tables of the report page and its CSV, with team names (admins are never blind).
    A provisional report (not every score sheet submitted) says so in `status`.
    """
    review = _round(round_id)
    built = reports.build(review, str(get_locale() or "zh"))
    return answer(ReportSchema(), representations.report(built), private=True)


@blp.route("/review/rounds/<int:round_id>/report.csv", methods=["GET"])
@blp.response(200, FILE, content_type="text/csv", description="The report as CSV (UTF-8)")
@errors(blp, 401, 403, 404)
@blp.doc(security=TOKEN)
def report_csv(round_id: int):
    """A round's review report as CSV (as downloaded from its page)"""
    review = _round(round_id)
    body = reports.to_csv(reports.build(review, str(get_locale() or "zh")))
    return _download(body, "text/csv", f"review-{review.challenge_id}-{review.number}.csv")


@blp.route("/review/rounds/<int:round_id>/report.xlsx", methods=["GET"])
@blp.response(200, FILE, content_type=XLSX, description="The report as an Excel workbook")
@errors(blp, 401, 403, 404)
@blp.doc(security=TOKEN)
def report_xlsx(round_id: int):
    """A round's review report as XLSX (as downloaded from its page)"""
    review = _round(round_id)
    body = reports.to_xlsx(reports.build(review, str(get_locale() or "zh")))
    return _download(body, XLSX, f"review-{review.challenge_id}-{review.number}.xlsx")


@blp.route("/exports/needs.jsonl", methods=["GET"])
@blp.response(200, FILE, content_type="application/jsonl",
              description="One need per line, in the columns `challenges import` reads")
@errors(blp, 401, 403)
@blp.doc(security=TOKEN)
def export_jsonl():
    """Every published need as JSON lines (`flask challenges export --format jsonl`)

    Includes the confidential details: for the program office only.
    """
    _admin()
    stream = io.StringIO()
    export_needs("jsonl", stream)
    return _download(stream.getvalue(), "application/jsonl", "needs.jsonl")


@blp.route("/exports/needs.csv", methods=["GET"])
@blp.response(200, FILE, content_type="text/csv", description="The needs as CSV (UTF-8)")
@errors(blp, 401, 403)
@blp.doc(security=TOKEN)
def export_csv():
    """Every published need as CSV (`flask challenges export --format csv`)"""
    _admin()
    stream = io.StringIO()
    export_needs("csv", stream)
    return _download(stream.getvalue(), "text/csv", "needs.csv")


@blp.route("/exports/needs.xlsx", methods=["GET"])
@blp.response(200, FILE, content_type=XLSX, description="The needs as an Excel workbook")
@errors(blp, 401, 403)
@blp.doc(security=TOKEN)
def export_workbook():
    """Every published need as XLSX (`flask challenges export --format xlsx`)"""
    _admin()
    stream = io.BytesIO()
    export_xlsx(stream)
    return _download(stream.getvalue(), XLSX, "needs.xlsx")
