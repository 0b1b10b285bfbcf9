"""The API's own blueprint: the OpenAPI document, the documentation page and its assets.

Registering it (marketplace/__init__.py, as every view module) installs the rest on the app:
flask-smorest's Api with the resource blueprints, JSON errors on /api/ paths, the language
of API answers (Accept-Language) and the rate limits.
"""
from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import flask_swagger_ui
from flask import (Blueprint, Flask, abort, current_app, g, jsonify, render_template, request,
                   send_from_directory, url_for)
from flask_babel import get_babel
from flask_babel import lazy_gettext as _l
from flask_smorest import Api

from marketplace.core.i18n import LOCALES
from marketplace.core.limits import limiter, setting
from marketplace.extensions import csrf

from . import auth, errors
from .models import TokenScope
from .schemas import ErrorSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1", static_folder="static",
               static_url_path="/docs/static")

# Swagger UI from a pinned package (flask-swagger-ui vendors its dist), served from here
SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SWAGGER_ASSETS = {"swagger-ui-bundle.js", "swagger-ui.css"}
LIMITS = {"RATE_LIMIT_API": "120 per minute", "RATE_LIMIT_API_WRITE": "300 per hour"}
RESOURCE_MODULES = ("needs", "open_data", "mine", "program_office", "ocds")
NUL_MESSAGE = _l("What you sent contains a NUL character (\\0), which cannot be stored. "
                 "Remove it (it often comes with text pasted from a binary file) and try "
                 "again.")


class MarketplaceApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Not flask-smorest's handler for every HTTP error of the app: errors.install
        answers JSON on /api/ paths only, and the web pages keep theirs."""


def _resources() -> list:
    found = []
    for name in RESOURCE_MODULES:
        try:
            found.append(import_module(f"{__package__}.{name}").blp)
        except ModuleNotFoundError as missing:   # OCDS comes with marketplace.ocds
            if not (missing.name or "").startswith("marketplace.ocds"):
                raise
    return found


RESOURCES = _resources()


def _unstorable(body) -> str | None:
    """Why text in a JSON body cannot be stored (PostgreSQL takes neither NUL nor unpaired
    surrogates, which JSON can carry), or None. Walked without recursion: JSON nests deep."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str):
            if "\x00" in value:
                return str(NUL_MESSAGE)
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return str(_l("What you sent contains text that is not valid Unicode (an "
                              "unpaired surrogate \\ud800–\\udfff). Send it as UTF-8 text."))
    return None


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:          # nested deeper than any draft is: not read further
        raise errors.ApiAbort(400, "bad_request") from None


def _before_api_request() -> None:
    auth.load_token()
    if request.method in ("POST", "PUT", "PATCH"):
        auth.require(TokenScope.write)      # who may write is settled before what is sent
        if request.content_length and not request.is_json:
            raise errors.ApiAbort(415, "unsupported_media_type")
        problem = _unstorable(_json_body())
        if problem:
            raise errors.ApiAbort(400, "unstorable_text", problem)


for _resource in RESOURCES:
    _resource.before_request(_before_api_request)
    limiter.shared_limit(setting("RATE_LIMIT_API"), scope="api")(_resource)
    csrf.exempt(_resource)      # tokens only, never the session cookie: see auth.py


def _answer_in_requested_language(app: Flask) -> None:
    """API answers follow Accept-Language (then the token user's language), not the site's
    language cookie; every other page chooses as before (core.i18n)."""
    config = get_babel(app)
    site_selector = config.locale_selector

    def select_locale():
        if not errors.is_api_request():
            return site_selector()
        token = g.get("api_token")
        return (request.accept_languages.best_match(LOCALES)
                or (token.user.locale if token is not None and token.user.locale in LOCALES
                    else None)
                or app.config["BABEL_DEFAULT_LOCALE"])

    config.locale_selector = select_locale


@bp.record_once
def _install(state) -> None:
    app = state.app
    for name, value in LIMITS.items():
        app.config.setdefault(name, os.environ.get(name, value))
    api = MarketplaceApi(app, spec_kwargs={
        "title": "揭榜挂帅 marketplace API", "version": "1", "openapi_version": "3.0.3",
        "info": {"description": (
            "Open data on technical needs, the 1030 taxonomy, the industry map, publicity "
            "and OCDS; with a personal API token (account settings), a team's bids, an "
            "owner's needs and drafts, the program office's review reports and exports. "
            "Errors are JSON: {code, message, errors}; messages follow Accept-Language.")}})
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "A personal API token from the account settings page"})
    for resource in RESOURCES:
        api.register_blueprint(resource)
    app.extensions["marketplace-api"] = api
    errors.install(app)
    _answer_in_requested_language(app)


@bp.route("/")
def index():
    return jsonify({"openapi": url_for("api.openapi_json", _external=True),
                    "docs": url_for("api.docs", _external=True)})


@bp.route("/openapi.json")
def openapi_json():
    response = jsonify(current_app.extensions["marketplace-api"].spec.to_dict())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/docs")
def docs():
    """Swagger UI, from this server only (the site's Content-Security-Policy holds)."""
    return render_template("api/docs.html")


@bp.route("/docs/assets/<name>")
def docs_asset(name: str):
    if name not in SWAGGER_ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)
