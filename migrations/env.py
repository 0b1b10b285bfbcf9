"""Alembic environment: runs against the Flask app's database and metadata."""
from __future__ import annotations

from alembic import context
from flask import current_app

from marketplace.extensions import db

config = context.config
target_metadata = db.metadata


def run_migrations_offline() -> None:
    context.configure(url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    with db.engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    if connection.dialect.name == "sqlite":
        # SQLite copies a table to alter it (batch mode): with foreign keys on, dropping the
        # old copy would cascade into every table that refers to it. Off for migrations
        # only (a PRAGMA outside any transaction); the app turns them on per connection.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if connection.dialect.name == "sqlite":
            # the connection goes back to the pool: on again for the app
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
