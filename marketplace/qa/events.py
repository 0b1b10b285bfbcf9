"""Questions and answers on a need, for the services that react (notifications). Sent inside
the transaction, after its flush (see challenges/events.py). The sender is the `Question`."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

question_asked = _events.signal("question-asked", doc="A team asked; the owner answers.")
question_answered = _events.signal("question-answered", doc="Answered for the first time.")
