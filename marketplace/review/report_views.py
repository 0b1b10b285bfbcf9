"""The review report as a page, CSV and XLSX (admins only)."""
from __future__ import annotations

from flask import Response, render_template
from flask_babel import get_locale

from marketplace.accounts.permissions import admin_required

from . import reports
from .views import bp, load_round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/review/rounds/<int:round_id>/report")
@admin_required
def report(round_id: int):
    review = load_round(round_id)
    return render_template("review/report.html", report=reports.build(review, str(get_locale())),
                           review=review, need=review.challenge)


@bp.route("/admin/review/rounds/<int:round_id>/report.csv")
@admin_required
def report_csv(round_id: int):
    review = load_round(round_id)
    body = reports.to_csv(reports.build(review, str(get_locale())))
    return _download(body, "text/csv", f"review-{review.challenge_id}-"
                                                      f"{review.number}.csv")


@bp.route("/admin/review/rounds/<int:round_id>/report.xlsx")
@admin_required
def report_xlsx(round_id: int):
    review = load_round(round_id)
    body = reports.to_xlsx(reports.build(review, str(get_locale())))
    return _download(body, XLSX, f"review-{review.challenge_id}-{review.number}.xlsx")
