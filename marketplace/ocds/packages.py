"""OCDS release and record packages of every need from its publication on.

`release_package()` and `record_package(ocid)` are what the CLI (`flask --app wsgi ocds export`)
and the JSON API (/api/v1/ocds/...) publish; they read the database in the caller's app context
and change nothing.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from flask import current_app

from marketplace.core.types import utcnow

from .mapping import Links, build_release, iso, timeline
from .merge import compiled_release
from .sources import Process, load_processes, program_office, ref_for

OCDS_VERSION = "1.1"
# the bids extension (bid statistics), at the version the tests validate against
EXTENSIONS = ["https://raw.githubusercontent.com/open-contracting-extensions/"
              "ocds_bid_extension/v1.1.5/extension.json"]
DEFAULT_PUBLISHER = "揭榜挂帅 technology challenge marketplace"


def release_package(*, now: datetime | None = None, uri: str | None = None) -> dict:
    """A release package of every release of every need from its publication on, oldest
    need first, each need's releases in date order."""
    now = now or utcnow()
    links = Links()
    releases = [release for process in load_processes()
                for release in releases_of(process, now, links)]
    package = _package(links, uri or f"{links.base}/api/v1/ocds/releases", releases)
    package["releases"] = releases
    return package


def record_package(ocid: str, *, now: datetime | None = None,
                   uri: str | None = None) -> dict | None:
    """A record package for one contracting process: its releases and their compiled
    release. None when no public need has this ocid (unknown, a draft, not yet published)."""
    ref = ref_for(ocid)
    if ref is None:
        return None
    package = records_package(ref=ref, now=now, uri=uri or _record_uri(ocid))
    return package if package["records"] else None


def records_package(*, now: datetime | None = None, uri: str | None = None,
                    ref: str | None = None) -> dict:
    """A record package of every need (or of the one with this reference)."""
    now = now or utcnow()
    links = Links()
    records = []
    for process in load_processes(ref):
        releases = releases_of(process, now, links)
        if releases:
            records.append({"ocid": process.ocid, "releases": releases,
                            "compiledRelease": compiled_release(releases)})
    package = _package(links, uri or f"{links.base}/api/v1/ocds/records",
                       [r for record in records for r in record["releases"]])
    package["packages"] = [f"{links.base}/api/v1/ocds/releases"]
    package["records"] = records
    return package


def releases_of(process: Process, now: datetime, links: Links) -> list[dict]:
    return [build_release(process, moment, suffix, tags, links)
            for moment, suffix, tags in timeline(process, now)]


def _record_uri(ocid: str) -> str:
    return f"{Links().base}/api/v1/ocds/records/{quote(ocid, safe='')}"


def _package(links: Links, uri: str, releases: list[dict]) -> dict:
    """Package metadata. publishedDate: for a package made on demand, the date of the last
    change to what it holds (the newest release), as the schema asks."""
    config = current_app.config
    office = program_office()
    dates = [release["date"] for release in releases]
    package = {
        "uri": uri, "version": OCDS_VERSION, "extensions": EXTENSIONS,
        "publishedDate": max(dates) if dates else iso(utcnow()),
        "publisher": {"name": office.name if office else DEFAULT_PUBLISHER,
                      "uri": links.base + "/"},
    }
    if config.get("OCDS_LICENSE"):
        package["license"] = config["OCDS_LICENSE"]
    if config.get("OCDS_PUBLICATION_POLICY"):
        package["publicationPolicy"] = config["OCDS_PUBLICATION_POLICY"]
    return package
