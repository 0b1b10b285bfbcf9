"""Register, log in, log out, reset a forgotten password."""
from __future__ import annotations

from flask import (Blueprint, abort, flash, g, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from marketplace.core.i18n import LANG_COOKIE, LOCALES, remember_locale
from marketplace.core.limits import limited, limiter, setting
from marketplace.core.redirects import safe_target
from marketplace.extensions import db, login_manager

from . import resets, sessions

from .countries import country_name
from .forms import (ORG_TYPE_LABELS, ForgotPasswordForm, LoginForm, OrganisationForm,
                    PasswordChangeForm, RegisterForm, ResetPasswordForm, SettingsForm)
from .models import OrgType, Role
from .operations import (Throttled, authenticate, create_organisation, create_user,
                         hash_password, normalise_email, update_organisation)

bp = Blueprint("accounts", __name__, url_prefix="/account")
bp.record_once(lambda _state: login_manager.user_loader(sessions.load))
bp.add_app_template_filter(
    lambda code: country_name(code, str(get_locale() or "zh")), "country_name")


@bp.app_context_processor
def _account_helpers() -> dict:
    return {"Role": Role, "org_type_label": ORG_TYPE_LABELS.get}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
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
    sessions.start(user)
    login_user(user)
    # a language chosen before signing in is the user's choice: notices and emails follow it
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES and chosen != user.locale:
        user.locale = chosen
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(safe_target(request.args.get("next"), default=_start_page(user)))


def _start_page(user) -> str:
    """Where a sign-in without `next` lands: the page of the user's own work."""
    for role, endpoint in ((Role.admin, "admin.dashboard"), (Role.reviewer, "review.mine"),
                           (Role.owner, "challenges.dashboard"), (Role.solver, "bids.mine")):
        if user.has_role(role):
            return url_for(endpoint)
    return url_for("site.home")


@bp.route("/register", methods=["GET", "POST"])
@limited("RATE_LIMIT_REGISTER")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form), \
            400 if form.is_submitted() else 200
    try:
        with db.session.begin_nested():
            org = create_organisation(form.organisation.data,
                                      OrgType(form.organisation_type.data), form.country.data,
                                      name_en=form.organisation_en.data)
            user = create_user(form.email.data, form.name.data, form.password.data,
                               {Role(form.account_type.data)}, organisation=org,
                               locale=request.cookies.get("lang"))
    except IntegrityError:
        # the same address registered at the same moment (a double click): one account
        form.email.errors = [*form.email.errors,
                             _("An account with this email already exists.")]
        g.rollback_only = True
        return render_template("accounts/register.html", form=form), 400
    sessions.start(user)
    login_user(user)
    flash(_("Your account is ready. An administrator will verify your organisation."), "success")
    return redirect(url_for("site.home"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("site.home"))


def _settings_page(settings: SettingsForm, password: PasswordChangeForm, status: int = 200):
    return render_template("accounts/settings.html", form=settings,
                           password_form=password), status


def _settings_form(**kwargs) -> SettingsForm:
    return SettingsForm(data={
        "name": current_user.name, "timezone": current_user.timezone or "",
        "locale": current_user.locale or request.cookies.get(LANG_COOKIE) or "zh"}, **kwargs)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Name, language and time zone; the password has its own form on the same page."""
    form = _settings_form()
    if request.method == "GET":
        return _settings_page(form, PasswordChangeForm(formdata=None))
    if not form.validate_on_submit():
        return _settings_page(form, PasswordChangeForm(formdata=None), 400)
    current_user.name = form.name.data.strip()
    current_user.locale = form.locale.data
    current_user.timezone = form.timezone.data or None
    flash(_("Your settings are saved."), "success")
    return remember_locale(redirect(url_for("accounts.settings")), form.locale.data)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    settings_form = _settings_form(formdata=None)
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _settings_page(settings_form, form, 400)
    try:
        # the same throttled check as logging in, so this form cannot be used to guess
        user = authenticate(current_user.email, form.current.data, request.remote_addr or "-")
    except Throttled:
        flash(_("Too many failed attempts. Wait 15 minutes and try again."), "error")
        return _settings_page(settings_form, form, 429)
    if user is None:
        form.current.errors = [_("This is not your current password.")]
        # 200 so that the failed attempt is committed and counts towards the limit
        return _settings_page(settings_form, form)
    user.password_hash = hash_password(form.password.data)
    ended = sessions.end_all(current_user, keep_current=True)
    flash(_("Your password is changed.") + (" " + _(
        "You were signed out everywhere else (%(count)d other sessions).", count=ended)
        if ended else ""), "success")
    return redirect(url_for("accounts.settings"))


# Asking for reset links is limited per client address (scanning for accounts) and per email
# address (filling somebody's mailbox): core.limits' RATE_LIMIT_PASSWORD_RESET(_EMAIL).
def _reset_email_key() -> str:
    return "password-reset:" + normalise_email(request.form.get("email", ""))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limited("RATE_LIMIT_PASSWORD_RESET")
@limiter.limit(setting("RATE_LIMIT_PASSWORD_RESET_EMAIL"), key_func=_reset_email_key,
               methods=["POST"])
def forgot_password():
    """Ask for a reset link. The answer is the same whether or not the address has an
    account: only its owner learns it, from the mail."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot_password.html", form=form), \
            400 if form.is_submitted() else 200
    resets.request_reset(form.email.data)
    flash(_("If an account exists for %(email)s, we have sent a link to that address to "
            "choose a new password. The link works once, within one hour. If no mail "
            "arrives, check the spam folder and the address you typed.",
            email=normalise_email(form.email.data)), "info")
    return redirect(url_for("accounts.forgot_password"))


def _private(response, status: int):
    """A page whose address holds a reset token: never sent on as a Referer, never cached."""
    response = make_response(response, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with the link from the mail; the link works once."""
    user = resets.user_for_token(token)
    if user is None:
        return _private(render_template("accounts/reset_invalid.html"), 400)
    form = ResetPasswordForm()
    org = user.organisation
    form.own_words = (user.email, user.name, *((org.name, org.name_en) if org else ()))
    if not form.validate_on_submit():
        return _private(render_template("accounts/reset_password.html", form=form, user=user),
                        400 if form.is_submitted() else 200)
    resets.reset_password(user, form.password.data, request.remote_addr or "-")
    if current_user.is_authenticated:
        logout_user()                # its sign-in ended with every other one
    flash(_("Your password is changed, and every sign-in to your account has ended. Log in "
            "with your new password."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/organisation", methods=["GET", "POST"])
@login_required
def organisation():
    """The organisation's name in both languages, type and country, edited by its members.
    A verified organisation whose name or country changes is verified again by the program
    office."""
    org = current_user.organisation
    if org is None or not (current_user.has_role(Role.owner)
                           or current_user.has_role(Role.solver)):
        abort(403)
    form = OrganisationForm(obj=org) if request.method == "GET" else OrganisationForm()
    if request.method == "GET":
        form.type.data = org.type.value
    elif form.validate_on_submit():
        changed = update_organisation(org, name=form.name.data, name_en=form.name_en.data,
                                      org_type=OrgType(form.type.data),
                                      country=form.country.data)
        if changed & {"name", "name_en", "country"}:
            flash(_("Your organisation is saved. The program office will verify the change."),
                  "success")
        else:
            flash(_("Your organisation is saved."), "success")
        return redirect(url_for("accounts.organisation"))
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("accounts/organisation.html", form=form, org=org), status
