"""Words for review states, shared by the pages and the report downloads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .award_models import DecisionStatus
from .models import AssignmentStatus

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
