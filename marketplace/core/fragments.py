"""Rendered pieces of pages kept per process, keyed by everything they show.

A need's card (the list, home) is the same for every reader of one language: its key holds
the need's id and version (every change to the need raises it), its effective status (a
deadline passing closes it without a write), its organisation's name as shown (an
organisation renamed changes the key), the language and the program's time zone. So a card is
never stale and never shows one reader another's view, and signed-in readers and pages the
page cache does not keep (pagecache.py) reuse it too. Set FRAGMENT_CACHE = False to turn it
off.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup

from .lru import LRU

MAX_FRAGMENTS = 20_000        # a card is about 1 KB: at most ~20 MB per process

fragments = LRU(MAX_FRAGMENTS)


def cached_fragment(key: Hashable, render: Callable[[], str]) -> Markup:
    """The fragment under `key`, rendered once per process."""
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return Markup(render())
    found = fragments.get(key)
    if found is None:
        found = Markup(render())
        fragments.put(key, found)
    return found
