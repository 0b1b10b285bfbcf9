"""The solver team's profile page (routes on the bids blueprint)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import operations
from .forms import EXTRA_MEMBER_ROWS, ProfileForm, chain_choices, split_keywords
from .models import is_team_member
from .views import bp


def _form(profile, choices) -> ProfileForm:
    if request.method == "POST":
        form = ProfileForm()
    else:
        form = ProfileForm(data={
            "summary": profile.summary, "achievements": profile.achievements,
            "chains": profile.chain_ids, "chains_text": ", ".join(profile.chain_ids),
            "keywords": ", ".join(profile.keywords),
            "members": [{"id": str(m.id), "name": m.name, "title": m.title or "",
                         "role": m.role or "", "bio": m.bio or ""} for m in profile.members]})
        for _i in range(EXTRA_MEMBER_ROWS):
            form.members.append_entry()
    form.chains.choices = choices or []
    return form


@bp.route("/team", methods=["GET", "POST"])
@login_required
def profile():
    if not is_team_member(current_user, current_user.organisation_id):
        abort(403)
    team = operations.profile_for(current_user.organisation_id, create=True)
    choices = chain_choices(str(get_locale() or "zh"))
    form = _form(team, choices)
    if request.method == "GET":
        return render_template("bids/profile.html", form=form, profile=team,
                               free_chains=choices is None)
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields. Nothing was saved yet."), "error")
        return render_template("bids/profile.html", form=form, profile=team,
                               free_chains=choices is None), 400
    operations.update_profile(
        team, summary=form.summary.data, chain_ids=form.chain_ids(free=choices is None),
        keywords=split_keywords(form.keywords.data),
        achievements=form.achievements.data, members=form.member_rows())
    flash(_("Team profile saved."), "success")
    return redirect(url_for("bids.profile"))
