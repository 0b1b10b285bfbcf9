"""`flask --app wsgi audit verify|head|export`."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from marketplace.extensions import db

from . import queries
from .anchor import anchor_json, check_anchor, make_anchor
from .operations import verify


@click.group("audit")
def audit_cli() -> None:
    """The append-only, hash-chained audit log."""


@audit_cli.command("verify")
@click.option("--anchor", "anchor_file", type=click.File("r", encoding="utf-8"),
              help="An anchor kept outside the database (from a publicity page or `audit "
                   "anchor`): also prove that the log still holds its entry, unchanged.")
@with_appcontext
def verify_command(anchor_file) -> None:
    """Check every entry's hash and link; exit 1 if any row was edited, inserted or deleted
    (and, with --anchor, if the log was rewritten, cut or emptied since the anchor)."""
    result = verify()
    if anchor_file is not None:
        try:
            anchor = json.load(anchor_file)
        except ValueError:
            anchor = {}
        result.problems.extend(check_anchor(anchor if isinstance(anchor, dict) else {}))
    if result.ok:
        click.echo(f"audit log OK: {result.entries} entries, chain intact"
                   + (f", anchor of entry {anchor['seq']} holds" if anchor_file else ""))
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


@audit_cli.command("anchor")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write it (standard output by default).")
@with_appcontext
def anchor_command(output) -> None:
    """Write a signed anchor of the log's head, to keep outside the database."""
    anchor = make_anchor()
    if anchor is None:
        click.echo("the audit log is empty: nothing to anchor", err=True)
        sys.exit(1)
    output.write(anchor_json(anchor) + "\n")


@audit_cli.command("export")
@click.option("--need", "need_id", type=int, help="Only entries about this need.")
@with_appcontext
def export_command(need_id: int | None) -> None:
    """Write the log as CSV to standard output."""
    for line in queries.csv_lines(need_id):
        click.echo(line, nl=False)
