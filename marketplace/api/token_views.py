"""Personal API tokens on the account settings page: create (shown once), revoke.

Web pages with CSRF-protected forms, signed in as usual; the token section of the settings
page (templates/api/_tokens.html) is filled through `api_token_section`.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core.forms import ActionForm
from marketplace.extensions import db

from . import tokens
from .forms import LIFETIMES, TokenForm
from .models import ApiToken, TokenScope

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")
MAX_LIVE_TOKENS = 20


def token_section() -> dict:
    """The settings page's token list and form, for the signed-in user."""
    return {"tokens": tokens.user_tokens(current_user), "form": TokenForm(formdata=None),
            "action_form": ActionForm(), "docs_url": url_for("api.docs")}


bp.app_context_processor(lambda: {"api_token_section": token_section})
SETTINGS = "accounts.settings"


@bp.route("", methods=["POST"])
@login_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        for message in [m for field in form for m in field.errors] or [
                _("The form expired; please try again.")]:
            flash(str(message), "error")
        return redirect(url_for(SETTINGS) + "#api-tokens")
    live = [t for t in tokens.user_tokens(current_user) if t.is_live]
    if len(live) >= MAX_LIVE_TOKENS:
        flash(_("You have %(n)s tokens in use: revoke one you no longer need first.",
                n=len(live)), "error")
        return redirect(url_for(SETTINGS) + "#api-tokens")
    token, secret = tokens.create_token(current_user, form.name.data, TokenScope(form.scope.data),
                                        LIFETIMES[form.lifetime.data])
    response = make_response(render_template("api/token_created.html", token=token,
                                              secret=secret))
    # the secret is on this page only: never cached, never sent on as a Referer
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or not token.can_revoke(current_user):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(token)
    flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for(SETTINGS) + "#api-tokens")
