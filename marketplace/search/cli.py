"""`flask --app wsgi search query|rebuild|verify|sync`."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.extensions import db

from . import engine, service, sync


@click.group("search")
def search_cli() -> None:
    """The full-text index of needs."""


@search_cli.command("query")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the ranked needs as JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def query_command(text: str, as_json: bool, limit: int) -> None:
    """Search the public needs for TEXT (Chinese, English or mixed)."""
    hits = service.query_json(text, limit)
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False))
        return
    for hit in hits:
        click.echo(f"{hit['score']:8.3f}  {hit['id']}  {hit['title']}")
    if not hits:
        click.echo("No needs found.", err=True)


@search_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Index every public need into a new directory and swap it in."""
    count = sync.rebuild(current_app)
    click.echo(f"Indexed {count} needs.")


@search_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Compare the index with the database; exit 1 on drift."""
    drift = sync.verify(current_app)
    total = engine.doc_count(current_app.config["INDEX_DIR"])
    for kind in ("missing", "extra", "stale"):
        if drift[kind]:
            click.echo(f"{kind}: {len(drift[kind])} ({', '.join(drift[kind][:20])}"
                       f"{' …' if len(drift[kind]) > 20 else ''})")
    if any(drift.values()):
        click.echo("Drift found: run `flask --app wsgi search sync` or `search rebuild`.",
                   err=True)
        sys.exit(1)
    click.echo(f"Index matches the database ({total} documents).")


@search_cli.command("sync")
@with_appcontext
def sync_command() -> None:
    """Apply the outbox: changes committed to the database but not yet in the index."""
    written = sync.apply_pending(current_app, timeout=30)
    click.echo(f"Applied {written} pending needs.")


def prepare_search() -> None:
    """Part of `flask --app wsgi setup`: the default taxonomy if none is loaded, every need
    classified, and an index that matches the database (built if it does not)."""
    from sqlalchemy import func, select

    from marketplace.challenges.models import PUBLIC_STATES, Challenge
    from marketplace.taxonomy import operations as taxonomy

    if taxonomy.load_default_if_missing():
        click.echo(f"Loaded the default taxonomy ({taxonomy.DEFAULT_FILE.name}).")
    classified = taxonomy.classify_all(only_unclassified=True)
    db.session.commit()
    if classified:
        click.echo(f"Classified {classified} needs.")
    public = db.session.scalar(select(func.count(Challenge.id)).where(
        Challenge.status.in_(PUBLIC_STATES)))
    index_dir = current_app.config["INDEX_DIR"]
    if not engine.schema_is_current(index_dir) or engine.doc_count(index_dir) != public:
        click.echo(f"Search index: indexed {sync.rebuild(current_app)} needs.")
    else:
        sync.apply_pending(current_app, timeout=30)
        click.echo(f"Search index is up to date ({public} needs).")
