"""Alembic, driven from the app (no alembic.ini needed)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

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
