"""`flask --app wsgi taxonomy import|export|classify|reclassify`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext

from marketplace.extensions import db

from . import operations
from .queries import classifier


@click.group("taxonomy")
def taxonomy_cli() -> None:
    """The "1030" industry taxonomy (产业集群 / 产业链)."""


@taxonomy_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Replace the taxonomy with FILE.yaml (a new version); every need is classified again."""
    try:
        version = operations.import_taxonomy(file.read_text(encoding="utf-8"), file.name)
    except operations.TaxonomyInvalid as invalid:
        db.session.rollback()
        click.echo(f"{file.name}: {invalid}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Loaded taxonomy version {version.number} from {file.name}.", err=True)


@taxonomy_cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(output: Path | None) -> None:
    """Dump the active taxonomy as YAML (the format `taxonomy import` reads)."""
    text = yaml.safe_dump(operations.export_document(), allow_unicode=True, sort_keys=False,
                          width=100)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@taxonomy_cli.command("classify")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@with_appcontext
def classify_command(limit: int) -> None:
    """JSON lines in ({"id","title","description"}), JSON lines out
    ({"id","chains":[{"id","score"}...]}, best first)."""
    model = classifier()
    if model is None:
        click.echo("No taxonomy is loaded: run `flask --app wsgi setup`.", err=True)
        sys.exit(1)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            click.echo(f"line {number}: not JSON ({exc})", err=True)
            sys.exit(1)
        suggestions = model.classify(str(record.get("title") or ""),
                                     str(record.get("description") or ""), limit=limit)
        click.echo(json.dumps({"id": record.get("id"), "chains": [
            {"id": s.chain_id, "score": s.score} for s in suggestions]}, ensure_ascii=False))


@taxonomy_cli.command("reclassify")
@with_appcontext
def reclassify_command() -> None:
    """Classify every need again (after editing keywords by import this happens anyway)."""
    count = operations.classify_all()
    db.session.commit()
    click.echo(f"Classified {count} needs.")
