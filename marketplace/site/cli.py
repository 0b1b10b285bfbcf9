"""`flask --app wsgi setup [--demo]` and the migration helpers."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.extensions import db

from marketplace.core import migrate, periodic


@click.command("setup")
@click.option("--demo", is_flag=True, help="Load the demo data set into an empty database.")
@with_appcontext
def setup_command(demo: bool) -> None:
    """Migrate to the newest schema, load the default taxonomy and (optionally) demo data.

    Idempotent: safe to run on every start. Mail it queues (the demo's notices) stays in
    the outbox for the worker: a sender thread writing beside the long demo load waited out
    SQLite's lock ("database is locked") after it had sent.
    """
    config = current_app.config
    sending = config.get("MAIL_SEND_AFTER_COMMIT")
    config["MAIL_SEND_AFTER_COMMIT"] = "off"
    try:
        _setup(demo)
    finally:
        config["MAIL_SEND_AFTER_COMMIT"] = sending


def _setup(demo: bool) -> None:
    migrate.upgrade()
    click.echo("Database schema is up to date.")
    from marketplace.challenges.operations import close_expired
    if demo:
        from marketplace.demo.loader import (database_is_empty, demo_is_loaded, load_demo,
                                             print_logins)
        if database_is_empty():
            counts = load_demo()
            db.session.commit()
            click.echo(f"Loaded demo data: {counts['organisations']} organisations, "
                       f"{counts['users']} users, {counts['needs']} needs.")
        else:
            click.echo("Database is not empty; demo data not loaded.")
        if demo_is_loaded():
            print_logins()
    from marketplace.search.cli import prepare_search
    prepare_search()
    close_expired()
    db.session.commit()
    click.echo(f"Data directory: {current_app.config['DATA_DIR']}")


@click.group("migrations")
def migrations_cli() -> None:
    """Schema migrations (Alembic)."""


@migrations_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    migrate.upgrade(revision)


@migrations_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    migrate.downgrade(revision)


@migrations_cli.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Autogenerate a revision; read and edit it by hand before committing."""
    migrate.revision(message)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every periodic task once, then stop.")
@click.option("--interval", default=periodic.INTERVAL_SECONDS, show_default=True,
              type=click.FloatRange(1, 3600), help="Seconds between runs.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """The background worker: closes needs at their deadline, sends deadline reminders and
    closing notices, finalises awards after publicity, delivers mail. `make run` starts one
    beside the web server; run one per installation (each task is idempotent)."""
    app = current_app._get_current_object()

    def report(done: dict) -> None:
        click.echo(" · ".join(f"{name} {count}" for name, count in done.items() if count))
    if once:
        report(periodic.run_once(app))
        return
    click.echo(f"Worker running every {interval:g} s (Ctrl+C to stop).")
    app.config["MAIL_SEND_AFTER_COMMIT"] = "off"     # its "mail" task delivers: no thread
    periodic.run_forever(app, interval, report)
