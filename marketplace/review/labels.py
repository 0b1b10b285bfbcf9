"""Words for review states, shared by the pages and the report downloads."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from marketplace.audit.labels import (detail_formatter, list_separator, part_separator,
                                     readable)
from marketplace.core.types import plain_number
from marketplace.extensions import db

from .award_models import DecisionStatus, MilestoneStatus, Outcome
from .models import AssignmentStatus, ConflictKind, Criterion

DECISION_STATUS_LABELS = {
    DecisionStatus.proposed: _l("Waiting for the need owner"),
    DecisionStatus.declined: _l("Not confirmed by the owner"),
    DecisionStatus.publicity: _l("In publicity"),
    DecisionStatus.reopened: _l("Reopened"),
    DecisionStatus.final: _l("Final"),
}


ASSIGNMENT_STATUS_LABELS = {
    AssignmentStatus.active: _l("On the panel"),
    AssignmentStatus.recused: _l("Recused"),
    AssignmentStatus.removed: _l("Removed"),
}


def sheet_label(sheet) -> str:
    """A reviewer's score sheet for one bid: not started, draft or submitted."""
    if sheet is None:
        return str(_l("Not started"))
    return str(_l("Submitted") if sheet.submitted else _l("Draft"))


MILESTONE_STATUS_LABELS = {
    MilestoneStatus.scheduled: _l("Scheduled"),
    MilestoneStatus.met: _l("Met"),
    MilestoneStatus.partially_met: _l("Partially met"),
    MilestoneStatus.not_met: _l("Not met"),
}
CONFLICT_KIND_LABELS = {
    ConflictKind.organisation: _l("With an organisation"),
    ConflictKind.person: _l("With a person"),
    ConflictKind.other: _l("Other"),
}


def outcome_label(outcome: Outcome) -> str:
    return (pgettext("decision outcome", "Winners selected") if outcome == Outcome.award
            else str(_l("No award")))


# -- the review's fields in the audit log, read out ------------------------------------------
def _enum_label(labels: dict, enum_type, value) -> str:
    try:
        return str(labels[enum_type(value)])
    except (KeyError, ValueError):
        return readable(value)


@detail_formatter("outcome")
def _outcome(value) -> str:
    try:
        return outcome_label(Outcome(value))
    except ValueError:
        return readable(value)


@detail_formatter("status")
def _milestone_status(value) -> str:
    return _enum_label(MILESTONE_STATUS_LABELS, MilestoneStatus, value)


@detail_formatter("kind")
def _conflict_kind(value) -> str:
    return _enum_label(CONFLICT_KIND_LABELS, ConflictKind, value)


@detail_formatter("milestones")
def _milestones(value) -> str:
    """A count (contract recorded) or each milestone's status (project accepted)."""
    if isinstance(value, dict):
        return list_separator().join(_milestone_status(s) for s in value.values()) or "—"
    return readable(value)


@detail_formatter("scores")
def _scores(value) -> str:
    """Scores by criterion, named as the rubric names them (recorded by criterion id)."""
    if not isinstance(value, dict):
        return readable(value)
    locale, parts = str(get_locale()), []
    for key, score in value.items():
        criterion = db.session.get(Criterion, int(key)) if str(key).isdigit() else None
        name = criterion.display_name(locale) if criterion is not None else str(key)
        parts.append(f"{name} {_number(score)}")
    return part_separator().join(parts)


@detail_formatter("criteria")
def _criteria(value) -> str:
    """The rubric as recorded: name, weight, score range, comment required."""
    parts = []
    for row in value or []:
        if isinstance(row, list) and len(row) >= 4:
            name, weight, low, high = row[:4]
            text = f"{name} ({weight}%, {_number(low)}–{_number(high)})"
            if len(row) > 4 and row[4]:
                text += " · " + str(_l("comment required"))
            parts.append(text)
        else:
            parts.append(readable(row))
    return part_separator().join(parts) or "—"


def _number(value) -> str:
    try:
        return plain_number(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return readable(value)
