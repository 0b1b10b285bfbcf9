"""Keeping the index in step with the database (see STYLE.md, "Search index sync").

after_flush: collect the ids of changed needs and write them to the change log (the
`search_outbox` table), in the same transaction as the change. after_commit: apply the log to
this process's index. Rollback: forget the ids (their log rows are rolled back with everything
else). Each index applies the log by its own cursor (`changelog.py`), so a change made on one
node reaches every node's index: the committing process applies it at once, and on every node
the follower (`follower.py`, a light poll of the log in one process per node) within about a
second. Whatever is not applied (a crash between commit and index write, a writer lock held by
another process) stays above the cursor and is applied by the next apply: a later commit, the
follower, start-up, or `search sync`.

The apply step takes the index writer lock first and only then reads the cursor, the log and
the needs, so a slower process can never overwrite a newer document with an older one.

One need whose document cannot be indexed never holds up the others: the cursor keeps it to
retry (every later apply tries it again), the rest is applied, and `search verify` lists it
with the reason.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import click
from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, select
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from marketplace.challenges.models import PUBLIC_STATES, Challenge, Indicator, Transition
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.models import Chain, NeedChain

from . import changelog, documents, engine, follower, index_view
from .models import SearchOutbox

log = logging.getLogger(__name__)
PENDING = "search_pending_ids"
BATCH = 500
RETRY_DELAYS = (1, 3, 10, 30)


def init_app(app) -> None:
    app.config.setdefault("SEARCH_SYNC", True)
    if not app.extensions.get("search_hooks"):
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", _after_rollback)
        app.extensions["search_hooks"] = True
    # (read here rather than in config.py, which this change did not touch)
    app.config.setdefault("SEARCH_POLL_SECONDS", 0 if app.testing else float(
        os.environ.get("SEARCH_POLL_SECONDS", follower.POLL_SECONDS)))
    if not app.testing:
        from .lexicon import segmenter
        segmenter().initialize()   # load jieba's dictionary now, not on the first request
        with app.app_context():
            replay_on_start()
    # Only a process that serves searches follows the other nodes: a command (import, worker,
    # sync) applies its own commits and would only compete for the index writer (an import
    # of 1,500 needs took 15 % longer with the poller running).
    if app.config["SEARCH_POLL_SECONDS"] and click.get_current_context(silent=True) is None:
        follower.start(app, poll_once, float(app.config["SEARCH_POLL_SECONDS"]))


def _changed_need_ids(session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Challenge) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, (Indicator, Transition, NeedChain)) and obj.challenge_id:
            ids.add(obj.challenge_id)
    return ids


def _after_flush(session, _flush_context) -> None:
    if has_app_context() and not current_app.config.get("SEARCH_SYNC", True):
        return
    pending = session.info.setdefault(PENDING, set())
    new_ids = _changed_need_ids(session) - pending
    if new_ids:
        session.connection().execute(insert(SearchOutbox.__table__), [
            {"challenge_id": need_id, "created_at": utcnow()} for need_id in sorted(new_ids)])
        pending.update(new_ids)


def _after_commit(session) -> None:
    if not session.info.pop(PENDING, None) or not has_app_context():
        return
    if not current_app.config.get("SEARCH_APPLY_AFTER_COMMIT", True):
        return            # a bulk import applies its log rows itself, in large segments
    apply_soon(current_app._get_current_object())


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def enqueue(session, ids) -> int:
    """Queue needs for re-indexing in the session's transaction, for changes the flush hook
    cannot see (bulk statements, a taxonomy import); the commit applies them."""
    if has_app_context() and not current_app.config.get("SEARCH_SYNC", True):
        return 0
    pending = session.info.setdefault(PENDING, set())
    new_ids = sorted(set(ids) - pending)
    now = utcnow()
    for start in range(0, len(new_ids), BATCH):
        session.connection().execute(insert(SearchOutbox.__table__), [
            {"challenge_id": need_id, "created_at": now}
            for need_id in new_ids[start:start + BATCH]])
    pending.update(new_ids)
    return len(new_ids)


def enqueue_public_needs(session) -> int:
    """Every searchable need to be indexed again (their chains, clusters or segmentation
    changed with the taxonomy)."""
    return enqueue(session, public_need_ids(session))


def apply_soon(app) -> None:
    """Apply the change log now; if another process holds the writer, retry in the background.
    The user's request never sees a LockError."""
    try:
        apply_pending(app)
    except engine.LockError:
        threading.Thread(target=_retry, args=(app,), daemon=True).start()
    except changelog.CursorBehind as exc:
        log.warning("search index not updated: %s; the follower or `flask --app wsgi search "
                    "sync` rebuilds it", exc)
    except engine.IndexUnavailable as exc:
        log.warning("search index not updated: %s; run `flask --app wsgi search rebuild`", exc)
    except Exception:  # the database change is committed; the change log keeps the work
        log.exception("search index update failed; the change log keeps it for `search sync`")


def _retry(app) -> None:
    for delay in RETRY_DELAYS:
        time.sleep(delay)
        with app.app_context():
            try:
                apply_pending(app)
                return
            except engine.LockError:
                continue
            except changelog.CursorBehind:
                return             # the follower rebuilds it
            except engine.IndexUnavailable as exc:
                log.warning("search index not updated: %s; run `flask --app wsgi search "
                            "rebuild`", exc)
                return
            except Exception:
                log.exception("search index retry failed")
                return


def _load_needs(session: Session, ids: list[int]) -> dict[int, Challenge]:
    needs = session.scalars(select(Challenge).where(Challenge.id.in_(ids)).options(
        selectinload(Challenge.indicators))).unique().all()
    return {need.id: need for need in needs}


def _ranked_chains(session: Session, ids: list[int]) -> dict[int, list[tuple[str, float]]]:
    ranked: dict[int, list[tuple[str, float]]] = {}
    for need_id, chain_id, score in session.execute(
            select(NeedChain.challenge_id, NeedChain.chain_id, NeedChain.score)
            .where(NeedChain.challenge_id.in_(ids)).order_by(NeedChain.rank)):
        ranked.setdefault(need_id, []).append((chain_id, score))
    return ranked


def cluster_map(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Chain.id, Chain.cluster_id)).all())


def safe_document(need: Challenge, ranked: list[tuple[str, float]], clusters: dict[str, str]
                  ) -> tuple[dict | None, str | None]:
    """(document, None), or (None, why it cannot be indexed)."""
    try:
        document = documents.need_document(need, ranked, clusters)
        engine.check_document(document)
    except engine.DocumentRejected as problem:
        return None, problem.reason
    except SQLAlchemyError:
        raise
    except Exception as exc:       # odd data in the need itself
        return None, f"{type(exc).__name__}: {exc}"
    return document, None


def write_needs(session: Session, index_writer, ids: list[int]) -> dict[int, str]:
    """Write the needs' documents (delete those no longer searchable). Returns the needs that
    cannot be indexed, with the reason; nothing was written for them. DocumentFailed
    propagates: the writer must then be cancelled."""
    needs, ranked = _load_needs(session, ids), _ranked_chains(session, ids)
    clusters = cluster_map(session)
    failed: dict[int, str] = {}
    for need_id in ids:
        need = needs.get(need_id)
        if not documents.is_searchable(need):
            index_writer.delete(str(need_id))
            continue
        document, reason = safe_document(need, ranked.get(need_id, []), clusters)
        if document is None:
            failed[need_id] = reason
        else:
            index_writer.put(document)
    return failed


def _report(failed: dict[int, str]) -> None:
    for need_id, reason in sorted(failed.items()):
        log.warning("need %s cannot be indexed (%s); every later apply tries it again",
                    need_id, reason)


def apply_pending(app, timeout: float = engine.WRITER_TIMEOUT,
                  failures: dict[int, str] | None = None, per_writer: int = BATCH) -> int:
    """Apply every log row this node's index has not applied (by its cursor); returns how
    many needs were written. Needs that cannot be indexed are added to `failures` (id →
    reason) and logged; the cursor keeps them, so each later apply tries them again, and they
    never block the others. Up to `per_writer` rows go into one index commit (one segment: a
    large import is indexed much faster in a few large segments than in many small ones).
    Raises changelog.CursorBehind if the index missed rows that were pruned (`catch_up`
    rebuilds it then)."""
    failed: dict[int, str] = {} if failures is None else failures
    written = 0
    with Session(db.engine) as session:
        while True:
            try:
                count, more = _apply_in_one_writer(app, session, timeout, failed, per_writer)
            except engine.DocumentFailed as problem:   # the writer was cancelled: again,
                failed[int(problem.doc_id)] = problem.reason  # without that need
                session.rollback()
                continue
            written += count
            if not more:
                break
        if changelog.prune(session):
            session.commit()
    _report(failed)
    return written


def _apply_in_one_writer(app, session: Session, timeout: float, failed: dict[int, str],
                         per_writer: int) -> tuple[int, bool]:
    """One index commit: the rows found in the cursor's holes, the needs it retries, and up
    to `per_writer` rows above it; then the advanced cursor. Returns (needs written, whether
    more rows may wait)."""
    index_dir = app.config["INDEX_DIR"]
    memory = 128 if per_writer <= BATCH else engine.BULK_MEMORY_MB
    written, collected = 0, 0
    try:
        with engine.writer(index_dir, timeout=timeout, memory_mb=memory) as index_writer:
            cursor = changelog.Cursor.load(index_writer.read_state())
            changelog.check_not_behind(session, cursor, index_dir)
            reader = changelog.Reader(session, cursor)
            seen = cursor.retry | {row.challenge_id for row in reader.hole_rows}
            extra = set(seen)
            while True:
                rows = reader.next_batch(min(BATCH, per_writer - collected))
                ids = sorted(({row.challenge_id for row in rows} | extra) - failed.keys())
                extra = set()
                if ids:
                    failed.update(write_needs(session, index_writer, ids))
                    written += sum(1 for need_id in ids if need_id not in failed)
                seen.update(row.challenge_id for row in rows)
                collected += len(rows)
                session.expunge_all()
                if not rows or collected >= per_writer:
                    break
            changelog.check_not_behind(session, cursor, index_dir)   # nothing read was pruned
            advanced = reader.advanced(retry=seen & failed.keys())
            if advanced.dump() != cursor.dump():
                index_writer.state = advanced.dump()
    finally:
        session.rollback()
    return written, collected >= per_writer


def catch_up(app, timeout: float = engine.WRITER_TIMEOUT,
             failures: dict[int, str] | None = None) -> tuple[int, int | None]:
    """apply_pending, and if this node's index is behind the log's retention window, rebuild
    it. Returns (needs applied, needs indexed by the rebuild or None)."""
    try:
        return apply_pending(app, timeout=timeout, failures=failures), None
    except changelog.CursorBehind as behind:
        log.warning("%s: rebuilding it", behind)
        count = rebuild(app, failures)
        log.warning("search index in %s rebuilt: %d needs", app.config["INDEX_DIR"], count)
        return 0, count


def poll_once(app) -> int:
    """The follower's poll: when the log has rows this node's index has not applied (or its
    cursor waits on holes), apply them. One indexed max(id) when there is nothing to do."""
    index_dir = app.config["INDEX_DIR"]
    if not engine.exists(index_dir):
        return 0                      # `setup` or `search rebuild` builds it
    cursor = changelog.node_cursor(index_dir)
    with Session(db.engine) as session:
        if changelog.newest_id(session) <= cursor.through and not cursor.holes:
            return 0
    written, rebuilt = catch_up(app, timeout=0)
    return written if rebuilt is None else rebuilt


BULK_PER_WRITER = 10_000


def _index_until(app, finished, every: int) -> None:
    """In a child process: apply the change log in large segments while the parent writes."""
    db.engine.dispose(close=False)          # never share the parent's connections
    with app.app_context():
        while True:
            last = finished.is_set()
            through = (changelog.node_cursor(app.config["INDEX_DIR"]).through
                       if engine.exists(app.config["INDEX_DIR"]) else 0)
            with Session(db.engine) as session:
                waiting = changelog.newest_id(session) - through
            if last or waiting >= every:
                apply_pending(app, timeout=60, per_writer=BULK_PER_WRITER)
            if last:
                return
            finished.wait(0.3)


@contextmanager
def indexing_alongside(app, every: int = 2_000):
    """For a bulk write (a large import): one child process is the index writer, applying
    the change log in large segments while this process goes on writing to the database (two
    cores instead of one). On leaving, it applies the rest and ends."""
    context = multiprocessing.get_context("fork")
    finished = context.Event()
    child = context.Process(target=_index_until, args=(app, finished, every), daemon=True)
    child.start()
    try:
        yield
    finally:
        finished.set()
        child.join()


def replay_on_start() -> None:
    """Start-up: apply what this node's index has not applied (what a crashed process left,
    what other nodes changed meanwhile). Never blocks start-up, and never creates a missing
    index (`setup` or `search rebuild` builds a whole one); an index behind the log's
    retention window is rebuilt by the follower (or `search sync`), not here."""
    index_dir = current_app.config["INDEX_DIR"]
    if not engine.exists(index_dir):
        log.info("no search index yet: `flask --app wsgi setup` or `search rebuild` builds it")
        return
    try:
        apply_pending(current_app, timeout=0.5)
        index_view.warm(index_dir)
    except engine.LockError:
        pass  # another worker is replaying it
    except changelog.CursorBehind as exc:
        log.warning("search index not replayed: %s; the follower or `flask --app wsgi search "
                    "sync` rebuilds it", exc)
    except (OperationalError, ProgrammingError):
        log.info("search change log not replayed: the schema is not migrated yet")
    except engine.IndexUnavailable as exc:   # every search and `search` command says so too
        log.info("search change log not replayed: %s; run `flask --app wsgi search rebuild`", exc)
    except Exception:
        log.exception("search change log replay failed; run `flask --app wsgi search sync`")


def public_need_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Challenge.id).where(
        Challenge.status.in_(PUBLIC_STATES)).order_by(Challenge.id)))


def all_documents(session: Session, batch: int = 500, failures: dict[int, str] | None = None):
    """The documents of every public need; needs that cannot be indexed are left out (and
    added to `failures`, id → reason)."""
    ids = [i for i in public_need_ids(session) if not failures or i not in failures]
    clusters = cluster_map(session)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        needs, ranked = _load_needs(session, chunk), _ranked_chains(session, chunk)
        for need_id in chunk:
            need = needs.get(need_id)
            if not documents.is_searchable(need):      # changed since the ids were read
                continue
            document, reason = safe_document(need, ranked.get(need_id, []), clusters)
            if document is not None:
                yield document
            elif failures is not None:
                failures[need_id] = reason
        session.expunge_all()


def rebuild(app, failures: dict[int, str] | None = None) -> int:
    """Index every public need into a new generation and swap it in; its cursor is the log's
    newest id when the rebuild started (with the ids missing below it as holes), so the apply
    that follows replays what changed meanwhile. Needs that cannot be indexed are left out,
    added to `failures`, and kept by the cursor to retry."""
    failed: dict[int, str] = {} if failures is None else failures
    index_dir = app.config["INDEX_DIR"]
    with Session(db.engine) as session:
        cursor, _since = changelog.cursor_for_rebuild(session)
        while True:
            rejected: list[engine.DocumentRejected] = []

            def state() -> dict:
                failed.update({int(problem.doc_id): problem.reason for problem in rejected})
                cursor.retry = set(failed)
                return cursor.dump()
            try:
                count = engine.rebuild(index_dir, all_documents(session, failures=failed),
                                       rejected=rejected, state=state)
                break
            except engine.DocumentFailed as problem:     # nothing swapped in: again without it
                failed[int(problem.doc_id)] = problem.reason
                session.rollback()
    apply_pending(app, timeout=30, failures=failed)
    return count


@dataclass
class Drift:
    """What `search verify` found; each need as its label: "ref (id)", or the id."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)    # cannot be indexed: label → why
    queued: bool = True         # every drifted need waits in the log for this node's index
    old_schema: bool = False    # the index was built by an older version: rebuild it

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale or self.failed or self.old_schema)


def need_label(need_id, ref: str | None) -> str:
    """How commands name a need: its list number, with the internal id."""
    return f"{ref} ({need_id})" if ref else str(need_id)


def verify(app) -> Drift:
    """Drift between the database and the index: missing, extra and stale documents, and
    needs that cannot be indexed. Raises engine.IndexUnavailable if the index is missing or
    unreadable."""
    index_dir = app.config["INDEX_DIR"]
    cursor = changelog.node_cursor(index_dir) if engine.exists(index_dir) else None
    indexed = engine.stamps(index_dir)       # (after the cursor: what it lacks is queued)
    failed: dict[int, str] = {}
    with Session(db.engine) as session:
        expected = {doc["id"]: (doc["stamp"], doc["ref"])
                    for doc in all_documents(session, failures=failed)}
        queued = {str(i) for i in changelog.waiting_need_ids(
            session, cursor or changelog.Cursor())}
        failed_refs = dict(session.execute(select(Challenge.id, Challenge.ref).where(
            Challenge.id.in_(list(failed)))).all()) if failed else {}
    skip = {str(i) for i in failed}
    missing = sorted((k for k in expected if k not in indexed), key=int)
    extra = sorted((k for k in indexed if k not in expected and k not in skip),
                   key=lambda k: (len(k), k))
    stale = sorted((k for k in expected if k in indexed and indexed[k][0] != expected[k][0]),
                   key=int)
    return Drift(
        missing=[need_label(k, expected[k][1]) for k in missing],
        extra=[need_label(k, indexed[k][1]) for k in extra],
        stale=[need_label(k, expected[k][1]) for k in stale],
        failed={need_label(str(i), failed_refs.get(i)): failed[i] for i in sorted(failed)},
        queued=set(missing + extra + stale) <= queued,
        old_schema=not engine.schema_is_current(app.config["INDEX_DIR"]))
