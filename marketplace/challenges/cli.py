"""`flask --app wsgi challenges import FILE` and `challenges export --format ...`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from marketplace.extensions import db

from . import io as needs_io
from .operations import close_expired


@click.group("challenges")
def challenges_cli() -> None:
    """Technical needs (技术需求 / 榜单)."""


@challenges_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Import needs from FILE (.jsonl, .csv or .xlsx) and publish them.

    Each record needs a title and a description; `id` is kept as the external reference and
    a record whose id exists already updates that need. Nothing is written if any row is bad.
    """
    try:
        counts = needs_io.import_needs(file)
        db.session.commit()
    except needs_io.ImportFailed as failed:
        db.session.rollback()
        for error in failed.errors:
            click.echo(f"{file.name}: {error}", err=True)
        click.echo(f"Import failed: {len(failed.errors)} error(s); nothing was imported.",
                   err=True)
        sys.exit(1)
    click.echo(f"Imported {counts['created'] + counts['updated']} needs "
               f"({counts['created']} new, {counts['updated']} updated).", err=True)


@challenges_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
def export_command(fmt: str, output: Path | None) -> None:
    """Export the published needs (and later stages) as JSON lines, CSV or XLSX."""
    if fmt == "xlsx":
        if output is None:
            import io
            buffer = io.BytesIO()
            count = needs_io.export_xlsx(buffer)
            sys.stdout.buffer.write(buffer.getvalue())
            sys.stdout.buffer.flush()
        else:
            count = needs_io.export_xlsx(output)
    elif output is None:
        count = needs_io.export_needs(fmt, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            count = needs_io.export_needs(fmt, handle)
    click.echo(f"Exported {count} needs.", err=True)


@challenges_cli.command("close-expired")
@with_appcontext
def close_expired_command() -> None:
    """Record the closing of published needs whose deadline has passed."""
    closed = close_expired()
    db.session.commit()
    click.echo(f"Closed {closed} needs.")
