"""The audit trail: an append-only, hash-chained log of review-sensitive actions.

Every entry carries the hash of the one before it and a hash over its own content, so
editing, inserting or deleting any row breaks the chain. A one-row head records the last
sequence number and hash, so that cutting rows off the end is detected too.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

GENESIS_HASH = "0" * 64
HASH_VERSION = 2


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    challenge_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # 1: entries written before actor_id was hashed; 2: every field is in the hash
    hash_version: Mapped[int] = mapped_column(Integer, default=HASH_VERSION,
                                              server_default="1")

    actor: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("seq >= 1", name="seq_positive"),)

    def payload(self) -> dict:
        """Everything the hash covers: every field of the entry (version 2). Version 1
        entries, written before, left actor_id out; the version is itself hashed, so an entry
        cannot be passed off as version 1. (Users are deactivated, never deleted: deleting one
        would null actor_id and `audit verify` would report those entries as changed.)"""
        payload = {"seq": self.seq, "at": self.at.isoformat(timespec="microseconds"),
                   "actor": self.actor_label, "action": self.action,
                   "challenge_id": self.challenge_id, "subject_type": self.subject_type,
                   "subject_id": self.subject_id, "data": self.data, "prev": self.prev_hash}
        if (self.hash_version or 1) >= 2:
            payload.update(v=self.hash_version, actor_id=self.actor_id)
        return payload

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.payload()).encode("utf-8")).hexdigest()


class AuditHead(db.Model):
    """The chain's end: one row, locked while appending so entries are written one by one."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


@event.listens_for(AuditEntry, "before_update")
def _entries_are_immutable(mapper, connection, target) -> None:
    raise ValueError("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _entries_are_permanent(mapper, connection, target) -> None:
    raise ValueError("audit entries cannot be deleted")
