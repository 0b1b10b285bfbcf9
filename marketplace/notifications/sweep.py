"""Deadline reminders and closing notices, and mail delivery, as periodic work of the
worker (marketplace.core.periodic)."""
from __future__ import annotations

from flask import Flask

from marketplace.core import periodic


def _reminders() -> int:
    from .events import sweep
    return sweep()


def _mail(app: Flask):
    def deliver() -> int:
        from .mail import deliver_now
        return sum(deliver_now(app).values())
    return deliver


def init_app(app: Flask) -> None:
    periodic.register(app, "reminders", _reminders)
    periodic.register(app, "mail", _mail(app))
