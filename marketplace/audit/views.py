"""Admins: browse, verify and export the audit log."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from sqlalchemy import select

from marketplace.accounts.permissions import admin_required
from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import queries
from .labels import ACTION_LABELS, action_label, details, person
from .operations import verify

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.add_app_template_global(action_label, "audit_action_label")
bp.add_app_template_global(details, "audit_details")
bp.add_app_template_global(person, "audit_person")
PER_PAGE = 50


def _need_filter() -> tuple[str, int | None, str | None]:
    """?need= takes a need's reference (SZ-2025-005) or its number; (typed, id, error)."""
    typed = request.args.get("need", "").strip()[:64]
    if not typed:
        return "", None, None
    need = db.session.scalar(select(Challenge).where(Challenge.ref == typed))
    if need is None and typed.isdigit() and len(typed) < 10:
        need = db.session.get(Challenge, int(typed))
    if need is None:
        return typed, None, _("No need has the reference or number “%(need)s”.", need=typed)
    return typed, need.id, None


@bp.route("/")
@admin_required
def index():
    typed, need_id, error = _need_filter()
    action = request.args.get("action", "").strip() or None
    if action is not None and action not in ACTION_LABELS:
        error = error or _("Choose an action from the list.")
    if error:
        return render_template("audit/index.html", page=None, typed_need=typed, action=action,
                               need_id=None, needs={}, actions=_action_choices(), error=error,
                               verification=None), 400
    page = db.paginate(queries.entries(need_id, action), per_page=PER_PAGE, error_out=False)
    ids = {entry.challenge_id for entry in page.items if entry.challenge_id}
    needs = {need.id: need for need in db.session.scalars(
        select(Challenge).where(Challenge.id.in_(ids)))} if ids else {}
    return render_template("audit/index.html", page=page, typed_need=typed, need_id=need_id,
                           action=action, needs=needs, actions=_action_choices(), error=None,
                           verification=verify() if request.args.get("verify") else None)


def _action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda item: item[1])


@bp.route("/export.csv")
@admin_required
def export():
    typed, need_id, error = _need_filter()
    if error:
        abort(400, error)
    response = Response("".join(queries.csv_lines(need_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=audit-log.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response
