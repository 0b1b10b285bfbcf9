"""Hook the reminders into the per-process deadline sweep (marketplace.core.web)."""
from __future__ import annotations

from flask import Flask


def _sweep_hook() -> int:
    from .events import sweep
    return sweep()


def init_app(app: Flask) -> None:
    app.extensions.setdefault("deadline_sweep_hooks", []).append(_sweep_hook)
