"""`flask --app wsgi ocds export [--records] [-o FILE]`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, gettext as _, ngettext

from .packages import records_package, release_package


@click.group("ocds")
def ocds_cli() -> None:
    """Open Contracting Data Standard (OCDS 1.1) publication."""


@ocds_cli.command("export")
@click.option("--records", is_flag=True,
              help="A record package (each process's releases and compiled release) instead "
                   "of a release package.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
def export_command(records: bool, output: Path | None) -> None:
    """Every need from its publication on, as OCDS JSON (UTF-8)."""
    package = records_package() if records else release_package()
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if output is None:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise click.ClickException(_("cannot write %(path)s: %(reason)s", path=output,
                                             reason=exc.strerror or exc)) from None
        if records:
            count = len(package["records"])
            message = ngettext("Exported %(num)d OCDS record.", "Exported %(num)d OCDS records.",
                               count)
        else:
            count = len(package["releases"])
            message = ngettext("Exported %(num)d OCDS release.",
                               "Exported %(num)d OCDS releases.", count)
        click.echo(message, err=True)
