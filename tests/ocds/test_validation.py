"""The validation the other OCDS tests rely on catches what it must: the bids extension is
part of the schema, and codes outside their codelists are found."""
from __future__ import annotations

import copy

import pytest

from marketplace.challenges.models import NeedStatus
from marketplace.ocds.mapping import CODELIST_ADDITIONS
from marketplace.ocds.packages import release_package

from .. import factories
from . import builders
from .validation import codelist_errors, schema_errors


@pytest.fixture
def package(ctx, people):
    builders.closed(people)
    factories.need(people.owner_id, NeedStatus.published, people.admin_id)
    return release_package()


def test_the_bids_extension_is_validated(package):
    assert not schema_errors(package)
    broken = copy.deepcopy(package)
    closing = next(r for r in broken["releases"] if "bids" in r)
    del closing["bids"]["statistics"][0]["measure"]
    assert any("'measure' is a required property" in e for e in schema_errors(broken))


def test_dates_and_closed_codelists_are_checked_by_the_schema(package):
    broken = copy.deepcopy(package)
    broken["releases"][0]["date"] = "2026-01-01 08:00"
    broken["releases"][0]["tender"]["status"] = "open"
    errors = schema_errors(broken)
    assert any("is not a 'date-time'" in e for e in errors)
    assert any("'open' is not one of" in e for e in errors)


def test_codes_outside_an_open_codelist_are_found_unless_documented(package):
    release = copy.deepcopy(package["releases"][0])
    assert not codelist_errors(release, CODELIST_ADDITIONS)
    release["tender"]["documents"][0]["documentType"] = "needPage"
    release["parties"][0]["roles"].append("sponsor")
    found = codelist_errors(release, CODELIST_ADDITIONS)
    assert len(found) == 2 and "'needPage' is not in documentType.csv" in found[0] + found[1]
    release["tender"]["items"][0]["classification"] = {"scheme": "X-1030", "id": "x"}
    assert len(codelist_errors(release, CODELIST_ADDITIONS)) == 2
    assert codelist_errors(release, {}) != codelist_errors(release, CODELIST_ADDITIONS)
