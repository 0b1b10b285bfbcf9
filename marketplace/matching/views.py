"""Expertise profile, "needs matched to you", and the admin's reviewer fit for a need."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.models import Role
from marketplace.challenges.models import Challenge
from marketplace.accounts.permissions import admin_required
from marketplace.extensions import db

from . import operations
from .forms import ExpertiseForm
from .queries import matched_needs, reviewers_for

bp = Blueprint("matching", __name__)


def can_keep_profile(user) -> bool:
    return user.has_role(Role.solver) or user.has_role(Role.reviewer)


@bp.route("/my/expertise", methods=["GET", "POST"])
@login_required
def expertise():
    if not can_keep_profile(current_user):
        abort(403)
    profile = operations.profile_for(current_user)
    if profile is None and request.method == "GET":
        # one expertise, two pages: a first visit starts from what the team profile says
        start = operations.matching_profile(current_user)
        form = ExpertiseForm(data={"chain_ids": list(start.chain_ids) if start else [],
                                   "keywords_text": start.keywords_text if start else ""})
    else:
        form = ExpertiseForm(obj=profile)
    if form.validate_on_submit():
        operations.save_profile(current_user, form.chain_ids.data or [], form.keywords_text.data)
        flash(_("Your expertise profile was saved."), "success")
        return redirect(url_for("matching.matches" if current_user.has_role(Role.solver)
                                else "matching.expertise"))
    return render_template("matching/expertise.html", form=form, profile=profile), \
        400 if form.errors else 200


@bp.route("/my/matches")
@login_required
def matches():
    if not can_keep_profile(current_user):
        abort(403)
    profile = operations.matching_profile(current_user)
    return render_template("matching/matches.html", profile=profile,
                           matches=matched_needs(profile) if profile else [])


@bp.route("/admin/needs/<int:need_id>/reviewers")
@admin_required
def reviewer_fit(need_id: int):
    need = db.session.get(Challenge, need_id) or abort(404)
    return render_template("matching/reviewers.html", need=need, fits=reviewers_for(need))
