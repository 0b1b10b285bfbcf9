"""`flask --app wsgi review finalise|results`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from marketplace.core import periodic
from marketplace.extensions import db


@click.group("review")
def review_cli() -> None:
    """Expert review, decisions and publicity."""


@review_cli.command("finalise")
@with_appcontext
def finalise_command() -> None:
    """Make final every decision whose publicity ended with no open objection."""
    from .decisions import finalise_due
    done = finalise_due()
    db.session.commit()
    click.echo(f"{done} decision(s) made final")


@review_cli.command("results")
@click.argument("round_id", type=int)
@with_appcontext
def results_command(round_id: int) -> None:
    """Print a round's ranking as CSV."""
    from . import reports
    from .models import ReviewRound
    review = db.session.get(ReviewRound, round_id)
    if review is None:
        raise click.ClickException(f"no round {round_id}")
    click.echo(reports.to_csv(reports.build(review, "en")), nl=False)


def _sweep_hook() -> int:
    from .decisions import finalise_due
    return finalise_due()


def init_app(app: Flask) -> None:
    """Finalise decisions whose publicity ended, as periodic work of the worker."""
    periodic.register(app, "finalise", _sweep_hook)
