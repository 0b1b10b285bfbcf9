"""Coarse per-address limits on the forms anyone can fill in many times: registration,
questions, objections, uploads and password-reset requests (Flask-Limiter). Login has its own database-backed
throttle (accounts.operations).

Storage is the process's memory by default (one machine, `make run`); set
RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379/0, with the `redis` package) so that
several app processes share the counts. Each limit is a setting (RATE_LIMIT_*), so an office
can loosen it for a registration day.
"""
from __future__ import annotations

import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)

DEFAULT_LIMITS = {
    "RATE_LIMIT_REGISTER": "10 per hour",
    "RATE_LIMIT_QUESTION": "30 per hour",
    "RATE_LIMIT_OBJECTION": "10 per hour",
    "RATE_LIMIT_UPLOAD": "60 per hour",
    # reset links: per client address, and per email address asked for
    "RATE_LIMIT_PASSWORD_RESET": "10 per hour",
    "RATE_LIMIT_PASSWORD_RESET_EMAIL": "3 per hour",
}


def setting(name: str):
    """A limit read from the app's settings when a request comes (for @limiter.limit)."""
    return lambda: current_app.config[name]


def limited(name: str):
    """Decorator: the POSTs of this view count against the address's limit `name`."""
    return limiter.limit(setting(name), methods=["POST"])


def init_app(app: Flask) -> None:
    for name, value in DEFAULT_LIMITS.items():
        app.config.setdefault(name, os.environ.get(name, value))
    app.config.setdefault("RATELIMIT_STORAGE_URI",
                          os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
