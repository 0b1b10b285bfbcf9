"""`flask --app wsgi audit verify|head|export`."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from marketplace.extensions import db

from . import queries
from .operations import verify


@click.group("audit")
def audit_cli() -> None:
    """The append-only, hash-chained audit log."""


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every entry's hash and link; exit 1 if any row was edited, inserted or deleted."""
    result = verify()
    if result.ok:
        click.echo(f"audit log OK: {result.entries} entries, chain intact")
        return
    for problem in result.problems:
        click.echo(f"FAIL: {problem}", err=True)
    click.echo(f"audit log BROKEN: {len(result.problems)} problem(s) in {result.entries} entries",
               err=True)
    sys.exit(1)


@audit_cli.command("head")
@with_appcontext
def head_command() -> None:
    """Print the last sequence number and hash, to keep somewhere outside the database."""
    from .models import AuditHead
    head = db.session.get(AuditHead, 1)
    click.echo(f"{head.last_seq} {head.last_hash}" if head else "0 (empty)")


@audit_cli.command("export")
@click.option("--need", "need_id", type=int, help="Only entries about this need.")
@with_appcontext
def export_command(need_id: int | None) -> None:
    """Write the log as CSV to standard output."""
    for line in queries.csv_lines(need_id):
        click.echo(line, nl=False)
