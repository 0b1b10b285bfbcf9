"""`flask --app wsgi challenges import FILE` and `challenges export --format ...`.

Messages are in the program's language (BABEL_DEFAULT_LOCALE), as the web pages are by
default.
"""
from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext as _, ngettext

from marketplace.extensions import db

from . import io as needs_io
from .io_export import export_needs, export_xlsx
from .operations import close_expired


@contextmanager
def program_language():
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


@click.group("challenges")
def challenges_cli() -> None:
    """Technical needs (技术需求 / 榜单)."""


@challenges_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@program_language()
def import_command(file: Path) -> None:
    """Import needs from FILE (.jsonl, .csv or .xlsx) and publish them.

    Each record needs a title and a description; `id` is kept as the external reference and
    a record whose id is that of an imported need replaces it. Nothing is written if any row
    is bad.
    """
    app = current_app._get_current_object()
    config = app.config
    deferred = config.get("SEARCH_APPLY_AFTER_COMMIT", True)
    config["SEARCH_APPLY_AFTER_COMMIT"] = False   # indexed in large segments (the outbox
    try:                                          # keeps every change meanwhile)
        with _indexer(app, file):
            counts = needs_io.import_needs(file, after_batch=db.session.commit)
            db.session.commit()
    except needs_io.ImportFailed as failed:
        db.session.rollback()
        for error in failed.errors:
            click.echo(f"{file.name}: {error}", err=True)
        click.echo(ngettext("Import failed: %(num)d error; nothing was imported.",
                            "Import failed: %(num)d errors; nothing was imported.",
                            len(failed.errors)), err=True)
        sys.exit(1)
    finally:
        config["SEARCH_APPLY_AFTER_COMMIT"] = deferred
    index_imported(app)
    click.echo(ngettext(
        "Imported %(num)d need (%(created)d new, %(updated)d updated, %(unchanged)d "
        "unchanged).",
        "Imported %(num)d needs (%(created)d new, %(updated)d updated, %(unchanged)d "
        "unchanged).", sum(counts.values()), **counts), err=True)


LARGE_IMPORT_BYTES = 2_000_000


def _indexer(app, file: Path):
    """A large file is indexed by a second process while this one writes the database."""
    from contextlib import nullcontext

    from marketplace.search import sync
    if file.stat().st_size < LARGE_IMPORT_BYTES or app.testing:
        return nullcontext()
    return sync.indexing_alongside(app)


def index_imported(app) -> None:
    """Index what the import queued (and a second process has not), in large segments."""
    from marketplace.search import engine, sync
    try:
        sync.apply_pending(app, timeout=60, per_writer=sync.BULK_PER_WRITER)
    except (engine.LockError, engine.IndexUnavailable) as problem:
        click.echo(f"Search index not updated yet ({problem}); `flask --app wsgi search "
                   "sync` applies the imported needs.", err=True)


@challenges_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
@program_language()
def export_command(fmt: str, output: Path | None) -> None:
    """Export the published needs (and later stages) as JSON lines, CSV or XLSX."""
    try:
        count = _export(fmt, output)
    except OSError as exc:
        raise click.ClickException(_("cannot write %(path)s: %(reason)s", path=output,
                                     reason=exc.strerror or exc)) from None
    click.echo(ngettext("Exported %(num)d need.", "Exported %(num)d needs.", count), err=True)


def _export(fmt: str, output: Path | None) -> int:
    if fmt == "xlsx":
        if output is not None:
            return export_xlsx(output)
        buffer = io.BytesIO()
        count = export_xlsx(buffer)
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
        return count
    if output is None:
        return export_needs(fmt, sys.stdout)
    with open(output, "w", encoding="utf-8", newline="") as handle:
        return export_needs(fmt, handle)


@challenges_cli.command("close-expired")
@with_appcontext
@program_language()
def close_expired_command() -> None:
    """Record the closing of published needs whose deadline has passed."""
    closed = close_expired()
    db.session.commit()
    click.echo(ngettext("Closed %(num)d need.", "Closed %(num)d needs.", closed))
