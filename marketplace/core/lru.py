"""A small bounded cache shared by the page, fragment and search posting caches."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class LRU:
    """A bounded mapping, least recently used first out, safe across threads. Each value
    weighs `weigh(value)` (1 by default); the newest entry stays even if it alone is over."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda _value: 1):
        self.limit, self.weigh, self.size = limit, weigh, 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            if key in self.items:
                self.size -= self.weigh(self.items.pop(key))
            self.items[key] = value
            self.size += self.weigh(value)
            while self.size > self.limit and len(self.items) > 1:
                _key, old = self.items.popitem(last=False)
                self.size -= self.weigh(old)

    def discard(self, keep: Callable[[object], bool]) -> None:
        """Forget every entry whose key `keep` refuses."""
        with self.lock:
            for key in [k for k in self.items if not keep(k)]:
                self.size -= self.weigh(self.items.pop(key))

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0
