"""Admins: browse, verify and export the audit log."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from sqlalchemy import select

from marketplace.accounts.permissions import admin_required
from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import queries
from .anchor import anchor_json, check_anchor, make_anchor
from .labels import ACTION_LABELS, action_label, details, person
from .operations import verify

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.add_app_template_global(action_label, "audit_action_label")
bp.add_app_template_global(details, "audit_details")
bp.add_app_template_global(person, "audit_person")
bp.add_app_template_global(anchor_json, "audit_anchor_json")
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


@bp.route("/anchor.json")
@admin_required
def anchor():
    """The log's signed head, to keep outside the database (see anchor.py)."""
    signed = make_anchor()
    if signed is None:
        abort(404)
    response = Response(anchor_json(signed) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=audit-anchor-{signed['seq']}.json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/anchor/check", methods=["POST"])
@admin_required
def check():
    """An anchor kept earlier (pasted): does the log still hold its entry, unchanged?"""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        given = json.loads(request.form.get("anchor", "") or "null")
    except ValueError:
        given = None
    problems = verify().problems + check_anchor(given if isinstance(given, dict) else {})
    if problems:
        flash(_("The log does not match the anchor:") + " " + "; ".join(problems), "error")
    else:
        flash(_("The log holds the anchored entry %(seq)s unchanged, and the chain is intact.",
                seq=given["seq"]), "success")
    return redirect(url_for("audit.index"))


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
