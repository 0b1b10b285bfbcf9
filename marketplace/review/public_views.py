"""Publicity (公示) and objections, the owner's confirmation and milestone reports, and what
the need page shows about review to owners, teams and the public."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.bids.models import is_team_member
from marketplace.challenges.models import Challenge
from marketplace.core.forms import ActionForm
from marketplace.core.limits import limited
from marketplace.core.uploads import UploadRejected, send_stored, store_upload
from marketplace.extensions import db

from . import decisions, queries
from .award_models import Decision, MilestoneStatus, ObjectionFile, ProjectMilestone
from .forms import MilestoneReportForm, ObjectionForm, OwnerAnswerForm
from .aggregation import quantize
from .labels import DECISION_STATUS_LABELS, sheet_label
from .operations import ReviewRefused, current_round
from .views import bp, form_errors, load_need, marked_errors, refused

MAX_OBJECTION_FILES = 5


@bp.route("/needs/<int:need_id>/publicity")
def publicity(need_id: int):
    return _publicity_page(load_need(need_id))


def _publicity_page(need, form: ObjectionForm | None = None, status: int = 200):
    """The public page; a refused objection comes back with what was typed and its errors
    beside the fields (status 400: nothing was stored)."""
    decision = queries.public_decision(need)
    withdrawn = queries.withdrawn_decisions(need)
    if decision is None and not withdrawn:
        abort(404)
    can_object = decision is not None and decision.can_object(current_user)
    if form is None and can_object:
        form = ObjectionForm()
    mine = [o for o in decision.objections if o.user_id == current_user.id] \
        if decision is not None and current_user.is_authenticated else []
    return render_template("review/publicity.html", need=need, decision=decision,
                           withdrawn=withdrawn, form=form if can_object else None,
                           my_objections=mine, max_files=MAX_OBJECTION_FILES), status


@bp.route("/review/decisions/<int:decision_id>/objections", methods=["POST"])
@login_required
@limited("RATE_LIMIT_OBJECTION")
def lodge_objection(decision_id: int):
    decision = db.session.get(Decision, decision_id) or abort(404)
    target = url_for("review.publicity", need_id=decision.challenge_id)
    if not decision.can_object(current_user):
        abort(403)
    form = ObjectionForm()
    if not form.validate_on_submit():
        flash(_("The objection was not lodged: correct the marked fields. Your text is kept."),
              "error")
        if any(f and f.filename for f in (form.files.data or [])):
            # a browser never keeps chosen files on the page it gets back
            form.files.errors = [*form.files.errors, _(
                "Choose your files again: they were not kept because the objection was "
                "not lodged.")]
        return _publicity_page(decision.challenge, form, 400)
    uploads = [f for f in (form.files.data or []) if f and f.filename][:MAX_OBJECTION_FILES]
    try:
        stored = [store_upload(f) for f in uploads]
        decisions.lodge_objection(decision, current_user, form.reason.data, stored)
    except UploadRejected as rejected:
        db.session.rollback()
        form.files.errors = [rejected.message]
        flash(_("The objection was not lodged: correct the marked fields. Your text is kept."),
              "error")
        return _publicity_page(decision.challenge, form, 400)
    except ReviewRefused as error:
        return refused(error, target + "#object")
    flash(_("Your objection was lodged. The program office will resolve it and publish its "
            "answer."), "success")
    return redirect(target)


@bp.route("/review/objection-files/<int:file_id>")
@login_required
def objection_file(file_id: int):
    item = db.session.get(ObjectionFile, file_id)
    if item is None or not item.objection.can_view(current_user):
        abort(404)
    return send_stored(item)


@bp.route("/review/decisions/<int:decision_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm_decision(decision_id: int):
    decision = db.session.get(Decision, decision_id) or abort(404)
    if not decision.challenge.is_owned_by(current_user):
        abort(403)
    form = OwnerAnswerForm()
    if form.validate_on_submit() and decision.can_confirm(current_user):
        target = url_for("review.confirm_decision", decision_id=decision.id)
        try:
            if request.form.get("action") == "decline":
                decisions.decline_decision(decision, current_user, form.note.data)
                flash(_("You did not confirm the decision; the program office was told."),
                      "info")
            else:
                decisions.confirm_decision(decision, current_user, form.note.data)
                flash(_("Decision confirmed. Publicity has started."), "success")
        except ReviewRefused as error:
            if error.field not in form:
                return refused(error, target)
            # the owner's note stays, with the reason beside it (400: nothing was changed)
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, error.message]
            flash(_("Your answer was not saved: see the marked field."), "error")
            return _confirm_page(decision, form, 400)
        return redirect(target)
    marked_errors(form, _("Your answer was not saved: see the marked field."))
    return _confirm_page(decision, form, 400 if form.is_submitted() else 200)


def _confirm_page(decision: Decision, form: OwnerAnswerForm, status: int):
    return render_template("review/confirm.html", decision=decision, need=decision.challenge,
                           form=form, results=queries.results(decision.round)), status


@bp.route("/review/milestones/<int:milestone_id>/report", methods=["POST"])
@login_required
def report_milestone(milestone_id: int):
    milestone = db.session.get(ProjectMilestone, milestone_id) or abort(404)
    if not milestone.can_report(current_user):
        abort(403)
    target = url_for("challenges.detail", need_id=milestone.challenge_id) + "#progress"
    form = MilestoneReportForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(target)
    try:
        decisions.report_milestone(milestone, current_user, MilestoneStatus(form.status.data),
                                   form.report.data)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("Milestone report saved; the program office will review it."), "success")
    return redirect(target)


def need_panel(need: Challenge) -> dict:
    """What the need page's sidebar shows about review, for the current user."""
    user = current_user
    review = current_round(need)
    own_entries = []
    if review is not None and is_team_member(user, getattr(user, "organisation_id", None)):
        first = queries.latest_expert_round(need)
        own_entries = [e for e in first.entries if e.bid.organisation_id == user.organisation_id]
    decision = queries.latest_decision(need)
    milestones = queries.milestones(need)
    return {
        "review": review, "own_entries": own_entries,
        # a decision of an earlier bidding period (no award, then republished) is history,
        # not the need's current verdict
        "public_decision": decision if decision is not None and decision.is_public()
        and not (need.published_at and decision.proposed_at < need.published_at) else None,
        "owner_decision": decision if decision is not None and decision.can_confirm(user)
        else None,
        "milestones": milestones,
        "met": sum(1 for m in milestones if m.status == MilestoneStatus.met),
        "can_report": any(m.can_report(user) for m in milestones),
        # forms make a CSRF token (a session cookie): only for those who can act, so that a
        # visitor's need page carries no cookie and can be cached
        "report_form": MilestoneReportForm() if user.is_authenticated else None,
        "action_form": ActionForm() if user.is_authenticated else None,
    }


bp.app_context_processor(lambda: {"review_panel": need_panel})
# globals, not context: the review macros are imported without the template's context
bp.add_app_template_global(sheet_label, "sheet_label")
# the team's bid pages (bids) show what the review made of the bid
bp.add_app_template_global(queries.bid_outcome, "bid_outcome")
bp.add_app_template_global(queries.round_stage, "round_stage")
bp.add_app_template_global(queries.reopened_after_publicity, "reopened_after_publicity")
# scores and aggregates with two decimals, rounded half up as in the CSV and XLSX
bp.add_app_template_filter(lambda value: format(quantize(Decimal(value)), "f"), "two_places")
bp.add_app_template_global(DECISION_STATUS_LABELS.get, "decision_status_label")
