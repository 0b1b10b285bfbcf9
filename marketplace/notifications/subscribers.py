"""Notifications subscribe to the domains' events: who is told what, in-app and by email.
The domains never call this package (the layer contract, tests/test_layers.py); each
receiver runs inside the transaction that sent its event, so the notices and the outbox
emails it writes commit or roll back with the change.

Connected once, when this module is imported (create_app imports it through init_app)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import delete

from marketplace.bids import events as bid_events
from marketplace.challenges import events as need_events
from marketplace.extensions import db
from marketplace.qa import events as qa_events
from marketplace.review import events as review_events

from . import events as notify
from .models import NoticeSent


def _republished(need, organisation_ids) -> None:
    # reminders and the closing notice are owed again for the new bidding period
    db.session.execute(delete(NoticeSent).where(NoticeSent.challenge_id == need.id))
    db.session.flush()
    notify.need_republished(need, organisation_ids)


RECEIVERS = [
    (need_events.need_published, lambda need: notify.need_screened(need, published=True)),
    (need_events.need_returned,
     lambda need, reason: notify.need_screened(need, published=False, reason=reason)),
    (qa_events.question_asked, notify.question_asked),
    (qa_events.question_answered, notify.question_answered),
    (bid_events.bid_submitted, notify.bid_received),
    (review_events.review_opened, notify.review_opened),
    (review_events.bid_checked,
     lambda entry, eligible: (notify.bid_eligible if eligible else notify.bid_ineligible)(entry)),
    (review_events.reviewer_assigned, notify.review_assigned),
    (review_events.reviewer_reminded, notify.review_reminder),
    (review_events.round_scored, notify.round_complete),
    (review_events.sheet_reopened, notify.review_reopened),
    (review_events.decision_proposed, notify.decision_to_confirm),
    (review_events.decision_confirmed, notify.decision_published),
    (review_events.decision_declined, notify.decision_declined),
    (review_events.objection_lodged, notify.objection_lodged),
    (review_events.decision_reopened, notify.decision_reopened),
    (review_events.objection_resolved, notify.objection_resolved),
    (review_events.award_final, notify.award_final),
    (review_events.need_republished, _republished),
]


# blinker calls each receiver as receiver(sender, **values): the handlers take exactly that
for _signal, _handler in RECEIVERS:
    _signal.connect(_handler, weak=False)


def init_app(app: Flask) -> None:
    """Nothing per app: the receivers are connected when this module is imported."""
