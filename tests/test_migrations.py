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


def test_foreign_keys_hold_on_every_database(app, people):
    """SQLite checks foreign keys only when asked per connection; the app asks, so a row
    pointing nowhere is refused and ON DELETE CASCADE applies, as on PostgreSQL."""
    from sqlalchemy.exc import IntegrityError
    from marketplace.challenges.models import Challenge, Indicator
    from tests import factories
    with app.app_context():
        db.session.add(Indicator(challenge_id=987654, name="x", comparator=">=",
                                 target_value=1, unit="", position=0))
        try:
            db.session.flush()
            raise AssertionError("a row pointing to no need was stored")
        except IntegrityError:
            db.session.rollback()
    with app.test_request_context():
        need = factories.need(people.owner_id)
        db.session.commit()
        need_id = need.id
    with app.app_context():
        with db.engine.begin() as conn:     # delete below the ORM: only the database cascades
            count = sa.select(sa.func.count()).select_from(Indicator.__table__).where(
                Indicator.challenge_id == need_id)
            assert conn.scalar(count) == 2
            conn.execute(sa.delete(Challenge.__table__).where(Challenge.id == need_id))
            assert conn.scalar(count) == 0
