"""Open "揭榜挂帅" technology challenge marketplace."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Flask

from .config import build_config, data_dir_from_env
from .extensions import babel, csrf, db, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    data_dir = Path(test_config["DATA_DIR"]) if test_config and "DATA_DIR" in test_config \
        else data_dir_from_env()
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(build_config(data_dir))
    if test_config:
        app.config.from_mapping(test_config)

    from . import models  # noqa: F401  (registers every table on the metadata)
    from .core import i18n, limits, pagecache, web

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_template_gettext(app)
    web.install_converters(app)
    web.init_app(app)
    pagecache.init_app(app)
    limits.init_app(app)
    for module in _EXTENSION_MODULES:  # index sync, mail delivery, deadline and award sweeps
        import_module(f"{__name__}.{module}").init_app(app)
    for module in _BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{module}").bp)
    from .core.migrate import require_schema
    for module, name in _CLI_GROUPS:
        group = getattr(import_module(f"{__name__}.{module}"), name)
        if name not in _CLI_WITHOUT_SCHEMA:
            for subcommand in getattr(group, "commands", {group.name: group}).values():
                if not getattr(subcommand, "_schema_checked", False):
                    require_schema(subcommand)._schema_checked = True
        app.cli.add_command(group)
    return app


_EXTENSION_MODULES = ("accounts.sessions", "search.sync", "notifications.mail", "challenges.periodic",
                      "notifications.sweep", "notifications.subscribers", "audit.subscribers",
                      "review.cli")
_BLUEPRINT_MODULES = (
    "site.views", "accounts.views", "challenges.views", "admin.views", "search.views",
    "taxonomy.views", "matching.views", "bids.views", "qa.views", "notifications.views",
    "review.views", "audit.views", "api.views", "api.token_views",
)
_CLI_GROUPS = (
    ("site.cli", "setup_command"), ("site.cli", "migrations_cli"), ("site.cli", "worker_command"),
    ("accounts.cli", "users_cli"),
    ("challenges.cli", "challenges_cli"), ("search.cli", "search_cli"),
    ("taxonomy.cli", "taxonomy_cli"), ("notifications.cli", "notifications_cli"),
    ("audit.cli", "audit_cli"), ("review.cli", "review_cli"), ("ocds.cli", "ocds_cli"),
)
# the commands that create the schema, or work without one
_CLI_WITHOUT_SCHEMA = ("setup_command", "migrations_cli")

__all__ = ["create_app"]
