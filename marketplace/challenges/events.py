"""What happens to a need, for the services that react to it (notifications and the audit
log today; OCDS publication later). Each event is sent inside the transaction that made the
change, after its flush: what a receiver writes (a notice, an email in the outbox, an audit
entry) commits or rolls back with the change itself, so a refused or failed request sends
nothing.

Every event's sender is the need (a `Challenge`); the keyword arguments are listed. Who moved
the need, and from which state, is its newest transition (`need.transitions[-1]`), written
by the same step; closing at the deadline is the system's."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

need_submitted = _events.signal(
    "need-submitted", doc="Its owner submitted it for screening (again, after a return).")
need_published = _events.signal("need-published", doc="The program office published it.")
need_returned = _events.signal(
    "need-returned", doc="The program office returned it to its owner; reason=text.")
need_closed = _events.signal(
    "need-closed", doc="Bidding closed at its deadline (the worker's sweep).")
