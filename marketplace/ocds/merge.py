"""The OCDS merge rules (https://standard.open-contracting.org/1.1/en/schema/merging/), for a
record's compiled release.

Kept here rather than taken from ocdsmerge: that library reads its rules from a release schema
(fetched over the network unless one is passed) and pulls requests and jsonref into the app for
these few rules. The tests check this merge against ocdsmerge 0.8.0 on the 1.1.5 schema.

- Releases merge in date order; `id`, `date` and `tag` are omitted (omitWhenMerged), the
  compiled release gets `tag` ["compiled"], `id` "<ocid>-<last date>" and the last date.
- Objects merge field by field; a field set to null is removed; empty values change nothing.
- Arrays of objects that all have an `id` merge by identifier (an object of a later release
  updates the one with its id, new ids are added, none is removed); the two arrays the schema
  marks wholeListMerge, and every other array, are replaced whole.
"""
from __future__ import annotations

import copy

OMITTED = ("id", "date", "tag")
WHOLE_LIST_FIELDS = {"additionalClassifications", "additionalIdentifiers"}


def compiled_release(releases: list[dict]) -> dict:
    ordered = sorted(releases, key=lambda release: release["date"])
    merged: dict = {}
    for release in ordered:
        _merge_object(merged, {k: v for k, v in release.items() if k not in OMITTED})
    last = ordered[-1]
    return {"ocid": last["ocid"], "id": f"{last['ocid']}-{last['date']}", "date": last["date"],
            "tag": ["compiled"], **{k: v for k, v in merged.items() if k != "ocid"}}


def _merge_object(target: dict, source: dict) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif value in ({}, []):
            continue
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _merge_object(target[key], value)
        elif _by_identifier(key, value):
            if not isinstance(target.get(key), list):
                target[key] = []
            _merge_list(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _by_identifier(key: str, value) -> bool:
    return (isinstance(value, list) and key not in WHOLE_LIST_FIELDS
            and all(isinstance(item, dict) and "id" in item for item in value))


def _merge_list(target: list[dict], source: list[dict]) -> None:
    by_id = {str(item.get("id")): item for item in target}
    for item in source:
        existing = by_id.get(str(item["id"]))
        if existing is None:
            existing = by_id[str(item["id"])] = {"id": item["id"]}
            target.append(existing)
        _merge_object(existing, item)
