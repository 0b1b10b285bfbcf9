"""Answers shared by the API's endpoints: JSON with an ETag (304 for If-None-Match), the
documentation of the error answers, the security requirements."""
from __future__ import annotations

import hashlib

from flask import current_app, json, request

from .errors import ApiAbort

TOKEN = [{"bearerAuth": []}]
TOKEN_OPTIONAL = [{}, {"bearerAuth": []}]
ERROR_RESPONSES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN",
                   404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
                   422: "UNPROCESSABLE_ENTITY", 429: "TOO_MANY_REQUESTS",
                   503: "SERVICE_UNAVAILABLE"}


def errors(blueprint, *statuses: int):
    """Document the error answers an endpoint gives (each with the error schema)."""
    def decorate(view):
        for status in statuses:
            view = blueprint.alt_response(status, response=ERROR_RESPONSES[status])(view)
        return view
    return decorate


def dumped(schema, data) -> str:
    """`data` through `schema` (None: data that is JSON already, such as an OCDS package)."""
    return json.dumps(schema.dump(data) if schema is not None else data, ensure_ascii=False,
                      sort_keys=True)


def etag_of(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def answer(schema, data, status: int = 200, headers: dict | None = None,
           private: bool = False):
    """`data` through `schema`, with its ETag; 304 when the caller has it (If-None-Match)."""
    body = dumped(schema, data)
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.set_etag(etag_of(body))
    response.headers["Vary"] = "Authorization, Accept-Language"
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if request.method in ("GET", "HEAD") and status == 200:
        response.make_conditional(request)
    return response


def check_if_match(schema, data) -> None:
    """A change sent with If-Match applies only to the version the caller read (412)."""
    if request.if_match and not request.if_match.contains(etag_of(dumped(schema, data))) \
            and not request.if_match.star_tag:
        raise ApiAbort(412, "precondition_failed")
