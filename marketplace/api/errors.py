"""Errors on /api/ paths are JSON: {"code": a stable string, "message": translated (the
request's Accept-Language), "errors": field → messages when fields were refused}.

The site's own error pages (core.web) stay HTML: `install` wraps each of the app's error
handlers so that it answers JSON for /api/ paths and hands every other path to the handler
that was there before.
"""
from __future__ import annotations

from flask import Flask, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, default_exceptions

from marketplace.extensions import db

API_PREFIX = "/api/"

# status → (stable code, message when the raiser gave none)
DEFAULTS = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("token_required", _l("This needs a personal API token, sent as “Authorization: "
                               "Bearer <token>”. Create one in your account settings.")),
    403: ("forbidden", _l("You do not have permission to do this.")),
    404: ("not_found", _l("Nothing was found at this address, or it is not available to "
                          "you.")),
    405: ("method_not_allowed", _l("This method is not available at this address.")),
    409: ("conflict", _l("This cannot be done in the resource’s current state.")),
    412: ("precondition_failed", _l("The resource changed since you read it (If-Match): read "
                                    "it again, then send your change.")),
    413: ("payload_too_large", _l("The request is larger than the allowed size.")),
    415: ("unsupported_media_type", _l("Send the request body as JSON (Content-Type: "
                                       "application/json).")),
    422: ("validation_failed", _l("Some fields were refused: see “errors”. Nothing was "
                                  "saved.")),
    429: ("rate_limited", _l("Too many requests. Please wait a moment and try again.")),
    500: ("internal_error", _l("Something went wrong on our side. The error was logged; "
                               "please try again later.")),
    503: ("unavailable", _l("This is unavailable for a moment. Please try again in a few "
                            "minutes.")),
}
HANDLED = tuple(code for code in DEFAULTS if code in default_exceptions)


class ApiAbort(HTTPException):
    """An API refusal with its stable code, e.g. ApiAbort(403, "insufficient_scope", _l(…))."""

    def __init__(self, status: int, code: str, message=None, errors: dict | None = None,
                 headers: dict | None = None):
        super().__init__(description=None)
        self.code = status
        self.api_code = code
        self.api_message = message
        self.errors = errors
        self.extra_headers = headers or {}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(error: HTTPException):
    status = getattr(error, "code", None) or 500
    code, default_message = DEFAULTS.get(status, ("error", DEFAULTS[500][1]))
    message = getattr(error, "api_message", None)
    if message is None:
        # abort(400, _("…")) says what was wrong; werkzeug's own English texts are not shown
        told = getattr(error, "description", None)
        message = told if told and told != getattr(type(error), "description", None) \
            and status != 429 else default_message
    payload = {"code": getattr(error, "api_code", None) or code, "message": str(message)}
    errors = getattr(error, "errors", None) or _webargs_errors(error)
    if errors:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = status
    if status == 405:
        response.headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or ())
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    for name, value in getattr(error, "extra_headers", {}).items():
        response.headers[name] = value
    return response


def _webargs_errors(error) -> dict | None:
    """The field messages webargs (flask-smorest's argument parser) attached to a 422 or 400:
    {"json": {"title_zh": ["…"]}} → {"title_zh": ["…"]}; nested fields by dotted path."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if not isinstance(messages, dict):
        return None
    flat: dict[str, list[str]] = {}
    for location_messages in messages.values():
        _flatten(location_messages, "", flat)
    return flat or None


def _flatten(value, path: str, flat: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{path}.{key}" if path else str(key), flat)
    elif isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list)) for v in value):
        for index, inner in enumerate(value):
            _flatten(inner, f"{path}.{index}" if path else str(index), flat)
    else:
        items = value if isinstance(value, (list, tuple)) else [value]
        flat.setdefault(path or "_request", []).extend(str(item) for item in items)


def form_errors(form) -> dict[str, list[str]]:
    """A WTForms form's errors as the API reports them: "indicators.0.target": […]."""
    flat: dict[str, list[str]] = {}
    _flatten(form.errors, "", flat)
    return flat


def _changed_meanwhile(_error):
    db.session.rollback()
    return json_error(ApiAbort(409, "changed_meanwhile", _l(
        "This was changed at the same moment by another request. Nothing was changed by "
        "yours: read the resource again, then send your change.")))


def _either(previous, api_handler=json_error):
    """Answer /api/ paths with JSON; anything else as the app did before."""
    def handler(error):
        if is_api_request():
            return api_handler(error)
        return previous(error) if previous is not None else error
    return handler


def install(app: Flask) -> None:
    for status in HANDLED:
        exception = default_exceptions[status]
        previous = app.error_handler_spec[None][status].get(exception)
        app.register_error_handler(status, _either(previous))
    previous = app.error_handler_spec[None][None].get(StaleDataError)
    app.register_error_handler(StaleDataError, _either(previous, _changed_meanwhile))
    app.register_error_handler(ApiAbort, json_error)
