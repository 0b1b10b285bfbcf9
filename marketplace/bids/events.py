"""What happens to a bid, for the services that react (notifications). Sent inside the
transaction, after its flush (see challenges/events.py). The sender is the `Bid`."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

bid_submitted = _events.signal("bid-submitted",
                               doc="A version was submitted; version=the BidVersion.")
