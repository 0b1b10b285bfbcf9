"""Bids: start, edit and submit (team), view (team; owner and admins after closing), files."""
from __future__ import annotations

from flask import (Blueprint, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from wtforms import SelectChoice

from marketplace.challenges.models import Challenge
from marketplace.core.forms import ActionForm
from marketplace.core.uploads import UploadRejected, send_stored, store_upload
from marketplace.extensions import db

from . import content, operations, queries
from .forms import BidForm
from .models import (Bid, BidAttachment, BidVersion, can_see_bid_list, can_set_count_visibility)

bp = Blueprint("bids", __name__)


def _load_need(need_id: int) -> Challenge:
    need = db.session.get(Challenge, need_id)
    if need is None or not need.can_view(current_user):
        abort(404)
    return need


def _load_bid(bid_id: int) -> Bid:
    """The bid, or 404 for anyone who may not see it: a sealed bid does not exist for them."""
    bid = db.session.get(Bid, bid_id)
    if bid is None or not bid.can_view(current_user):
        abort(404)
    return bid


@bp.route("/my/bids")
@login_required
def mine():
    if current_user.organisation_id is None:
        abort(403)
    return render_template("bids/mine.html", bids=queries.team_bids(current_user.organisation_id))


@bp.route("/needs/<int:need_id>/bids", methods=["POST"])
@login_required
def start(need_id: int):
    need = _load_need(need_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        bid = operations.start_bid(need, current_user)
    except operations.BidRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("challenges.detail", need_id=need.id))
    return redirect(url_for("bids.edit", bid_id=bid.id))


@bp.route("/needs/<int:need_id>/bids")
@login_required
def need_bids(need_id: int):
    need = _load_need(need_id)
    if not can_see_bid_list(need, current_user):
        abort(403)
    return render_template("bids/need_bids.html", need=need, bids=queries.submitted_bids(need))


@bp.route("/needs/<int:need_id>/bids/count", methods=["POST"])
@login_required
def count_visibility(need_id: int):
    need = _load_need(need_id)
    if not can_set_count_visibility(need, current_user) or not ActionForm().validate_on_submit():
        abort(403)
    operations.set_count_visibility(need, request.form.get("show") == "1")
    flash(_("Bid count visibility updated."), "success")
    return redirect(url_for("challenges.detail", need_id=need.id))


def _edit_page(bid: Bid, errors: dict | None = None, status: int = 200):
    profile = operations.profile_for(bid.organisation_id)
    draft = content.as_multidict(bid.draft)
    form = BidForm(formdata=draft)
    form.members.choices = [SelectChoice(str(m.id), m.name)
                          for m in (profile.members if profile else [])]
    for rows, prefix in ((form.milestones, "milestones-"), (form.budget, "budget-")):
        if any(key.startswith(prefix) for key in draft.keys()):
            rows.append_entry()  # one empty row to type into
    return render_template("bids/edit.html", bid=bid, need=bid.challenge, form=form,
                           draft=draft, errors=errors or {}, profile=profile,
                           labels=_error_labels(bid.challenge, draft, errors or {}),
                           action_form=ActionForm()), status


def _error_labels(need: Challenge, draft, errors: dict) -> dict[str, str]:
    """What each line of the summary is about where the message alone does not say (four
    indicators would each read "Say how the value will be verified.")."""
    locale = str(get_locale())
    about = {f"indicator-{i.id}": i.display_name(locale) for i in need.indicators}
    for prefix, label in (("milestones", _("Milestone")), ("budget", _("Budget item"))):
        for number, index in enumerate(content.row_indices(draft, prefix), start=1):
            about[f"{prefix}-{index}"] = f"{label} {number}"
    return {key: about[key.rsplit("-", 1)[0]] for key in errors
            if key.rsplit("-", 1)[0] in about}


@bp.route("/bids/<int:bid_id>/edit", methods=["GET", "POST"])
@login_required
def edit(bid_id: int):
    bid = _load_bid(bid_id)
    if not bid.can_save_draft(current_user):
        abort(403)
    if request.method == "GET":
        if not bid.can_edit(current_user):
            flash(_("Bidding on this need has closed; the bid can no longer be changed."), "info")
            return redirect(url_for("bids.view", bid_id=bid.id))
        return _edit_page(bid)
    try:
        operations.save_draft(bid, content.draft_pairs(request.form))
    except content.DraftTooLarge:
        abort(413)
    _store_file(bid)
    _remove_files(bid, request.form.getlist("remove_attachment"))
    if request.form.get("action") != "submit":
        if bid.can_edit(current_user):
            flash(_("Draft saved."), "success")
            return redirect(url_for("bids.edit", bid_id=bid.id))
        flash(_("Bidding has closed. Your draft was saved but can no longer be submitted."),
              "error")
        return redirect(url_for("bids.view", bid_id=bid.id))
    return _submit(bid)


def _store_file(bid: Bid) -> None:
    upload = request.files.get("attachment")
    if not upload or not upload.filename:
        return
    try:
        operations.add_attachment(bid, store_upload(upload), current_user)
    except UploadRejected as rejected:
        flash(str(rejected.message), "error")


def _remove_files(bid: Bid, ids: list[str]) -> None:
    """A Remove button submits the whole form: the draft is saved, then the file dropped."""
    chosen = {int(i) for i in ids if i.isdigit()}
    if not chosen or not bid.can_edit(current_user):
        return
    for attachment in [a for a in bid.attachments if a.in_draft and a.id in chosen]:
        operations.remove_attachment(bid, attachment)
        flash(_("File removed from the draft."), "success")


def _submit(bid: Bid):
    try:
        version = operations.submit_bid(bid, current_user)
    except operations.BidInvalid as invalid:      # said once, in the summary of the page
        return _edit_page(bid, invalid.errors)  # 200: the draft is committed, nothing lost
    except operations.DeadlinePassed as late:
        flash(str(late.message), "error")
        return redirect(url_for("bids.view", bid_id=bid.id))
    except operations.BidRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("challenges.detail", need_id=bid.challenge_id) + "#confidential")
    flash(_("Bid submitted (version %(n)s). You can still edit and resubmit until the "
            "deadline.", n=version.number), "success")
    return redirect(url_for("bids.view", bid_id=bid.id))


@bp.route("/bids/<int:bid_id>/withdraw", methods=["POST"])
@login_required
def withdraw(bid_id: int):
    bid = _load_bid(bid_id)
    if not bid.can_withdraw(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    operations.withdraw_bid(bid, current_user)
    flash(_("Your bid was withdrawn."), "success")
    return redirect(url_for("bids.mine"))


@bp.route("/bids/<int:bid_id>")
@login_required
def view(bid_id: int):
    bid = _load_bid(bid_id)
    version = bid.latest_version
    return render_template("bids/view.html", bid=bid, need=bid.challenge, version=version,
                           action_form=ActionForm())


@bp.route("/bids/<int:bid_id>/versions/<int:number>")
@login_required
def version(bid_id: int, number: int):
    bid = _load_bid(bid_id)
    found = db.session.scalar(db.select(BidVersion).where(
        BidVersion.bid_id == bid.id, BidVersion.number == number)) or abort(404)
    return render_template("bids/view.html", bid=bid, need=bid.challenge, version=found,
                           action_form=ActionForm())


@bp.route("/bids/<int:bid_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@login_required
def remove_attachment(bid_id: int, attachment_id: int):
    bid = _load_bid(bid_id)
    attachment = db.session.get(BidAttachment, attachment_id)
    if attachment is None or attachment.bid_id != bid.id:
        abort(404)
    if not bid.can_edit(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    operations.remove_attachment(bid, attachment)
    flash(_("File removed from the draft."), "success")
    return redirect(url_for("bids.edit", bid_id=bid.id) + "#files")


@bp.route("/bids/<int:bid_id>/attachments/<int:attachment_id>")
@login_required
def download(bid_id: int, attachment_id: int):
    attachment = db.session.get(BidAttachment, attachment_id)
    if attachment is None or attachment.bid_id != bid_id \
            or not attachment.can_download(current_user):
        abort(404)
    return send_stored(attachment)


from . import panel, team_views  # noqa: E402,F401  (profile routes; template helpers)

panel.register(bp)
