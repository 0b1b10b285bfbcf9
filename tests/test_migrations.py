"""`alembic upgrade` on an empty database gives exactly the models (runs on the test backend)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from marketplace.core.migrate import alembic_config
from marketplace.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_database_is_at_every_head(app):
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with app.app_context(), db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    assert current == heads


def test_every_revision_has_a_real_downgrade():
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        with open(revision.path, encoding="utf-8") as handle:
            source = handle.read()
        body = source.split("def downgrade", 1)[1]
        assert "op." in body, revision.path
