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
    (review_events.milestone_reported, notify.milestone_reported),
    (review_events.milestone_accepted, notify.milestone_accepted),
]


# blinker calls each receiver as receiver(sender, **values): the handlers take exactly that
for _signal, _handler in RECEIVERS:
    _signal.connect(_handler, weak=False)


def init_app(app: Flask) -> None:
    """Nothing per app: the receivers are connected when this module is imported."""


# -- accounts: the password reset mails ----------------------------------------------------
# Not notices about a need: an email to the account's own address only, in its language.
from flask import current_app  # noqa: E402  (appended section)
from flask_babel import force_locale  # noqa: E402
from flask_babel import gettext as _  # noqa: E402

from marketplace.accounts import events as account_events  # noqa: E402

from .events import page_path  # noqa: E402
from .models import OutboxEmail  # noqa: E402


def _public_link(path: str) -> str:
    """A link in an account mail: always on PUBLIC_BASE_URL, never the request's Host header
    (a forged Host would otherwise send the reset link to another site)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    return base.rstrip("/") + path


def _account_mail(user, subject, *paragraphs) -> None:
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        body = "\n\n".join(str(part) for part in [
            _("Hello %(name)s,", name=user.name), *(p() for p in paragraphs)] if part)
        db.session.add(OutboxEmail(to_address=user.email, subject=str(subject())[:300],
                                   body=body))
    db.session.flush()


def password_reset_requested(user, token: str) -> None:
    link = _public_link(page_path("accounts.reset_password", token=token))
    _account_mail(
        user, lambda: _("Reset your password"),
        lambda: _("Someone, probably you, asked to reset the password of your account "
                  "%(email)s on the open technology challenge platform. Open this link to "
                  "choose a new password; it works once, within one hour:", email=user.email),
        lambda: link,
        lambda: _("If you did not ask for this, ignore this email: your password stays as "
                  "it is."))


def password_reset_done(user) -> None:
    link = _public_link(page_path("accounts.forgot_password"))
    _account_mail(
        user, lambda: _("Your password was changed"),
        lambda: _("The password of your account %(email)s on the open technology challenge "
                  "platform was changed with a reset link, and every sign-in to the account "
                  "was ended.", email=user.email),
        lambda: _("If this was not you, ask for a new link at once to set a password of your "
                  "own, and tell the program office:"),
        lambda: link)


for _signal, _handler in [(account_events.password_reset_requested, password_reset_requested),
                          (account_events.password_reset_done, password_reset_done)]:
    _signal.connect(_handler, weak=False)
