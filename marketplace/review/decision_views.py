"""Program office: decide, resolve objections, finalise, contract, accept (验收), republish."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import admin_required
from marketplace.challenges.models import NeedStatus
from marketplace.core.forms import ActionForm
from marketplace.core.timefmt import program_zone
from marketplace.extensions import db

from . import decisions, queries
from .award_models import Decision, DecisionStatus, Objection, Outcome, ProjectMilestone
from .forms import DecisionForm, RepublishForm, ResolveForm
from .operations import ReviewRefused, current_round
from .views import bp, form_errors, load_need, load_round, marked_errors, refused


@bp.route("/admin/review/rounds/<int:round_id>/decide", methods=["GET", "POST"])
@admin_required
def decide(round_id: int):
    review = load_round(round_id)
    form = DecisionForm()
    chosen = [int(v) for v in request.form.getlist("winner") if v.isdigit()]
    declined = _declined_here(review)
    if request.method == "GET" and declined is not None:
        # proposing again after the owner's "no": start from what was proposed
        form.outcome.data = declined.outcome.value
        form.rationale.data, form.rationale_en.data = declined.rationale, declined.rationale_en
        form.publicity_days.data = declined.publicity_days
        by_bid = {entry.bid_id: entry.id for entry in review.entries}
        chosen = [by_bid[w.bid_id] for w in declined.winners if w.bid_id in by_bid]
    if request.method == "POST" and form.validate_on_submit():
        passed_over = _passed_over(review, chosen) if form.outcome.data == "award" else []
        if passed_over and not form.order_confirmed.data:
            # a slip of the mouse, or a choice the panel's ranking does not support: say so
            flash(_("The winners you chose are not the best-ranked bids (%(labels)s ranked "
                    "higher). Confirm below that this is intended and that the reasons say why.",
                    labels=", ".join(passed_over)), "error")
            form.order_confirmed.errors = [_("Confirm the choice, or choose the best-ranked "
                                             "bids.")]
            return _decide_page(review, form, chosen, 400, declined, confirm_order=True)
        try:
            decisions.propose_decision(review, current_user, outcome=Outcome(form.outcome.data),
                                       winner_entry_ids=chosen, rationale=form.rationale.data,
                                       publicity_days=form.publicity_days.data,
                                       rationale_en=form.rationale_en.data)
        except ReviewRefused as error:
            # what was typed and ticked stays on the page with the reason
            g.rollback_only = True
            if error.field in form:
                form[error.field].errors = [*form[error.field].errors, error.message]
            marked = error.field in form or error.field == "winner"
            flash(_("The decision was not proposed: see the marked fields.") if marked
                  else str(error.message), "error")
            return _decide_page(review, form, chosen, 400, declined,
                                winner_error=error.message if error.field == "winner" else None)
        flash(_("Decision proposed. The need owner is asked to confirm it."), "success")
        return redirect(url_for("review.need_decision", need_id=review.challenge_id))
    marked_errors(form, _("The decision was not proposed: see the marked fields."))
    # the winners are checked with the other fields, not only once those are right
    winner_error = None
    if form.is_submitted() and form.outcome.data != "no_award" and not chosen:
        winner_error = _("Choose at least one winner, or decide on no award.")
    return _decide_page(review, form, chosen, 400 if form.is_submitted() else 200, declined,
                        winner_error=winner_error)


def _passed_over(review, chosen: list[int]) -> list[str]:
    """Labels of bids ranked above the lowest-ranked winner that were not chosen."""
    ranking = queries.results(review).ranking
    ranks = [item.rank or 0 for item in ranking if item.key.id in set(chosen)]
    if not ranks:
        return []
    worst = max(ranks)
    return [item.key.label for item in ranking
            if item.key.id not in set(chosen) and (item.rank or worst + 1) < worst]


def _declined_here(review):
    """The round's latest decision, if its owner declined it (its note says why)."""
    latest = queries.latest_decision(review.challenge)
    if latest is not None and latest.round_id == review.id \
            and latest.status == DecisionStatus.declined:
        return latest
    return None


def _decide_page(review, form: DecisionForm, chosen: list[int], status: int,
                 declined=None,
                 winner_error=None, confirm_order: bool = False):
    return render_template("review/decide.html", review=review, need=review.challenge, form=form,
                           declined=declined,
                           results=queries.results(review), chosen=set(chosen),
                           winner_error=winner_error, confirm_order=confirm_order,
                           blocker=decisions.decision_blocker(review)), status


@bp.route("/admin/review/needs/<int:need_id>/decision")
@admin_required
def need_decision(need_id: int):
    return _need_decision_page(load_need(need_id))


def _need_decision_page(need, answered: ResolveForm | None = None, answered_id: int | None = None,
                        status: int = 200):
    """`answered`: an objection's resolution that was refused, shown again beside that
    objection with what was typed and why (the other objections get empty forms)."""
    review = current_round(need)
    decidable = review if review is not None and \
        decisions.decision_blocker(review) is None else None
    return render_template("review/need_decision.html", need=need, decidable=decidable,
                           decision=queries.latest_decision(need),
                           milestones=queries.milestones(need), resolve_form=ResolveForm(
                               formdata=None), answered=answered, answered_id=answered_id,
                           action_form=ActionForm(), republish_form=RepublishForm()), status


@bp.route("/admin/review/objections/<int:objection_id>/resolve", methods=["POST"])
@admin_required
def resolve_objection(objection_id: int):
    objection = db.session.get(Objection, objection_id) or abort(404)
    target = url_for("review.need_decision", need_id=objection.decision.challenge_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        # what was typed stays, with each reason beside its field
        if "csrf_token" in form.errors:
            form_errors(form)
            return redirect(target)
        flash(_("The objection was not resolved: see the marked fields."), "error")
        return _need_decision_page(objection.decision.challenge, form, objection.id, 400)
    try:
        decisions.resolve_objection(objection, current_user,
                                    upheld=form.outcome.data == "uphold",
                                    resolution=form.resolution.data,
                                    resolution_en=form.resolution_en.data)
    except ReviewRefused as error:
        if error.field not in form:
            return refused(error, target)
        g.rollback_only = True
        form[error.field].errors = [*form[error.field].errors, error.message]
        flash(_("The objection was not resolved: see the marked fields."), "error")
        return _need_decision_page(objection.decision.challenge, form, objection.id, 400)
    flash(_("Objection resolved."), "success")
    return redirect(target)


@bp.route("/admin/review/decisions/<int:decision_id>/finalise", methods=["POST"])
@admin_required
def finalise(decision_id: int):
    decision = db.session.get(Decision, decision_id) or abort(404)
    target = url_for("review.need_decision", need_id=decision.challenge_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        decisions.finalise(decision, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("The decision is final."), "success")
    return redirect(target)


@bp.route("/admin/review/needs/<int:need_id>/contract", methods=["POST"])
@admin_required
def contract(need_id: int):
    need = load_need(need_id)
    target = url_for("review.need_decision", need_id=need.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        decisions.record_contract(need, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("Contract recorded; the winning bids' milestones are now the project's."), "success")
    return redirect(target)


@bp.route("/admin/review/milestones/<int:milestone_id>/accept", methods=["POST"])
@admin_required
def accept_milestone(milestone_id: int):
    milestone = db.session.get(ProjectMilestone, milestone_id) or abort(404)
    target = url_for("review.need_decision", need_id=milestone.challenge_id) + "#milestones"
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        decisions.accept_milestone(milestone, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    return redirect(target)


@bp.route("/admin/review/needs/<int:need_id>/accept", methods=["POST"])
@admin_required
def accept_project(need_id: int):
    need = load_need(need_id)
    target = url_for("review.need_decision", need_id=need.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        decisions.accept_project(need, current_user)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("The project was accepted."), "success")
    return redirect(target)


@bp.route("/admin/review/needs/<int:need_id>/republish", methods=["POST"])
@admin_required
def republish(need_id: int):
    """After no award (流榜) the need can be published again with a new deadline."""
    need = load_need(need_id)
    target = url_for("review.need_decision", need_id=need.id)
    form = RepublishForm()
    if need.status != NeedStatus.not_awarded:
        abort(403)
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(target)
    deadline = datetime.combine(form.deadline.data.date(), form.deadline.data.time(),
                                tzinfo=program_zone())
    try:
        decisions.republish(need, current_user, deadline)
    except ReviewRefused as error:
        return refused(error, target)
    flash(_("The need was published again."), "success")
    return redirect(url_for("challenges.detail", need_id=need.id))
