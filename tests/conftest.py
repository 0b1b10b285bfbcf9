"""Fixtures in the style of Flask's tutorial: app, client, runner, auth.

The database is SQLite in a temporary directory, or the PostgreSQL database named by
TEST_DATABASE_URL. The schema is built once per run by the Alembic migrations (so the suite
also tests them); every test starts from empty tables.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace import create_app
from marketplace.core import migrate
from marketplace.extensions import db

from . import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_report_header(config):
    backend = "PostgreSQL" if TEST_DATABASE_URL else "SQLite"
    return f"marketplace test database: {backend}"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def app(data_dir):
    config = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{data_dir / 'test.sqlite3'}",
        "UPLOAD_DIR": str(data_dir / "uploads"),
        "SERVER_NAME": None,
        # Tests read messages in English unless they choose Chinese; the product's default
        # (zh) is asserted in tests/test_i18n.py.
        "BABEL_DEFAULT_LOCALE": "en",
        # argon2id still, at a cost that keeps the suite fast
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        # per-address form limits are tested on an app of their own (tests/test_limits.py)
        "RATELIMIT_ENABLED": False,
    }
    app = create_app(config)
    with app.app_context():
        if TEST_DATABASE_URL:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        migrate.upgrade()
    from marketplace.search import dictionary, engine
    dictionary.build(str(data_dir))           # what `setup` does: the general dictionary
    engine.ensure_index(app.config["INDEX_DIR"])          # and an (empty) index
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))
        from marketplace.search import engine  # the index mirrors the (now empty) tables
        engine.clear(app.config["INDEX_DIR"])
        # ids restart with the tables on PostgreSQL, so mail files named by id must go too
        shutil.rmtree(app.config["MAIL_OUTBOX_DIR"], ignore_errors=True)
        # the emptied tables restart the data version: cached pages and figures must go
        from marketplace.core import pagecache
        pagecache.reset()


@pytest.fixture
def csrf_client(app):
    """A client of a second app on the tests' database with CSRF checks on, as in
    production (the tests' own app turns them off)."""
    config = {key: app.config[key] for key in ("DATA_DIR", "SQLALCHEMY_DATABASE_URI",
                                               "UPLOAD_DIR", "SECRET_KEY", "ARGON2_PARAMS")}
    strict = create_app({**config, "TESTING": True, "WTF_CSRF_ENABLED": True})
    yield strict.test_client()
    with strict.app_context():
        db.engine.dispose()


@pytest.fixture
def make_limited_app(tmp_path):
    """An app of its own with the per-address limits on (`make_limited_app(**settings)`).
    Flask-Limiter's limiter is one object for every app: the teardown turns it off again
    and forgets the counts, so the limits never reach the other tests' app."""
    made = []

    def make(**settings):
        app = create_app({
            "TESTING": True, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
            "WTF_CSRF_ENABLED": False, "BABEL_DEFAULT_LOCALE": "en",
            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
            "RATELIMIT_ENABLED": True, **settings})
        with app.app_context():
            migrate.upgrade()
        made.append(app)
        return app
    yield make
    from marketplace.core.limits import limiter
    limiter.reset()
    limiter.enabled = False
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context with a clean session, for tests that call code directly."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        return self._client.post("/account/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/account/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def people(app):
    """One user of each role, committed, with their organisations."""
    with app.app_context():
        result = factories.people()
        db.session.commit()
        return result
