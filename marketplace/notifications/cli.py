"""`flask --app wsgi notifications send|remind`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.extensions import db


@click.group("notifications")
def notifications_cli() -> None:
    """Notifications and the email outbox."""


@notifications_cli.command("send")
@click.option("--retry-failed", is_flag=True, help="Also try emails that were given up on.")
@with_appcontext
def send_command(retry_failed: bool) -> None:
    """Deliver every email that is due now."""
    from .mail import deliver_due
    counts = deliver_due(db.session, current_app.config, retry_failed=retry_failed)
    click.echo(f"sent {counts['sent']}, retrying later {counts['retrying']}, "
               f"failed {counts['failed']}")


@notifications_cli.command("remind")
@with_appcontext
def remind_command() -> None:
    """Deadline reminders (3 days, 1 day) and closing notices; each is given only once."""
    from .events import notify_closed, remind_deadlines
    from .mail import deliver_due
    # this command delivers itself below; no background thread in a short-lived process
    config = current_app.config
    mode = config.get("MAIL_SEND_AFTER_COMMIT")
    config["MAIL_SEND_AFTER_COMMIT"] = "off"
    base = config["PUBLIC_BASE_URL"]
    try:
        with current_app.test_request_context("/", base_url=base):
            reminded = remind_deadlines()
            closed = notify_closed()
            db.session.commit()
    finally:
        config["MAIL_SEND_AFTER_COMMIT"] = mode
    counts = deliver_due(db.session, current_app.config)
    click.echo(f"reminders {reminded}, closing notices {closed}, emails sent {counts['sent']}")
