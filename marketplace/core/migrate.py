"""Alembic, driven from the app (no alembic.ini needed)."""
from __future__ import annotations

import functools

import click
from alembic import command
from alembic.config import Config
from flask.cli import ScriptInfo
from sqlalchemy import inspect

from marketplace.extensions import db

from marketplace import PROJECT_ROOT


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("file_template",
                           "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(revision: str = "heads") -> None:
    command.upgrade(alembic_config(), revision)



def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(), revision)


def revision(message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def require_schema(command: click.Command) -> click.Command:
    """Make `command` stop with a clear message, not a "no such table" traceback, when the
    database has not been set up yet."""
    run = command.callback

    @functools.wraps(run)
    def checked(*args, **kwargs):
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        with app.app_context():
            ready = inspect(db.engine).has_table("alembic_version")
        if not ready:
            raise click.ClickException(
                "The database has no tables yet: run `flask --app wsgi setup` first.")
        return run(*args, **kwargs)

    command.callback = checked
    return command
