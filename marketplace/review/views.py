"""Program office pages of the review: open a round, rubric, formal check, panel, results.

Handlers are thin: load (404), check permission (403), call one operation, render.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.accounts.permissions import admin_required
from marketplace.challenges.models import Challenge
from marketplace.core.forms import ActionForm
from marketplace.extensions import db

from . import operations, queries, scoring, waiting
from .forms import FormalCheckForm, OpenReviewForm, ReasonForm, RubricForm
from .models import ReviewRound, RoundBid, ScoreSheet
from .operations import ReviewRefused
from .proposals import propose

bp = Blueprint("review", __name__)


def load_need(need_id: int) -> Challenge:
    return db.session.get(Challenge, need_id) or abort(404)


def load_round(round_id: int) -> ReviewRound:
    review = db.session.get(ReviewRound, round_id) or abort(404)
    if not review.can_manage(current_user):
        abort(403)
    return review


def refused(error: ReviewRefused, target: str):
    """Undo the request's writes and show why the step was refused."""
    g.rollback_only = True
    flash(str(error.message), "error")
    return redirect(target)


def form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error) if not isinstance(error, dict) else _("Check the form."), "error")


def marked_errors(form, summary: str) -> None:
    """For a page that shows each error beside its field: one summary at the top instead of
    every message twice (a refused CSRF token has no field, so it is said as it is)."""
    if not form.is_submitted() or not form.errors:
        return
    if set(form.errors) == {"csrf_token"}:
        form_errors(form)
    else:
        flash(summary, "error")


@bp.route("/admin/review/")
@admin_required
def index():
    return render_template("review/admin_index.html", rows=queries.review_needs(),
                           open_form=OpenReviewForm())


@bp.route("/admin/waiting")
@admin_required
def waiting_list():
    """Every step that waits on somebody: the program office, a need owner, a reviewer."""
    rows = waiting.everything_waiting()
    return render_template("review/waiting.html", rows=rows,
                           labels=waiting.WAITING_ON_LABELS)


# the owner's dashboard (challenges) shows the decisions that wait for them
bp.add_app_template_global(waiting.decisions_for_owner, "decisions_waiting_for_owner")
bp.add_app_template_global(waiting.latest_rounds, "latest_review_rounds")


@bp.route("/admin/review/needs/<int:need_id>/open", methods=["POST"])
@admin_required
def open_review(need_id: int):
    need = load_need(need_id)
    form = OpenReviewForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("review.index"))
    try:
        review = operations.open_review(need, current_user, blind=form.blind.data,
                                        min_panel=form.min_panel.data,
                                        spread_threshold=form.spread_threshold.data)
    except ReviewRefused as error:
        return refused(error, url_for("review.index"))
    flash(_("Review opened. Check each bid's eligibility, then form the panel."), "success")
    return redirect(url_for("review.round_page", round_id=review.id))


@bp.route("/admin/review/rounds/<int:round_id>")
@admin_required
def round_page(round_id: int):
    review = load_round(round_id)
    rubric = RubricForm(formdata=None, data={"criteria": [
        {"name": c.name, "name_en": c.name_en, "weight": c.weight, "min_score": c.min_score,
         "max_score": c.max_score, "comment_required": c.comment_required}
        for c in review.criteria]})
    if review.rubric_editable:
        rubric.criteria.append_entry()
    return _round_page(review, rubric)


def _round_page(review: ReviewRound, rubric: RubricForm, status: int = 200):
    return render_template("review/round.html", review=review, need=review.challenge,
                           rubric=rubric, check_form=FormalCheckForm(formdata=None),
                           reason_form=ReasonForm(formdata=None),
                           action_form=ActionForm(formdata=None),
                           results=queries.results(review),
                           formal_open=operations.formal_check_open(review),
                           decision=queries.latest_decision(review.challenge)), status


@bp.route("/admin/review/rounds/<int:round_id>/rubric", methods=["POST"])
@admin_required
def rubric(round_id: int):
    review = load_round(round_id)
    form = RubricForm()
    # a refused rubric comes back as typed (400 undoes the request's writes)
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields. Nothing was saved yet."), "error")
        return _round_page(review, form, 400)
    try:
        operations.set_rubric(review, form.rows(), current_user)
    except ReviewRefused as error:
        flash(str(error.message), "error")
        return _round_page(review, form, 400)
    flash(_("Rubric saved."), "success")
    return redirect(url_for("review.round_page", round_id=review.id) + "#rubric")


@bp.route("/admin/review/entries/<int:entry_id>/check", methods=["POST"])
@admin_required
def formal_check(entry_id: int):
    entry = db.session.get(RoundBid, entry_id) or abort(404)
    target = url_for("review.round_page", round_id=entry.round_id) + "#formal"
    form = FormalCheckForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(target)
    try:
        eligible = form.eligible.data == "yes"
        operations.formal_check(entry, current_user, eligible, form.reason.data)
    except ReviewRefused as error:
        return refused(error, target)
    if eligible:
        flash(_("Formal check of bid %(label)s recorded: eligible.", label=entry.label),
              "success")
    else:
        flash(_("Formal check of bid %(label)s recorded: not eligible. The team has been told "
                "why.", label=entry.label), "success")
    return redirect(target)


@bp.route("/admin/review/rounds/<int:round_id>/propose")
@admin_required
def proposal(round_id: int):
    review = load_round(round_id)
    return render_template("review/propose.html", review=review, need=review.challenge,
                           proposal=propose(review), action_form=ActionForm())


@bp.route("/admin/review/rounds/<int:round_id>/assign", methods=["POST"])
@admin_required
def assign(round_id: int):
    review = load_round(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = [int(v) for v in request.form.getlist("reviewer") if v.isdigit()]
    try:
        for reviewer_id in chosen:
            reviewer = db.session.get(User, reviewer_id) or abort(404)
            operations.assign(review, reviewer, current_user)
    except ReviewRefused as error:
        return refused(error, url_for("review.proposal", round_id=review.id))
    flash(ngettext("%(num)d reviewer assigned.", "%(num)d reviewers assigned.", len(chosen)),
          "success")
    return redirect(url_for("review.round_page", round_id=review.id) + "#panel")


@bp.route("/admin/review/assignments/<int:assignment_id>/remove", methods=["POST"])
@admin_required
def remove_assignment(assignment_id: int):
    from .models import Assignment
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    target = url_for("review.round_page", round_id=assignment.round_id) + "#panel"
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operations.remove_assignment(assignment, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("%(name)s was removed from the panel.", name=assignment.reviewer.name), "success")
    return redirect(target)


@bp.route("/admin/review/rounds/<int:round_id>/start", methods=["POST"])
@admin_required
def start_scoring(round_id: int):
    review = load_round(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        operations.start_scoring(review, current_user)
    except ReviewRefused as error:
        return refused(error, url_for("review.round_page", round_id=review.id))
    flash(_("Scoring started; the rubric is locked."), "success")
    return redirect(url_for("review.round_page", round_id=review.id))


@bp.route("/admin/review/rounds/<int:round_id>/remind", methods=["POST"])
@admin_required
def remind(round_id: int):
    review = load_round(round_id)
    target = url_for("review.round_page", round_id=review.id) + "#progress"
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        count = operations.remind_reviewers(review, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    if count:
        flash(ngettext("%(num)s reviewer was reminded.", "%(num)s reviewers were reminded.",
                       count), "success")
    else:
        flash(_("Every reviewer has submitted all sheets; nobody was reminded."), "info")
    return redirect(target)


@bp.route("/admin/review/sheets/<int:sheet_id>/reopen", methods=["POST"])
@admin_required
def reopen_sheet(sheet_id: int):
    sheet = db.session.get(ScoreSheet, sheet_id) or abort(404)
    target = url_for("review.round_page", round_id=sheet.assignment.round_id) + "#progress"
    form = ReasonForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(target)
    try:
        scoring.reopen_sheet(sheet, current_user, form.reason.data)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("The sheet was reopened."), "success")
    return redirect(target)


@bp.route("/admin/review/rounds/<int:round_id>/shortlist", methods=["POST"])
@admin_required
def shortlist(round_id: int):
    review = load_round(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = [int(v) for v in request.form.getlist("entry") if v.isdigit()]
    try:
        defence = operations.open_defence_round(review, current_user, chosen)
    except ReviewRefused as error:
        return refused(error, url_for("review.round_page", round_id=review.id) + "#results")
    flash(_("Defence round opened for the shortlist. Form its panel."), "success")
    return redirect(url_for("review.round_page", round_id=defence.id))


from . import (decision_views, public_views, report_views,  # noqa: E402,F401
               reviewer_views)
