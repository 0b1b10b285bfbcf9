"""Score sheets: drafts, submission (locks the sheet) and reopening by an admin."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from marketplace.audit.operations import record
from marketplace.core.types import plain_number, utcnow
from marketplace.extensions import db

from . import events
from .aggregation import CriterionSpec, quantize, weighted_total
from .models import Assignment, RoundBid, Score, ScoreSheet, SheetStatus
from .operations import ReviewRefused


class SheetIncomplete(ReviewRefused):
    def __init__(self, errors: dict):
        super().__init__(_l("The sheet was saved as a draft but not submitted: correct the "
                            "marked fields."))
        self.errors = errors


@dataclass
class ScoreInput:
    value: str = ""
    comment: str = ""


def specs(criteria) -> list[CriterionSpec]:
    return [CriterionSpec(c.id, c.weight, c.min_score, c.max_score) for c in criteria]


def sheet_total(sheet: ScoreSheet) -> Decimal | None:
    criteria = sheet.assignment.round.criteria
    values = {s.criterion_id: s.value for s in sheet.scores if s.value is not None}
    if len(values) < len(criteria):
        return None
    return weighted_total(specs(criteria), values)


def get_sheet(assignment: Assignment, entry: RoundBid, create: bool = False
              ) -> ScoreSheet | None:
    sheet = assignment.sheet_for(entry)
    if sheet is None and create:
        sheet = ScoreSheet(bid_id=entry.bid_id, status=SheetStatus.draft)
        assignment.sheets.append(sheet)
        db.session.flush()
    return sheet


def _parse(text: str) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def save_sheet(assignment: Assignment, entry: RoundBid, user, inputs: dict[int, ScoreInput],
               comment: str | None, submit: bool = False) -> ScoreSheet:
    """Keep what the reviewer typed; on submit check it all and lock the sheet."""
    if entry.round_id != assignment.round_id or not entry.eligible:
        raise ReviewRefused(_l("This bid is not scored in this round."))
    if not assignment.can_score(user):
        raise ReviewRefused(_l("You cannot score on this panel now."))
    sheet = get_sheet(assignment, entry, create=True)
    if sheet.submitted:
        raise ReviewRefused(_l("This sheet was submitted and is locked."))
    errors: dict[str, list] = {}
    existing = {s.criterion_id: s for s in sheet.scores}
    for criterion in assignment.round.criteria:
        given = inputs.get(criterion.id, ScoreInput())
        value = _parse(given.value) if given.value.strip() else None
        if given.value.strip() and (value is None or not
                                    criterion.min_score <= value <= criterion.max_score
                                    or value.as_tuple().exponent < -2):
            errors.setdefault(f"score-{criterion.id}", []).append(_l(
                "Enter a number from %(low)s to %(high)s.", low=plain_number(criterion.min_score),
                high=plain_number(criterion.max_score)))
            value = None
        row = existing.get(criterion.id) or Score(criterion_id=criterion.id)
        row.value, row.comment = value, given.comment.strip() or None
        if row.id is None:
            sheet.scores.append(row)
        if submit and value is None and f"score-{criterion.id}" not in errors:
            errors.setdefault(f"score-{criterion.id}", []).append(_l("Score this criterion."))
        if submit and criterion.comment_required and not row.comment:
            errors.setdefault(f"comment-{criterion.id}", []).append(
                _l("A comment is required for this criterion."))
    sheet.comment = (comment or "").strip() or None
    sheet.saved_at = utcnow()
    db.session.flush()
    if submit:
        if errors:
            raise SheetIncomplete(errors)
        _submit(sheet, entry, user)
    elif errors:
        raise SheetIncomplete(errors)
    return sheet


def _submit(sheet: ScoreSheet, entry: RoundBid, user) -> None:
    sheet.status, sheet.submitted_at = SheetStatus.submitted, utcnow()
    db.session.flush()
    review = entry.round
    record("score.submit", user, need=review.challenge, subject=sheet,
           data={"round": review.number, "bid": entry.label, "bid_id": entry.bid_id,
                 "reviewer": user.email, "total": str(quantize(sheet_total(sheet))),
                 "scores": {str(s.criterion_id): str(s.value) for s in sheet.scores}})
    if review.fully_scored:
        events.round_scored.send(review)


def reopen_sheet(sheet: ScoreSheet, actor, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused(_l("Give the reason for reopening the sheet."))
    if not sheet.can_reopen(actor):
        raise ReviewRefused(_l("Only a submitted sheet of a round in scoring can be reopened."))
    sheet.status, sheet.submitted_at, sheet.reopen_reason = SheetStatus.draft, None, reason
    db.session.flush()
    review = sheet.assignment.round
    record("score.reopen", actor, need=review.challenge, subject=sheet,
           data={"round": review.number, "bid_id": sheet.bid_id,
                 "reviewer": sheet.assignment.reviewer.email, "reason": reason})
    events.sheet_reopened.send(sheet)
