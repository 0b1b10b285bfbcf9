"""`alembic upgrade` on an empty database gives exactly the models (runs on the test backend)."""
import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from marketplace.core import migrate
from marketplace.core.migrate import alembic_config
from marketplace.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_enum_checks_allow_exactly_the_models_values(app):
    """compare_metadata does not read CHECKs: a value added to an enum needs a migration too."""
    expected = {(table.name, f"ck_{table.name}_{column.type.name}"): set(column.type.enums)
                for table in db.metadata.sorted_tables for column in table.columns
                if isinstance(column.type, sa.Enum) and column.type.create_constraint}
    with app.app_context(), db.engine.connect() as connection:
        inspector = sa.inspect(connection)
        checks = {(table, check["name"]): check["sqltext"]
                  for table in {table for table, _name in expected}
                  for check in inspector.get_check_constraints(table)}
    found = {key: set(re.findall(r"'([^']*)'", checks.get(key, ""))) for key in expected}
    assert found == expected


def test_there_is_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_database_is_at_every_head(app):
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with app.app_context(), db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    assert current == heads


def test_every_revision_has_a_real_downgrade():
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        if revision.is_merge_point:        # joins two lines; changes nothing either way
            continue
        with open(revision.path, encoding="utf-8") as handle:
            source = handle.read()
        body = source.split("def downgrade", 1)[1]
        assert "op." in body, revision.path


def test_review_notice_kinds_downgrade_and_upgrade_again(app, people):
    """e1_review_notices: the downgrade drops the notices its narrower CHECK would refuse."""
    from marketplace.notifications.models import Notification, NotificationKind
    with app.app_context():
        for kind in (NotificationKind.bid_received, NotificationKind.review_assigned):
            db.session.add(Notification(user_id=people.reviewer_id, kind=kind, link="/",
                                        params={}))
        db.session.commit()
        db.session.remove()
        migrate.downgrade("d1_review")
        with db.engine.connect() as connection:
            kinds = connection.scalars(sa.text("SELECT kind FROM notifications")).all()
        migrate.upgrade()
    assert kinds == ["bid_received"]
