"""Opaque cursors: the client passes back `next_cursor` as `cursor` for the next page.

A cursor is base64url JSON naming the list it belongs to and where the next page starts: the
last id seen (keyset, for lists in id order) or, for search results (ranked in the index,
not in a column order), the position with a fingerprint of the query, so that a cursor is
never read against other filters.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json

from flask_babel import lazy_gettext as _l

from .errors import ApiAbort

MAX_OFFSET = 50_000


def encode(kind: str, **position) -> str:
    text = json.dumps({"k": kind, **position}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str | None, kind: str) -> dict:
    """The position a cursor holds; {} for the first page; 400 for a cursor that is not one
    of this list's."""
    if not cursor:
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise invalid()
    return data


def invalid() -> ApiAbort:
    return ApiAbort(400, "invalid_cursor", _l(
        "This cursor does not belong to this list (or these filters). Start again without "
        "a cursor and follow next_cursor."))


def after_id(cursor: str | None, kind: str) -> int | None:
    """The keyset position: the id the previous page ended with."""
    last = decode(cursor, kind).get("id")
    if last is None and cursor:
        raise invalid()
    if last is not None and (not isinstance(last, int) or isinstance(last, bool) or last < 0):
        raise invalid()
    return last


def fingerprint(values: dict) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def offset(cursor: str | None, kind: str, query_fingerprint: str) -> int:
    data = decode(cursor, kind)
    if not data:
        return 0
    position = data.get("o")
    if data.get("f") != query_fingerprint or not isinstance(position, int) \
            or isinstance(position, bool) or not 0 <= position <= MAX_OFFSET:
        raise invalid()
    return position
