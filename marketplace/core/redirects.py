"""Where a redirect may go: only to a path on this site.

Every ``next`` parameter and every redirect back to the referring page goes through
:func:`safe_target`; anything else (another host, a scheme such as ``javascript:``, a
scheme-relative ``//host``, backslashes that browsers read as slashes, control characters
that browsers strip, the same tricks percent-encoded) falls back to a page of ours.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request, url_for


def is_local_path(target: str | None) -> bool:
    """True for "/needs/?page=2", False for "https:evil", "//evil", "/\\evil", "java\tscript:"."""
    if not target or not target.startswith("/"):
        return False
    for text in (target, unquote(target)):
        if any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in text):
            return False
        if text.startswith("//"):
            return False
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_target(target: str | None, default: str | None = None) -> str:
    """The target if it is a path on this site, otherwise the default (the home page)."""
    if is_local_path(target):
        return target
    return default or url_for("site.home")


def referrer_path() -> str | None:
    """The referring page as a local path, when it is one of ours (same host)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_local_path(path) else None
