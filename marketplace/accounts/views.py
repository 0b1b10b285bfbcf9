"""Register, log in, log out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .forms import LoginForm, RegisterForm
from .models import OrgType, Role
from .operations import Throttled, authenticate, create_organisation, create_user

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400 if form.is_submitted() else 200
    try:
        user = authenticate(form.email.data, form.password.data, request.remote_addr or "-")
    except Throttled:
        flash(_("Too many failed attempts. Wait 15 minutes and try again."), "error")
        return render_template("accounts/login.html", form=form), 429
    if user is None:
        flash(_("Wrong email or password."), "error")
        return render_template("accounts/login.html", form=form)
    login_user(user)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form), \
            400 if form.is_submitted() else 200
    org = create_organisation(form.organisation.data, OrgType(form.organisation_type.data),
                              form.country.data, name_en=form.organisation_en.data)
    user = create_user(form.email.data, form.name.data, form.password.data,
                       {Role(form.account_type.data)}, organisation=org,
                       locale=request.cookies.get("lang"))
    login_user(user)
    flash(_("Your account is ready. An administrator will verify your organisation."), "success")
    return redirect(url_for("core.home"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("core.home"))
