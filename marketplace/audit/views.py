"""Admins: browse, verify and export the audit log."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from sqlalchemy import select

from marketplace.accounts.permissions import admin_required
from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import queries
from .labels import action_label, readable
from .operations import verify

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.add_app_template_global(action_label, "audit_action_label")
bp.add_app_template_filter(readable, "audit_value")
PER_PAGE = 50


@bp.route("/")
@admin_required
def index():
    need_id = request.args.get("need", type=int)
    action = request.args.get("action", "").strip() or None
    page = db.paginate(queries.entries(need_id, action), per_page=PER_PAGE, error_out=False)
    ids = {entry.challenge_id for entry in page.items if entry.challenge_id}
    needs = {need.id: need for need in db.session.scalars(
        select(Challenge).where(Challenge.id.in_(ids)))} if ids else {}
    return render_template("audit/index.html", page=page, need_id=need_id, action=action,
                           needs=needs,
                           verification=verify() if request.args.get("verify") else None)


@bp.route("/export.csv")
@admin_required
def export():
    need_id = request.args.get("need", type=int)
    response = Response("".join(queries.csv_lines(need_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=audit-log.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response
