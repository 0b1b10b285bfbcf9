"""The audit log in words: what each recorded action means, and its details readable
(lists joined, yes/no, no Python representations)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
    "need.republish": _l("Need published again"),
    "objection.lodge": _l("Objection lodged"),
    "objection.resolve": _l("Objection resolved"),
    "project.accept": _l("Project accepted"),
    "review.open": _l("Review round opened"),
    "review.reminder": _l("Reviewers reminded"),
    "review.scoring_started": _l("Scoring started"),
    "review.shortlist": _l("Defence round shortlist"),
    "rubric.update": _l("Rubric changed"),
    "score.reopen": _l("Score sheet reopened"),
    "score.submit": _l("Score sheet submitted"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def readable(value) -> str:
    """A detail value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items())
    return str(value)
