"""Closing needs at their deadline, as periodic work of the worker (core.periodic)."""
from __future__ import annotations

from flask import Flask

from marketplace.core import periodic

from .operations import close_expired


def init_app(app: Flask) -> None:
    periodic.register(app, "close-expired", close_expired)
