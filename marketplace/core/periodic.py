"""Periodic work (closing needs at their deadline, reminders, finalising awards, mail), run by
`flask --app wsgi worker`, never inside a web request.

Domains register their tasks at start-up; each run commits each task on its own, so one
failing task neither blocks nor undoes the others. Every task is idempotent (it records what
it did: a closing transition, a notice sent, an email's status), so running it twice, or in
two processes, does nothing twice (the several-machines issue adds row claims on top).
"""
from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable

from flask import Flask

from marketplace.extensions import db

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 30


def register(app: Flask, name: str, task: Callable[[], int]) -> None:
    """`task()` runs in an app context, flushes its changes and returns how many things it
    did; the runner commits."""
    tasks = app.extensions.setdefault("periodic_tasks", {})
    tasks[name] = task


def run_once(app: Flask) -> dict[str, int]:
    done: dict[str, int] = {}
    # links in notices and emails need a site address outside a request
    base = app.config["PUBLIC_BASE_URL"]
    for name, task in app.extensions.get("periodic_tasks", {}).items():
        with app.test_request_context("/", base_url=base):
            try:
                done[name] = task() or 0
                db.session.commit()
            except Exception:      # the next task and the next run go on
                db.session.rollback()
                log.exception("periodic task %s failed", name)
                done[name] = -1
            finally:
                db.session.remove()
    return done


def run_forever(app: Flask, interval: float = INTERVAL_SECONDS,
                report: Callable[[dict], None] | None = None) -> None:
    """Run every task every `interval` seconds until SIGTERM or SIGINT (finishing the run
    in progress)."""
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stopping.append(True))
    while not stopping:
        started = time.monotonic()
        done = run_once(app)
        if report and any(done.values()):
            report(done)
        while not stopping and time.monotonic() - started < interval:
            time.sleep(0.2)
