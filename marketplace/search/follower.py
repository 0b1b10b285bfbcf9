"""The follower: keeps this node's index up to date with changes committed on other nodes.

A web process applies the change log right after its own commits; changes committed by other
nodes (or by this node's worker) reach this node's index through the follower: a daemon thread
that every SEARCH_POLL_SECONDS (0.5 by default) reads the log's newest id (one indexed max()),
and applies the log when it is above the index's cursor (`changelog.py`). So a change is in
every node's index about a second after its commit, without a request on that node.

Only one process per node polls: the follower holds a POSIX lock on INDEX_DIR/follower.lock;
the other processes of the node (gunicorn workers, the `worker`, a command) try to take it on
each tick, so when the owner dies another process takes over within a tick. POSIX locks belong
to a process and are not inherited by a forked child, so a child forked by the owner (the
indexer of a large import) never holds the node's lock alone.

It starts in every app that is not testing and not running a command (see sync.init_app),
unless SEARCH_POLL_SECONDS is 0. Gunicorn must not
`--preload` the app: the follower would then run in the master process only, whose database
connections the workers inherit.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from sqlalchemy.exc import OperationalError, ProgrammingError

from . import engine

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
QUIET_SECONDS = 60           # the same failure is logged at most this often

_started: dict[str, "Follower"] = {}
_start_lock = threading.Lock()


class Follower(threading.Thread):
    def __init__(self, app, poll, interval: float):
        super().__init__(name=f"search-follower:{app.config['INDEX_DIR']}", daemon=True)
        self.app, self.poll, self.interval = app, poll, interval
        self.index_dir = app.config["INDEX_DIR"]
        self.stopping = threading.Event()
        self._lock_file = None
        self._logged: dict[str, float] = {}

    def owns_node(self) -> bool:
        """Whether this process is the node's follower (taking the lock if it is free)."""
        if self._lock_file is not None:
            return True
        try:
            Path(self.index_dir).mkdir(parents=True, exist_ok=True)
            handle = open(os.path.join(self.index_dir, "follower.lock"), "a")
        except OSError:
            return False
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle
        log.info("this process follows the search change log for %s", self.index_dir)
        return True

    def _quietly(self, kind: str, level: int, message: str, *args, exc_info=False) -> None:
        now = time.monotonic()
        if now - self._logged.get(kind, -QUIET_SECONDS) >= QUIET_SECONDS:
            self._logged[kind] = now
            log.log(level, message, *args, exc_info=exc_info)

    def tick(self) -> None:
        if not self.owns_node():
            return
        with self.app.app_context():
            try:
                self.poll(self.app)
            except engine.LockError:
                pass                    # another process of this node is applying
            except (OperationalError, ProgrammingError) as exc:
                self._quietly("database", logging.INFO, "search follower: database not "
                              "ready (%s)", type(exc).__name__)
            except engine.IndexUnavailable as exc:
                self._quietly("index", logging.WARNING, "search follower: %s; run `flask "
                              "--app wsgi search rebuild`", exc)
            except Exception:
                self._quietly("other", logging.ERROR, "search follower failed",
                              exc_info=True)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.tick()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def start(app, poll, interval: float = POLL_SECONDS) -> Follower:
    """Start this process's follower of the app's index (once per process and index)."""
    key = f"{os.getpid()}:{app.config['INDEX_DIR']}"
    with _start_lock:
        running = _started.get(key)
        if running is None or not running.is_alive():
            running = _started[key] = Follower(app, poll, interval)
            running.start()
        return running
