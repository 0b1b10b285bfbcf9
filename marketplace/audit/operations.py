"""Writing to and checking the audit log. Operations flush and never commit."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Text, select, type_coerce

from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import GENESIS_HASH, HASH_VERSION, AuditEntry, AuditHead, canonical_json


def _head() -> AuditHead:
    """The chain's head, locked for this transaction (PostgreSQL; SQLite writes serially)."""
    head = db.session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS_HASH)
        db.session.add(head)
        db.session.flush()
    return head


def record(action: str, actor=None, *, need=None, subject=None, data: dict | None = None
           ) -> AuditEntry:
    """Append one entry: `action` (e.g. "assignment.create") by `actor` about `subject`."""
    head = _head()
    entry = AuditEntry(
        seq=head.last_seq + 1, at=utcnow(), action=action,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or "system",
        challenge_id=getattr(need, "id", None),
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        data=json.loads(canonical_json(data or {})), prev_hash=head.last_hash,
        hash_version=HASH_VERSION)
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    head.last_seq, head.last_hash = entry.seq, entry.hash
    db.session.flush()
    return entry


@dataclass
class Verification:
    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Walk the chain: every entry's hash, link and sequence number, then the head."""
    problems: list[str] = []
    previous_hash, expected_seq, count = GENESIS_HASH, 1, 0
    # `data` is read as text and decoded here, so that a row edited into invalid JSON is
    # reported as changed instead of breaking the walk
    columns = [AuditEntry.seq, AuditEntry.at, AuditEntry.actor_id, AuditEntry.actor_label,
               AuditEntry.action, AuditEntry.challenge_id, AuditEntry.subject_type,
               AuditEntry.subject_id, type_coerce(AuditEntry.data, Text).label("data"),
               AuditEntry.prev_hash, AuditEntry.hash, AuditEntry.hash_version]
    rows = db.session.execute(select(*columns).order_by(AuditEntry.seq)
                              .execution_options(yield_per=500))
    for row in rows:
        count += 1
        values = row._asdict()
        data, readable = _decoded(values.pop("data"))
        entry = AuditEntry(**values, data=data)  # transient: only hashed, never added
        if not readable:
            problems.append(f"entry {entry.seq} was changed after it was written "
                            "(its data is not valid JSON)")
            previous_hash, expected_seq = entry.hash, entry.seq + 1
            continue
        if entry.seq != expected_seq:
            problems.append(f"entries {expected_seq}..{entry.seq - 1} are missing"
                            if entry.seq > expected_seq else f"entry {entry.seq} is out of order")
        if entry.prev_hash != previous_hash:
            problems.append(f"entry {entry.seq} does not link to the entry before it")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entry {entry.seq} was changed after it was written")
        previous_hash, expected_seq = entry.hash, entry.seq + 1
    head = db.session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is None:
        if count:
            problems.append("the chain head is missing")
    elif head.last_seq != last_seq:
        problems.append(f"the chain ends at entry {last_seq} but its head records entry "
                        f"{head.last_seq}: entries were removed from the end or added outside "
                        "the log")
    elif head.last_hash != previous_hash:
        problems.append(f"the chain head's hash does not match entry {last_seq}: the head or "
                        "the last entry was replaced")
    return Verification(entries=count, problems=problems)


def _decoded(raw) -> tuple[object, bool]:
    """The data column's value, and whether it could be read (drivers differ: text or dict)."""
    if not isinstance(raw, str):
        return raw, True
    try:
        return json.loads(raw), True
    except ValueError:
        return None, False
