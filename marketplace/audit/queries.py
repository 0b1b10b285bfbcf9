"""Reading the audit log: pages for admins, CSV for export."""
from __future__ import annotations

import io
from collections.abc import Iterator

from sqlalchemy import select

from marketplace.core.spreadsheets import SafeCsvWriter
from marketplace.extensions import db

from .models import AuditEntry, canonical_json

CSV_HEADER = ["seq", "at_utc", "actor", "action", "need_id", "subject_type", "subject_id",
              "data", "prev_hash", "hash"]


def entries(need_id: int | None = None, action: str | None = None):
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if need_id is not None:
        query = query.where(AuditEntry.challenge_id == need_id)
    if action:
        query = query.where(AuditEntry.action == action)
    return query


def _row(entry: AuditEntry) -> list:
    return [entry.seq, entry.at.isoformat(timespec="seconds"), entry.actor_label, entry.action,
            entry.challenge_id or "", entry.subject_type, entry.subject_id or "",
            canonical_json(entry.data), entry.prev_hash, entry.hash]


def csv_lines(need_id: int | None = None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(CSV_HEADER)
    yield buffer.getvalue()
    query = entries(need_id).order_by(None).order_by(AuditEntry.seq)
    for entry in db.session.scalars(query.execution_options(yield_per=500)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_row(entry))
        yield buffer.getvalue()
