"""Validation against the OCDS 1.1.5 schemas and codelists vendored in tests/ocds/schema/ (a copy
of ../shared/reference/ocds-1.1.5, see its SOURCE.txt), offline.

The bids extension is applied as OCDS applies extensions: its release-schema.json is a JSON merge
patch (RFC 7386) on the release schema, and its codelists join the standard's. Packages are
validated with JSON Schema draft 4, formats (date-time, uri) included."""
from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from marketplace.ocds.mapping import CODELIST_ADDITIONS

SCHEMA_DIR = Path(__file__).parent / "schema"
EXTENSION_DIR = SCHEMA_DIR / "extensions" / "bids"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def merge_patch(target, patch):
    """RFC 7386: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def release_schema() -> dict:
    """The 1.1.5 release schema with the bids extension merged in."""
    return merge_patch(_load(SCHEMA_DIR / "release-schema.json"),
                       _load(EXTENSION_DIR / "release-schema.json"))


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def date_time(value) -> bool:
        return not isinstance(value, str) or bool(RFC3339.match(value))

    @checker.checks("uri")
    def uri(value) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and " " not in value

    return checker


@cache
def _validator(package_schema: str) -> Draft4Validator:
    registry = Registry().with_resource(RELEASE_SCHEMA_URL,
                                        DRAFT4.create_resource(release_schema()))
    schema = _load(SCHEMA_DIR / package_schema)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, registry=registry, format_checker=_format_checker())


def schema_errors(package: dict, kind: str = "release") -> list[str]:
    """Every schema error of a release (or record) package, as "path: message"."""
    validator = _validator(f"{kind}-package-schema.json")
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(package)]


@cache
def codelist(name: str) -> frozenset[str]:
    path = SCHEMA_DIR / "codelists" / name
    if not path.exists():
        path = EXTENSION_DIR / "codelists" / name
    with path.open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def codelist_values(release: dict) -> list[tuple[str, bool, str, str]]:
    """(codelist, open?, path, value) of every field of the release that has a codelist."""
    found: list = []
    _walk(release, release_schema(), "", found)
    return found


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = release_schema()["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _walk(value, node: dict, path: str, found: list) -> None:
    node = _resolve(node)
    if "codelist" in node:
        for item in value if isinstance(value, list) else [value]:
            found.append((node["codelist"], node.get("openCodelist", False), path, item))
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in node.get("properties", {}):
                _walk(item, node["properties"][key], f"{path}/{key}", found)
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _walk(item, node["items"], f"{path}/{index}", found)


def codelist_errors(release: dict, additions: dict[str, set[str]]) -> list[str]:
    """Values not in their codelist; `additions` are the publisher's documented additions to
    open codelists (a closed codelist takes none)."""
    errors = []
    for name, is_open, path, value in codelist_values(release):
        allowed = codelist(name) | (additions.get(name, set()) if is_open else set())
        if value not in allowed:
            errors.append(f"{path}: {value!r} is not in {name}")
    return errors


def assert_valid(package: dict, kind: str = "release") -> None:
    """The package validates against its schema, and every codelist value in it (its
    compiled releases too) is in its codelist or a documented addition to an open one."""
    from marketplace.ocds.mapping import CODELIST_ADDITIONS
    errors = schema_errors(package, kind)
    assert not errors, errors[:5]
    releases = package["releases"] if kind == "release" else [
        r for record in package["records"]
        for r in [*record["releases"], record["compiledRelease"]]]
    unknown = [e for r in releases for e in codelist_errors(r, CODELIST_ADDITIONS)]
    assert not unknown, unknown[:5]
