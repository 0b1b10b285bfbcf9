"""What happens to accounts, for the services that react (the audit log). Sent inside the
transaction that made the change, after its flush (see challenges/events.py): a rollback
takes what the receivers wrote with it. The sender of each is named; the keyword arguments
are listed."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

organisation_verified = _events.signal(
    "organisation-verified", doc="The program office verified the organisation, or took the "
    "verification back. Sender: the Organisation; actor=the admin, verified=bool.")
roles_changed = _events.signal(
    "roles-changed", doc="A user's roles were changed. Sender: the User; actor=who changed "
    "them, granted=set of Role, revoked=set of Role (at least one of them not empty).")


# -- password reset (accounts.resets; notifications send the mails) -------------------------
password_reset_requested = _events.signal(
    "password-reset-requested",
    doc="Someone asked for a reset link for this active account. Sender: the User; "
        "token=the signed token (the page: url_for('accounts.reset_password', token=token)), "
        "valid for one hour.")
password_reset_done = _events.signal(
    "password-reset-done",
    doc="The password was set through a reset link and every sign-in of the user ended. "
        "Sender: the User.")
