"""What happens to the taxonomy, for the services that react (the audit log). Sent inside the
transaction that made the change, after its flush (see challenges/events.py): a file that
cannot be loaded sends nothing, and a rollback takes what the receivers wrote with it."""
from __future__ import annotations

from blinker import Namespace

_events = Namespace()

taxonomy_imported = _events.signal(
    "taxonomy-imported", doc="A document replaced the taxonomy (the admin's upload, the "
    "command line, or setup's shipped file) and every need was classified again. Sender: the "
    "new TaxonomyVersion; actor=the admin (None from the command line or setup), "
    "removed_chains=the chains the document dropped, as [{\"zh\": name, \"en\": name}].")
