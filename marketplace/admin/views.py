"""The program office: screening queue, publish or return, organisations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, Role, User
from marketplace.accounts.operations import set_user_roles, set_verified
from marketplace.accounts.permissions import admin_required
from marketplace.challenges import operations
from marketplace.challenges.forms import ReturnForm
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.queries import screening_queue
from marketplace.core.forms import ActionForm
from marketplace.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@admin_required
def dashboard():
    counts = dict(db.session.execute(
        select(Challenge.status, func.count(Challenge.id)).group_by(Challenge.status)).all())
    return render_template("admin/dashboard.html", counts=counts, NeedStatus=NeedStatus)


@bp.route("/screening")
@admin_required
def screening():
    return _screening_page(ReturnForm())


def _screening_page(return_form: ReturnForm, refused_need_id: int | None = None,
                    status: int = 200):
    """The queue; a refused return shows its message beside that need's reasons box."""
    needs = db.session.scalars(screening_queue()).all()
    return render_template("admin/screening.html", needs=needs, action_form=ActionForm(),
                           return_form=return_form, refused_need_id=refused_need_id), status


@bp.route("/needs/<int:need_id>/publish", methods=["POST"])
@admin_required
def publish(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_screen(current_user) or not ActionForm().validate_on_submit():
        abort(403)
    if request.form.get("confirm") != "publish":
        # the button that publishes sits behind "Publish…": one stray click publishes nothing
        flash(_("Confirm publishing: open “Publish…” and press “Publish now”."), "error")
        return redirect(url_for("admin.screening") + f"#need-{need.id}")
    try:
        operations.publish(need, current_user)
    except operations.TransitionError as refused:
        g.rollback_only = True
        flash(str(refused.message), "error")
        return redirect(url_for("admin.screening"))
    flash(_("Published: %(title)s", title=need.title(str(get_locale()))), "success")
    return redirect(url_for("admin.screening"))


@bp.route("/needs/<int:need_id>/return", methods=["POST"])
@admin_required
def return_need(need_id: int):
    need = db.get_or_404(Challenge, need_id)
    if not need.can_screen(current_user):
        abort(403)
    form = ReturnForm()
    if not form.validate_on_submit():
        if not form.reason.errors:            # a stale CSRF token: nothing to mark
            flash(_("The form expired; please try again."), "error")
            return redirect(url_for("admin.screening"))
        return _screening_page(form, need.id, 400)
    try:
        operations.return_to_owner(need, current_user, form.reason.data)
    except operations.TransitionError as refused:      # e.g. reasons of spaces only
        g.rollback_only = True
        flash(str(refused.message), "error")
        return redirect(url_for("admin.screening"))
    flash(_("Returned to the owner with your reasons."), "success")
    return redirect(url_for("admin.screening"))


@bp.route("/organisations")
@admin_required
def organisations():
    orgs = db.session.scalars(select(Organisation).order_by(
        Organisation.verified, Organisation.created_at.desc())).all()
    return render_template("admin/organisations.html", orgs=orgs, action_form=ActionForm())


@bp.route("/organisations/<int:org_id>/verify", methods=["POST"])
@admin_required
def verify_organisation(org_id: int):
    org = db.session.get(Organisation, org_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    # the form says which state it wants: a double click verifies once, never twice over
    wanted = request.form.get("verified", "1" if not org.verified else "0") == "1"
    if wanted != org.verified:
        set_verified(org, wanted, current_user)
    flash(_("Organisation verified.") if org.verified else _("Verification removed."), "success")
    return redirect(url_for("admin.organisations"))


@bp.route("/users")
@admin_required
def users():
    people = db.session.scalars(select(User).order_by(User.created_at.desc())).all()
    return render_template("admin/users.html", people=people, action_form=ActionForm(),
                           roles=list(Role))


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@admin_required
def set_roles(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = {Role(value) for value in request.form.getlist("roles")
              if value in {role.value for role in Role}}
    if user.id == current_user.id and Role.admin not in wanted:
        flash(_("You cannot remove your own administrator role."), "error")
        return redirect(url_for("admin.users"))
    set_user_roles(user, wanted, current_user)
    flash(_("Roles of %(name)s updated.", name=user.name), "success")
    return redirect(url_for("admin.users"))
