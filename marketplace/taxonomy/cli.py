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
@click.argument("file", required=False, default="-",
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=str))
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@with_appcontext
def classify_command(file: str, limit: int) -> None:
    """JSON lines in ({"id","title","description"}) from FILE or stdin, JSON lines out
    ({"id","chains":[{"id","score"}...]}, best first). A bad line is reported on stderr with
    its number and skipped; the exit status is then 1."""
    model = classifier()
    if model is None:
        click.echo("No taxonomy is loaded: run `flask --app wsgi setup`.", err=True)
        sys.exit(1)
    prefix = "" if file == "-" else f"{Path(file).name}: "
    bad = 0
    with click.open_file(file, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            record, problem = _record(raw, number)
            if problem:
                click.echo(f"{prefix}line {number}: {problem}", err=True)
                bad += 1
                continue
            if record is None:
                continue
            suggestions = model.classify(str(record.get("title") or ""),
                                         str(record.get("description") or ""), limit=limit)
            click.echo(json.dumps({"id": record.get("id"), "chains": [
                {"id": s.chain_id, "score": s.score} for s in suggestions]},
                ensure_ascii=False))
    if bad:
        click.echo(f"{prefix}{bad} lines could not be classified.", err=True)
        sys.exit(1)


def _record(raw: bytes, number: int) -> tuple[dict | None, str | None]:
    """One input line as (record, None), (None, None) for a blank line, or (None, problem)."""
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    if not line.strip():
        return None, None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc})"
    if not isinstance(record, dict):
        return None, (f'not a JSON object {{"id","title","description"}} '
                      f"(got {_JSON_TYPES.get(type(record), type(record).__name__)})")
    return record, None


_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null"}


@taxonomy_cli.command("reclassify")
@with_appcontext
def reclassify_command() -> None:
    """Classify every need again (after editing keywords by import this happens anyway)."""
    changed = operations.classify_all()
    db.session.commit()
    click.echo(f"Classified every need again; {changed} changed.")
