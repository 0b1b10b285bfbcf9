"""The audit log in words: what each recorded action means, and its details readable
(named fields, lists joined, yes/no, people by name, times in the program's zone, no internal
record numbers and no Python representations).

The entries keep exactly what was recorded (the hash covers it); only the page reads it out.
Domains that record entries register how to read their own fields with `detail_formatter`,
so this module depends on no domain above accounts.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.models import Organisation, Role, User
from marketplace.core.timefmt import format_in_zone, program_zone
from marketplace.extensions import db

ACTION_LABELS = {
    "assignment.create": _l("Reviewer assigned"),
    "assignment.recuse": _l("Reviewer recused"),
    "assignment.remove": _l("Reviewer removed from the panel"),
    "conflict.declare": _l("Conflict of interest declared"),
    "contract.record": _l("Contract recorded"),
    "decision.confirm": _l("Decision confirmed by the owner"),
    "decision.decline": _l("Decision not confirmed by the owner"),
    "decision.final": _l("Decision final"),
    "decision.propose": _l("Decision proposed"),
    "decision.reopen": _l("Decision withdrawn (objection upheld)"),
    "formal_check": _l("Formal check"),
    "milestone.accept": _l("Milestone accepted"),
    "milestone.report": _l("Milestone reported"),
    "need.close": _l("Bidding closed at the deadline"),
    "need.publish": _l("Need published"),
    "need.republish": _l("Need published again"),
    "need.return": _l("Need returned to its owner"),
    "need.submit": _l("Need submitted for screening"),
    "objection.lodge": _l("Objection lodged"),
    "objection.resolve": _l("Objection resolved"),
    "organisation.unverify": _l("Organisation’s verification removed"),
    "organisation.verify": _l("Organisation verified"),
    "project.accept": _l("Project accepted"),
    "review.open": _l("Review round opened"),
    "review.reminder": _l("Reviewers reminded"),
    "review.scoring_started": _l("Scoring started"),
    "review.shortlist": _l("Defence round shortlist"),
    "rubric.update": _l("Rubric changed"),
    "score.reopen": _l("Score sheet reopened"),
    "score.submit": _l("Score sheet submitted"),
    "taxonomy.import": _l("Taxonomy imported"),
    "user.roles": _l("Roles changed"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def list_separator() -> str:
    """"、" between items and "；" between parts in Chinese; ", " and "; " in English."""
    return "、" if str(get_locale()) == "zh" else ", "


def part_separator() -> str:
    return "；" if str(get_locale()) == "zh" else "; "


def readable(value) -> str:
    """A detail value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return list_separator().join(readable(item) for item in value)
    if isinstance(value, dict):
        return part_separator().join(f"{key}: {readable(item)}" for key, item in value.items())
    return str(value)


DETAIL_LABELS = {
    "blind": _l("Blind review"), "bid": _l("Bid"), "bids": _l("Bids"),
    "closed_bids": _l("Earlier bids closed"), "criteria": _l("Criteria"),
    "deadline": _l("New bid deadline"), "eligible": _l("Eligible"), "files": _l("Files"),
    "kind": _l("Kind"), "label": _l("Bid"), "milestones": _l("Milestones"),
    "min_panel": _l("Smallest panel"), "note": _l("Owner’s note"),
    "organisation_id": _l("Organisation"), "outcome": _l("Outcome"), "panel": _l("Panel"),
    "person": _l("Person"), "publicity_days": _l("Publicity (days)"),
    "publicity_ends_at": _l("Publicity ends"), "rationale": _l("Rationale"),
    "reason": _l("Reason"), "report": _l("Report"), "resolution": _l("Resolution"),
    "reviewer": _l("Reviewer"), "reviewers": _l("Reviewers"), "round": _l("Round"),
    "scores": _l("Scores"), "shortlist": _l("Shortlist"), "status": _l("Status"),
    "text": _l("Details"), "total": _l("Weighted total"), "upheld": _l("Upheld"),
    "winners": _l("Winners"),
    # a need's screening and closing, the taxonomy, organisations and roles
    "after_return": _l("Submitted again after a return"),
    "bid_deadline": _l("Bid deadline"), "bids_received": _l("Bids received"),
    "chains": _l("Number of industrial chains"),
    "clusters": _l("Number of industrial clusters"),
    "file": _l("File"), "granted": _l("Roles given"), "organisation": _l("Organisation"),
    "removed_chains": _l("Industrial chains removed"), "revoked": _l("Roles taken away"),
    "roles": _l("Roles now"), "user": _l("User"), "version": _l("Taxonomy version"),
    "version_name": _l("Version name in the file"),
}
# internal record numbers: kept in the entry (and the CSV export), not read out on the page
HIDDEN_DETAILS = {"bid_id", "decision_id", "objection_id", "winner_bid_ids"}

_formatters: dict[str, Callable[[object], str]] = {}


def detail_formatter(*keys: str):
    """Register how a recorded field reads (e.g. the review package's criterion scores)."""
    def register(function: Callable[[object], str]):
        for key in keys:
            _formatters[key] = function
        return function
    return register


def details(data: dict) -> list[tuple[str, str]]:
    """An entry's recorded fields as (label, text) pairs, in the order recorded."""
    return [(str(DETAIL_LABELS.get(key, key)), _formatters.get(key, readable)(value))
            for key, value in (data or {}).items() if key not in HIDDEN_DETAILS]


def person(email: str | None) -> str:
    """A recorded e-mail address as the person's name (the address when nobody has it now)."""
    if not email or email == "system":
        return str(_("System"))
    cache = g.setdefault("audit_people", {})
    if email not in cache:
        user = db.session.scalar(select(User).where(User.email == email))
        cache[email] = user.name if user is not None else email
    return cache[email]


@detail_formatter("reviewer", "user")
def _person(value) -> str:
    return person(value) if value else "—"


@detail_formatter("panel", "reviewers")
def _people(value) -> str:
    return list_separator().join(person(email) for email in value or []) or "—"


@detail_formatter("publicity_ends_at", "deadline", "bid_deadline")
def _time(value) -> str:
    try:
        return format_in_zone(datetime.fromisoformat(value), program_zone())
    except (TypeError, ValueError):
        return readable(value)


@detail_formatter("closed_bids")
def _count(value) -> str:
    return str(len(value)) if isinstance(value, list) else readable(value)


@detail_formatter("files")
def _files(value) -> str:
    return list_separator().join(str(item[0]) if isinstance(item, list) and item else str(item)
                     for item in value or []) or "—"


@detail_formatter("bids")
def _bid_labels(value) -> str:
    return list_separator().join(sorted(value)) if isinstance(value, dict) else readable(value)


@detail_formatter("organisation_id")
def _organisation(value) -> str:
    org = db.session.get(Organisation, value) if isinstance(value, int) else None
    return org.display_name(str(get_locale())) if org is not None else "—"


ROLE_LABELS = {Role.owner: _l("Need owner"), Role.solver: _l("Solver team"),
               Role.reviewer: _l("Reviewer"), Role.admin: _l("Administrator")}


@detail_formatter("granted", "revoked", "roles")
def _roles(value) -> str:
    names = []
    for item in value or []:
        try:
            names.append(str(ROLE_LABELS[Role(item)]))
        except ValueError:
            names.append(readable(item))
    return list_separator().join(names) or "—"


def _in_viewers_language(zh: str | None, en: str | None) -> str:
    """A name recorded in both languages, as the viewer reads it (the other when one is
    missing)."""
    first, second = (en, zh) if str(get_locale()) == "en" else (zh, en)
    return first or second or "—"


@detail_formatter("organisation")
def _organisation_name(value) -> str:
    """The organisation's name as it was when the entry was written."""
    if not isinstance(value, dict):
        return readable(value)
    return _in_viewers_language(value.get("name"), value.get("name_en"))


@detail_formatter("removed_chains")
def _chain_names(value) -> str:
    return list_separator().join(
        _in_viewers_language(item.get("zh"), item.get("en")) if isinstance(item, dict)
        else readable(item) for item in value or []) or "—"
