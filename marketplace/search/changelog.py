"""The search change log, and each index's own position in it (search on every node).

The log is the `search_outbox` table: one row "need N changed" per change, written in the same
transaction as the change (`sync.py`), with increasing ids. Nothing in the log says whether a
row was applied: every node has its own index, and every index keeps its own **cursor**, stored
with the index (`SYNC_STATE.json` in the index generation, written after the Whoosh commit it
describes, see `engine.write_state`). Applying means: take the node's index writer lock, read
every log row the cursor has not seen, write those needs' documents, commit, advance the
cursor. So each node converges on its own, whichever node made the change, and `search verify`
and `search sync` speak for the node they run on.

The cursor is `through` (the highest log id read), `holes` (ids below `through` that were not
in the log when it was read) and `retry` (needs whose document could not be built: tried again
by every later apply until it works).

Ids that commit out of order. On PostgreSQL ids come from a sequence when the row is inserted,
not when the transaction commits: a transaction that took id 10 can commit after one that took
id 11 was read, and a cursor that only remembered "through 11" would never see 10. So every id
missing below `through` is kept as a hole (ranges, so a large import in flight stays small) and
looked up again on every apply until it is settled:
- on PostgreSQL, exactly: when the hole was seen we store the snapshot's xmax (the next
  transaction id); once the oldest running transaction (`pg_snapshot_xmin`) is at or past it,
  every transaction that could have held the id has ended, so a row still missing was rolled
  back. (Our transactions always write the need before its log row, so a transaction holds a
  transaction id before it takes a log id.) A transaction left open for hours keeps its holes
  open that long: they cost one indexed lookup per apply.
- everywhere, at least HOLE_SECONDS after it was seen. SQLite has a single writer, so ids
  commit in order there; a hole only comes from rows written with explicit ids.
We chose holes over re-reading a trailing window of ids (which costs a read of the whole
window on every poll and still has to guess its width) and over commit timestamps with a safety
lag (clocks of different machines, and a lag every change would wait for): a hole costs
nothing until it exists, and the common case (no holes) reads only ids above `through`.

Retention and a node that was away. Rows are pruned once older than RETENTION_SECONDS (a day):
the prune deletes every row below the newest row that old, and keeps that one, so the oldest
remaining row marks where the log starts, and the table is never emptied (SQLite would reuse
ids of an emptied table). A cursor below that start (`through < oldest id - 1`) may have
missed pruned rows: the apply raises CursorBehind, and the follower (or `search sync`) rebuilds
this node's index and logs it. A node down longer than the retention window therefore repairs
itself with one rebuild when it comes back. A new, empty index (cursor 0) on a log that still
starts at id 1 simply replays the whole log.
"""
from __future__ import annotations

import time
from datetime import timedelta
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from marketplace.core.types import utcnow

from . import engine
from .models import SearchOutbox

RETENTION_SECONDS = 24 * 3600
HOLE_SECONDS = 60
PRUNE_EVERY_SECONDS = 600
RANGES_PER_QUERY = 200


class CursorBehind(engine.IndexUnavailable):
    """The index's cursor is older than the log's retention window: changes it never saw
    were pruned, so only a rebuild brings it back in line."""

    def __init__(self, index_dir: str, through: int, oldest: int):
        super().__init__(f"the search index in {index_dir} is behind the change log (it "
                         f"applied it through #{through}; the log now starts at #{oldest})")
        self.through, self.oldest = through, oldest


@dataclass
class Hole:
    """Log ids lo..hi (inclusive) missing when the cursor passed them."""

    lo: int
    hi: int
    seen_at: float              # time.time() when first seen
    xmax: int | None = None     # PostgreSQL: the next transaction id at that moment


@dataclass
class Cursor:
    through: int = 0
    holes: list[Hole] = field(default_factory=list)
    retry: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, state: dict) -> Cursor:
        try:
            return cls(through=int(state.get("through", 0)),
                       holes=[Hole(*hole) for hole in state.get("holes", [])],
                       retry={int(i) for i in state.get("retry", [])})
        except (TypeError, ValueError):           # a state written by something else
            return cls()

    def dump(self) -> dict:
        return {"through": self.through,
                "holes": [[h.lo, h.hi, h.seen_at, h.xmax] for h in self.holes],
                "retry": sorted(self.retry)}

    def hole_ids(self) -> int:
        return sum(h.hi - h.lo + 1 for h in self.holes)


def node_cursor(index_dir: str) -> Cursor:
    """The cursor of this node's live index (the index must exist)."""
    return Cursor.load(engine.read_state(engine.generation_dir(index_dir)))


# -- PostgreSQL's transaction horizon -----------------------------------------------------------
def _snapshot(session: Session) -> tuple[int, int] | None:
    """(xmin, xmax) of a current PostgreSQL snapshot; None on other databases."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    row = session.execute(text(
        "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint "
        "FROM pg_current_snapshot() AS s")).one()
    return int(row[0]), int(row[1])


def _settled(hole: Hole, now: float, xmin: int | None) -> bool:
    if now - hole.seen_at < HOLE_SECONDS:
        return False
    return hole.xmax is None or xmin is None or xmin >= hole.xmax


# -- reading the log ---------------------------------------------------------------------------
def _in_holes(session: Session, holes: list[Hole]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for start in range(0, len(holes), RANGES_PER_QUERY):
        ranges = holes[start:start + RANGES_PER_QUERY]
        found += session.execute(
            select(SearchOutbox.id, SearchOutbox.challenge_id).where(or_(*(
                and_(SearchOutbox.id >= h.lo, SearchOutbox.id <= h.hi) for h in ranges)))
            .order_by(SearchOutbox.id)).all()
    return found


def _without(holes: list[Hole], ids: list[int]) -> list[Hole]:
    """The holes, less the ids found in them (a range may split)."""
    if not ids:
        return holes
    remaining: list[Hole] = []
    found = sorted(ids)
    for hole in holes:
        lo = hole.lo
        for i in (i for i in found if hole.lo <= i <= hole.hi):
            if i > lo:
                remaining.append(Hole(lo, i - 1, hole.seen_at, hole.xmax))
            lo = i + 1
        if lo <= hole.hi:
            remaining.append(Hole(lo, hole.hi, hole.seen_at, hole.xmax))
    return remaining


def missing_between(after: int, ids: list[int]) -> list[tuple[int, int]]:
    """The id ranges above `after` skipped by the sorted `ids`."""
    gaps, previous = [], after
    for i in ids:
        if i > previous + 1:
            gaps.append((previous + 1, i - 1))
        previous = max(previous, i)
    return gaps


def oldest_id(session: Session) -> int | None:
    return session.scalar(select(func.min(SearchOutbox.id)))


def newest_id(session: Session) -> int:
    return session.scalar(select(func.max(SearchOutbox.id))) or 0


def check_not_behind(session: Session, cursor: Cursor, index_dir: str) -> None:
    """Raise CursorBehind if rows the cursor has not read may have been pruned. Called after
    the rows were read: the prune deletes only a prefix of the log, so if the log still
    starts at or below through + 1, nothing that was read had been pruned."""
    oldest = oldest_id(session)
    if oldest is not None and cursor.through < oldest - 1:
        raise CursorBehind(index_dir, cursor.through, oldest)


class Reader:
    """One apply's pass over the log: the rows found in the cursor's holes first, then the
    rows above `through` in batches; `advanced()` is the cursor after them."""

    def __init__(self, session: Session, cursor: Cursor):
        self.session, self.cursor = session, cursor
        before = _snapshot(session)      # before reading: a hole settled by it was visible
        self.xmin = before[0] if before else None
        self.through = cursor.through
        self.new_gaps: list[tuple[int, int]] = []
        found = _in_holes(session, cursor.holes) if cursor.holes else []
        self.holes = _without(cursor.holes, [row.id for row in found])
        self.hole_rows = found

    def next_batch(self, limit: int) -> list:
        rows = self.session.execute(
            select(SearchOutbox.id, SearchOutbox.challenge_id)
            .where(SearchOutbox.id > self.through).order_by(SearchOutbox.id).limit(limit)).all()
        self.new_gaps += missing_between(self.through, [row.id for row in rows])
        if rows:
            self.through = rows[-1].id
        return rows

    def advanced(self, retry: set[int]) -> Cursor:
        now = time.time()
        after = _snapshot(self.session) if self.new_gaps else None   # after reading: later
        holes = [h for h in self.holes if not _settled(h, now, self.xmin)]
        holes += [Hole(lo, hi, now, after[1] if after else None) for lo, hi in self.new_gaps]
        return Cursor(through=self.through, holes=holes, retry=retry)


def waiting_need_ids(session: Session, cursor: Cursor) -> set[int]:
    """The needs this node's index has still to apply: rows above the cursor or found in its
    holes, and the needs it retries."""
    ids = set(session.scalars(select(SearchOutbox.challenge_id).where(
        SearchOutbox.id > cursor.through)))
    ids.update(row.challenge_id for row in _in_holes(session, cursor.holes))
    return ids | cursor.retry


def waiting_rows(session: Session, cursor: Cursor) -> int:
    count = session.scalar(select(func.count(SearchOutbox.id)).where(
        SearchOutbox.id > cursor.through)) or 0
    return count + len(_in_holes(session, cursor.holes))


def cursor_for_rebuild(session: Session) -> tuple[Cursor, int]:
    """The cursor of an index built from the needs as read after this call: through the
    newest log id, with every id missing below it as a hole (a transaction that took it may
    commit after the rebuild read its need)."""
    since = newest_id(session)
    ids = list(session.scalars(select(SearchOutbox.id).where(SearchOutbox.id <= since)
                               .order_by(SearchOutbox.id)))
    gaps = missing_between(ids[0] - 1, ids) if ids else []
    snapshot = _snapshot(session) if gaps else None
    now = time.time()
    return Cursor(through=since, holes=[Hole(lo, hi, now, snapshot[1] if snapshot else None)
                                        for lo, hi in gaps]), since


# -- retention ---------------------------------------------------------------------------------
_last_prune = 0.0


def prune(session: Session, force: bool = False) -> int:
    """Delete the rows older than the retention window, keeping the newest of them (it marks
    where the log starts). At most every PRUNE_EVERY_SECONDS per process. Flushes; the caller
    commits."""
    global _last_prune
    if not force and time.monotonic() - _last_prune < PRUNE_EVERY_SECONDS:
        return 0
    _last_prune = time.monotonic()
    cutoff = utcnow() - timedelta(seconds=RETENTION_SECONDS)
    keep = session.scalar(select(func.max(SearchOutbox.id)).where(
        SearchOutbox.created_at < cutoff))
    if keep is None:
        return 0
    return session.execute(delete(SearchOutbox).where(SearchOutbox.id < keep)).rowcount or 0
