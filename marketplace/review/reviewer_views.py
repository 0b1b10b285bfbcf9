"""Reviewers: my reviews, expertise and conflicts, the bids (blind-aware) and score sheets."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from marketplace.accounts.models import Organisation, Role
from marketplace.core.forms import ActionForm
from marketplace.core.web import MAX_ROW_ID
from marketplace.extensions import db

from . import operations, queries, scoring
from .conflicts import declarations
from .forms import ConflictForm, ReasonForm
from .models import Assignment, ConflictKind, RoundBid
from .operations import ReviewRefused
from .views import bp, form_errors, refused


def reviewer_required() -> None:
    if not current_user.has_role(Role.reviewer):
        abort(403)


def load_assignment(assignment_id: int) -> Assignment:
    reviewer_required()
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    if not assignment.is_reviewer(current_user):
        abort(403)
    return assignment


def _conflict_form() -> ConflictForm:
    form = ConflictForm()
    locale = str(get_locale() or "zh")
    organisations = sorted(db.session.scalars(select(Organisation)),
                           key=lambda o: o.display_name(locale).casefold())
    # each organisation in the page's language (the English name on English pages), with the
    # other name beside it so that either can be recognised
    form.organisation_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(o.id, o.display_name(locale) + (
            f" ({o.name})" if locale == "en" and o.name_en and o.name_en != o.name else ""))
        for o in organisations]
    return form


@bp.route("/review/")
@login_required
def mine():
    reviewer_required()
    return render_template("review/mine.html", assignments=queries.my_assignments(current_user))


@bp.route("/review/conflicts")
@login_required
def conflicts():
    reviewer_required()
    return render_template("review/conflicts.html", conflict_form=_conflict_form(),
                           declarations=declarations(current_user.id))


@bp.route("/review/conflicts", methods=["POST"])
@login_required
def declare_conflict():
    reviewer_required()
    form = _conflict_form()
    target = url_for("review.conflicts")
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(target)
    kind = ConflictKind(form.kind.data)
    chosen = form.organisation_id.data or 0
    # an id no row can have (a 40-digit number) is no organisation, not a database error
    organisation = db.session.get(Organisation, chosen) if 0 < chosen <= MAX_ROW_ID else None
    if kind == ConflictKind.organisation and organisation is None:
        flash(_("Choose the organisation."), "error")
        return redirect(target)
    if kind == ConflictKind.person and not (form.person_name.data or "").strip():
        flash(_("Give the person's name."), "error")
        return redirect(target)
    try:
        operations.declare_conflict(current_user, current_user, kind=kind, text=form.text.data,
                                    organisation_id=organisation.id if organisation else None,
                                    person_name=form.person_name.data)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("Your declaration was recorded."), "success")
    return redirect(target)


@bp.route("/review/assignments/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    item = load_assignment(assignment_id)
    entries = item.round.eligible_entries
    all_submitted = bool(entries) and all(
        (sheet := item.sheet_for(entry)) is not None and sheet.submitted for entry in entries)
    return render_template("review/assignment.html", assignment=item, review=item.round,
                           all_submitted=all_submitted,
                           need=item.round.challenge, reason_form=ReasonForm(),
                           can_view=item.can_view(current_user))


@bp.route("/review/assignments/<int:assignment_id>/recuse", methods=["POST"])
@login_required
def recuse(assignment_id: int):
    item = load_assignment(assignment_id)
    if not item.can_recuse(current_user):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("review.assignment", assignment_id=item.id))
    try:
        operations.recuse(item, current_user, form.reason.data)
    except ReviewRefused as error:
        return refused(error, url_for("review.assignment", assignment_id=item.id))
    flash(_("You have recused yourself from this review."), "success")
    return redirect(url_for("review.mine"))


def _sheet_page(item: Assignment, entry: RoundBid, errors: dict | None = None,
                typed: dict | None = None):
    sheet = item.sheet_for(entry)
    return render_template(
        "review/sheet.html", assignment=item, review=item.round, need=item.round.challenge,
        entry=entry, bid=entry.bid, version=entry.bid.latest_version, sheet=sheet,
        blind=queries.is_blind_for(current_user, entry), errors=errors or {}, typed=typed,
        total=scoring.sheet_total(sheet) if sheet else None,
        others=queries.others_sheets(item, entry), action_form=ActionForm(),
        can_score=item.can_score(current_user) and not (sheet and sheet.submitted))


@bp.route("/review/assignments/<int:assignment_id>/bids/<int:entry_id>",
          methods=["GET", "POST"])
@login_required
def sheet(assignment_id: int, entry_id: int):
    item = load_assignment(assignment_id)
    entry = db.session.get(RoundBid, entry_id)
    if entry is None or entry.round_id != item.round_id or not entry.eligible:
        abort(404)
    if not item.can_view(current_user):
        abort(403)
    if request.method == "GET":
        return _sheet_page(item, entry)
    existing = item.sheet_for(entry)
    if not item.can_score(current_user) or (existing is not None and existing.submitted):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    inputs = {c.id: scoring.ScoreInput(request.form.get(f"score-{c.id}", ""),
                                       request.form.get(f"comment-{c.id}", ""))
              for c in item.round.criteria}
    submit = request.form.get("action") == "submit"
    try:
        scoring.save_sheet(item, entry, current_user, inputs, request.form.get("comment"),
                           submit=submit)
    except scoring.SheetIncomplete as incomplete:
        flash(str(incomplete.message), "error")
        return _sheet_page(item, entry, incomplete.errors, request.form)
    except ReviewRefused as error:
        return refused(error, url_for("review.sheet", assignment_id=item.id, entry_id=entry.id))
    flash(_("Scores submitted; the sheet is locked.") if submit else _("Draft saved."),
          "success")
    return redirect(url_for("review.sheet", assignment_id=item.id, entry_id=entry.id))
