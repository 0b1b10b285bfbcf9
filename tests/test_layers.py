"""The layer contract (issue 11): domains build on each other in one direction, and the
services that react to them (notifications, search indexing, audit) depend on the domains,
never the reverse. Imports inside functions count as much as those at the top of a module.

    core → accounts → taxonomy → challenges → qa → bids → matching → review → admin, demo, site,
    api
    services: notifications, search, audit, ocds (may import any domain; no domain imports
    them)

KNOWN lists the imports that break the contract today, one per line, so that the move to
domain events can go one import at a time: the test fails on any import that breaks the
contract and is not listed, and on a listed one that is gone (take it off the list). The
list only shrinks."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "marketplace"
LAYERS = ["core", "accounts", "taxonomy", "challenges", "qa", "bids", "matching", "review"]
SERVICES = {"notifications", "search", "audit", "ocds"}
TOP = {"admin", "demo", "site", "api"}   # the application: may import anything
BASE = {"extensions", "config"}          # modules at the package root that belong to core

KNOWN = {
    # file importing → package imported (measured when the contract was written)
    ("bids/models.py", "review"),
    ("challenges/cli.py", "search"), ("challenges/io.py", "bids"),
    ("matching/queries.py", "search"), ("review/decisions.py", "audit"),
    ("review/labels.py", "audit"), ("review/operations.py", "audit"),
    ("review/scoring.py", "audit"), ("review/waiting.py", "audit"),
    ("taxonomy/operations.py", "challenges"), ("taxonomy/operations.py", "search"),
    ("taxonomy/queries.py", "challenges"),
}


def _rank(package: str) -> int:
    if package in BASE:
        return 0
    if package in LAYERS:
        return LAYERS.index(package)
    if package in SERVICES:
        return 100
    return 200


def _target(module: str, node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")[:-node.level]
            name = ".".join(base + ([node.module] if node.module else []))
        else:
            name = node.module or ""
    else:
        name = node.names[0].name
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "marketplace" else None


def breaking_imports() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if len(relative.parts) < 2:
            continue                      # create_app and models.py assemble everything
        source = relative.parts[0]
        if source in TOP:
            continue
        module = ".".join(("marketplace", *relative.with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            target = _target(module, node)
            if target is None or target == source or target in BASE:
                continue
            domain_to_service = source not in SERVICES and target in SERVICES
            upward = _rank(target) > _rank(source) and not (source in SERVICES
                                                           and target not in TOP)
            if domain_to_service or upward:
                found.add((relative.as_posix(), target))
    return found


def test_no_import_breaks_the_layers_beyond_the_known_ones():
    new = breaking_imports() - KNOWN
    assert not new, f"imports against the layer contract: {sorted(new)}"


def test_the_known_list_only_holds_imports_that_still_exist():
    gone = KNOWN - breaking_imports()
    assert not gone, f"no longer imported, take them off KNOWN: {sorted(gone)}"


EVENT_MODULES = ("challenges", "qa", "bids", "review")


def _domain_signals():
    from importlib import import_module

    from blinker import NamedSignal
    for package in EVENT_MODULES:
        module = import_module(f"marketplace.{package}.events")
        for name, value in vars(module).items():
            if isinstance(value, NamedSignal):
                yield f"{package}.{name}", value


def test_every_domain_event_has_a_subscriber(app):
    """The domains announce; notifications subscribe. An event nobody receives would be a
    notice that silently stopped being sent."""
    signals = dict(_domain_signals())
    assert len(signals) >= 19
    assert not [name for name, signal in signals.items() if not signal.receivers]


def test_no_domain_calls_the_notifications_directly():
    """The six domain modules that called notifications.events by hand now send events."""
    assert not {(source, target) for source, target in breaking_imports()
                if target == "notifications"}


def test_a_rolled_back_change_sends_nothing(app, people):
    """Receivers write in the sender's transaction: a rollback takes their notices and
    emails with it."""
    from sqlalchemy import func, select

    from marketplace.challenges import events
    from marketplace.challenges.models import NeedStatus
    from marketplace.extensions import db
    from marketplace.notifications.models import Notification, OutboxEmail
    from tests import factories
    with app.test_request_context():
        need = factories.need(people.owner_id, NeedStatus.published)
        db.session.commit()
        before = (db.session.scalar(select(func.count(Notification.id))),
                  db.session.scalar(select(func.count(OutboxEmail.id))))
        events.need_published.send(need)
        assert db.session.scalar(select(func.count(Notification.id))) > before[0]
        db.session.rollback()
        assert (db.session.scalar(select(func.count(Notification.id))),
                db.session.scalar(select(func.count(OutboxEmail.id)))) == before
