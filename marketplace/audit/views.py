"""Admins: browse, verify and export the audit log."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from marketplace.accounts.permissions import admin_required
from marketplace.extensions import db

from . import queries
from .operations import verify

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PER_PAGE = 50


@bp.route("/")
@admin_required
def index():
    need_id = request.args.get("need", type=int)
    action = request.args.get("action", "").strip() or None
    page = db.paginate(queries.entries(need_id, action), per_page=PER_PAGE, error_out=False)
    return render_template("audit/index.html", page=page, need_id=need_id, action=action,
                           verification=verify() if request.args.get("verify") else None)


@bp.route("/export.csv")
@admin_required
def export():
    need_id = request.args.get("need", type=int)
    response = Response("".join(queries.csv_lines(need_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=audit-log.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response
