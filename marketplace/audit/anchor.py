"""Anchors: the chain's head, signed with a key kept outside the database, kept outside it too.

A hash chain shows that no entry was edited, inserted or removed *relative to the rest of
the chain*. Whoever can write to the database can still rewrite the whole chain (and its
head) consistently, cut entries off the end, or empty it. An anchor closes that gap: it
records one entry's sequence number and hash at a moment, signed (HMAC-SHA256) with
AUDIT_SIGNING_KEY, which lives in the environment or in the data directory, never in the
database. Anchors are published on every publicity page and can be downloaded by the program
office to keep; `flask audit verify --anchor FILE` then proves that the chain still holds that
entry, unchanged, with everything before it intact.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from marketplace.core.types import utcnow
from marketplace.extensions import db

from .models import AuditEntry, AuditHead, canonical_json

ANCHOR_KIND = "marketplace-audit-anchor/1"


def _signature(seq: int, entry_hash: str, at: str) -> str:
    key = current_app.config["AUDIT_SIGNING_KEY"].encode("utf-8")
    message = canonical_json({"kind": ANCHOR_KIND, "seq": seq, "hash": entry_hash, "at": at})
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def make_anchor(now: datetime | None = None) -> dict | None:
    """The head as it stands in this transaction, signed; None while the log is empty."""
    head = db.session.get(AuditHead, 1)
    if head is None or not head.last_seq:
        return None
    at = (now or utcnow()).isoformat(timespec="seconds")
    return {"kind": ANCHOR_KIND, "seq": head.last_seq, "hash": head.last_hash, "at": at,
            "signature": _signature(head.last_seq, head.last_hash, at)}


def anchor_json(anchor: dict) -> str:
    return json.dumps(anchor, ensure_ascii=False, indent=2, sort_keys=True)


def check_anchor(anchor: dict) -> list[str]:
    """What is wrong between the chain now and this anchor (empty when it holds). The chain
    itself is checked by operations.verify; this says whether it still holds the anchored
    entry, unchanged."""
    try:
        seq, entry_hash, at = int(anchor["seq"]), str(anchor["hash"]), str(anchor["at"])
        signature = str(anchor["signature"])
    except (KeyError, TypeError, ValueError):
        return ["the anchor is not readable (it needs seq, hash, at and signature)"]
    if not hmac.compare_digest(signature, _signature(seq, entry_hash, at)):
        return ["the anchor's signature does not match this site's signing key: the anchor "
                "was altered, or it comes from another site"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == seq))
    if entry is None:
        return [f"entry {seq}, anchored at {at}, is no longer in the log: entries were removed"]
    if entry.hash != entry_hash or entry.compute_hash() != entry_hash:
        return [f"entry {seq} is not the entry anchored at {at}: the log was rewritten since"]
    head = db.session.get(AuditHead, 1)
    if head is None or head.last_seq < seq:
        return [f"the log's head is behind entry {seq}, anchored at {at}: entries were "
                "removed from the end"]
    return []
