"""Email delivery from the outbox: SMTP, or files in MAIL_OUTBOX_DIR when no server is set.

Emails are queued in the request's transaction (OutboxEmail) and delivered after commit by
a background thread per process, by `flask notifications send`, or by the periodic sweep.
A failed send is retried with exponential backoff and, after the last try, marked failed.
"""
from __future__ import annotations

import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import EmailStatus, OutboxEmail

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
IDLE_POLL_SECONDS = 60
# how long a claimed email is left to its sender before another process may try it (an SMTP
# send times out after 15 s; a process killed mid-send is retried after this)
SENDING_LEASE = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS))


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at or utcnow())   # when it was written
    message["Message-ID"] = f"<outbox-{email.id}@{sender.split('@')[-1]}>"
    message.set_content(email.body)
    return message


def transmit(email: OutboxEmail, config) -> None:
    message = build_message(email, config["MAIL_FROM"])
    if not config.get("MAIL_SERVER"):
        folder = Path(config["MAIL_OUTBOX_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{email.id}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def deliver_due(session: Session, config, now: datetime | None = None, limit: int = 50,
                retry_failed: bool = False) -> dict[str, int]:
    """Try every due email once; commits its own session.

    Exactly once per row, on every database and with any number of processes and machines:
    each row is claimed by a conditional UPDATE (due, and still in a state to send) that
    moves its next attempt a lease ahead, committed before the send. Of two processes that
    read the same due rows only one claim changes the row; the other finds nothing to send.
    (SELECT … FOR UPDATE did this on PostgreSQL only; SQLite ignored it and two gunicorn
    workers sent about one email in eight twice.) A process killed while sending leaves its
    claim to run out, and the row is tried again after SENDING_LEASE: no mail is lost."""
    now = now or utcnow()
    statuses = [EmailStatus.pending, EmailStatus.failed] if retry_failed else [EmailStatus.pending]
    due = (OutboxEmail.status.in_(statuses), OutboxEmail.next_attempt_at <= now)
    candidates = list(session.scalars(select(OutboxEmail.id).where(*due)
                                      .order_by(OutboxEmail.id).limit(limit)))
    session.commit()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for email_id in candidates:
        claimed = session.execute(
            update(OutboxEmail).where(OutboxEmail.id == email_id, *due)
            .values(status=EmailStatus.pending, attempts=OutboxEmail.attempts + 1,
                    next_attempt_at=now + SENDING_LEASE)
            .execution_options(synchronize_session=False)).rowcount
        session.commit()
        if claimed != 1:
            continue                # another process has it
        email = session.get(OutboxEmail, email_id, populate_existing=True)
        try:
            transmit(email, config)
        except Exception as exc:  # any transport error: retry later, never raise
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.failed
                counts["failed"] += 1
            else:
                email.next_attempt_at = now + backoff(email.attempts)
                counts["retrying"] += 1
        else:
            email.status = EmailStatus.sent
            email.sent_at = utcnow()
            email.last_error = None
            counts["sent"] += 1
        session.commit()
    return counts


def deliver_now(app: Flask) -> dict[str, int]:
    with app.app_context(), Session(db.engine) as session:
        return deliver_due(session, app.config)


class Deliverer:
    """One background thread per process, woken after each commit that queued email."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def kick(self) -> None:
        mode = self.app.config.get("MAIL_SEND_AFTER_COMMIT", "thread")
        if mode == "off":
            return
        if mode == "inline":
            self._deliver()
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="mail-outbox",
                                               daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait(timeout=IDLE_POLL_SECONDS)
            self.wake.clear()
            self._deliver()

    def _deliver(self) -> None:
        try:
            deliver_now(self.app)
        except Exception:  # the database may be busy; the next kick or sweep retries
            self.app.logger.exception("mail delivery failed")


def init_app(app: Flask) -> None:
    app.config.setdefault("MAIL_SEND_AFTER_COMMIT", "inline" if app.testing else "thread")
    app.extensions["mail_deliverer"] = Deliverer(app)


def kick_delivery() -> None:
    if has_app_context() and "mail_deliverer" in current_app.extensions:
        current_app.extensions["mail_deliverer"].kick()


@event.listens_for(Session, "after_flush")
def _note_queued_email(session, flush_context) -> None:
    if any(isinstance(obj, OutboxEmail) for obj in session.new):
        session.info["outbox_queued"] = True


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session) -> None:
    # SQLAlchemy also calls this when a SAVEPOINT is released: the mail is not committed yet
    # then, so the flag waits for the real commit
    if session.in_nested_transaction():
        return
    if session.info.pop("outbox_queued", False):
        kick_delivery()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction) -> None:
    if session.in_transaction() is False:
        session.info.pop("outbox_queued", None)
