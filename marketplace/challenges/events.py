"""What happens to a need, for the services that react to it (notifications today; OCDS
publication later). Each event is sent inside the transaction that made the change, after
its flush: what a receiver writes (a notice, an email in the outbox) commits or rolls back
with the change itself, so a refused or failed request sends nothing.

Every event's sender is the need (a `Challenge`); the keyword arguments are listed."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

need_published = _events.signal("need-published", doc="The program office published it.")
need_returned = _events.signal(
    "need-returned", doc="The program office returned it to its owner; reason=text.")
