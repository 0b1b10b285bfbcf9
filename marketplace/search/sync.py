"""Keeping the index in step with the database (see STYLE.md, "Search index sync").

after_flush: collect the ids of changed needs and write them to the outbox table, in the same
transaction as the change. after_commit: apply the outbox to the index. Rollback: forget the
ids (their outbox rows are rolled back with everything else). Whatever is not applied (a crash
between commit and index write, or a writer lock held by another process) stays in the outbox
and is replayed by the next write, at start-up, by a retry thread, or by `search sync`.

The apply step takes the index writer lock first and only then reads the outbox and the
needs, so a slower process can never overwrite a newer document with an older one.

One need whose document cannot be indexed never holds up the others: its outbox rows stay
unapplied (the next apply tries it again), the rest is applied, and `search verify` lists it
with the reason.
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from marketplace.challenges.models import PUBLIC_STATES, Challenge, Indicator, Transition
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.models import Chain, NeedChain

from . import documents, engine, index_view
from .models import SearchOutbox

log = logging.getLogger(__name__)
PENDING = "search_pending_ids"
BATCH = 500
KEEP_APPLIED_SECONDS = 24 * 3600
RETRY_DELAYS = (1, 3, 10, 30)


def init_app(app) -> None:
    app.config.setdefault("SEARCH_SYNC", True)
    if not app.extensions.get("search_hooks"):
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", _after_rollback)
        app.extensions["search_hooks"] = True
    if not app.testing:
        from .lexicon import segmenter
        segmenter().initialize()   # load jieba's dictionary now, not on the first request
        with app.app_context():
            replay_on_start()


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
        return            # a bulk import applies its outbox rows itself, in large segments
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
    """Apply the outbox now; if another process holds the writer, retry in the background.
    The user's request never sees a LockError."""
    try:
        apply_pending(app)
    except engine.LockError:
        threading.Thread(target=_retry, args=(app,), daemon=True).start()
    except engine.IndexUnavailable as exc:
        log.warning("search index not updated: %s; run `flask --app wsgi search rebuild`", exc)
    except Exception:  # the database change is committed; the outbox keeps the work
        log.exception("search index update failed; the outbox keeps it for `search sync`")


def _retry(app) -> None:
    for delay in RETRY_DELAYS:
        time.sleep(delay)
        with app.app_context():
            try:
                apply_pending(app)
                return
            except engine.LockError:
                continue
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
        log.warning("need %s cannot be indexed (%s); its outbox rows stay for a later try",
                    need_id, reason)


def _write_all(session: Session, index_dir: str, ids: list[int], failed: dict[int, str],
               timeout: float) -> None:
    """write_needs in one writer; a need that fails half way is left out and the rest
    written again."""
    while True:
        try:
            with engine.writer(index_dir, timeout=timeout) as index_writer:
                failed.update(write_needs(session, index_writer,
                                          [i for i in ids if i not in failed]))
            return
        except engine.DocumentFailed as problem:
            failed[int(problem.doc_id)] = problem.reason


def apply_pending(app, timeout: float = engine.WRITER_TIMEOUT,
                  failures: dict[int, str] | None = None, per_writer: int = BATCH) -> int:
    """Apply every unapplied outbox row; returns how many needs were written. Needs that
    cannot be indexed are added to `failures` (id → reason) and logged; their rows stay
    unapplied, so each later apply tries them again, and they never block the others.
    Up to `per_writer` rows go into one index commit (one segment: a large import is
    indexed much faster in a few large segments than in many small ones)."""
    failed: dict[int, str] = {} if failures is None else failures
    written, after = 0, 0
    with Session(db.engine) as session:
        while True:
            start, collected, ids_written = after, [], 0
            try:
                memory = 128 if per_writer <= BATCH else engine.BULK_MEMORY_MB
                with engine.writer(app.config["INDEX_DIR"], timeout=timeout,
                                   memory_mb=memory) as index_writer:
                    while len(collected) < per_writer:
                        rows = session.execute(
                            select(SearchOutbox.id, SearchOutbox.challenge_id)
                            .where(SearchOutbox.applied_at.is_(None), SearchOutbox.id > after)
                            .order_by(SearchOutbox.id).limit(BATCH)).all()
                        if not rows:
                            break
                        ids = sorted({row.challenge_id for row in rows} - failed.keys())
                        failed.update(write_needs(session, index_writer, ids))
                        ids_written += sum(1 for need_id in ids if need_id not in failed)
                        collected += rows
                        after = rows[-1].id
                        session.expunge_all()
            except engine.DocumentFailed as problem:   # the writer was cancelled: again,
                failed[int(problem.doc_id)] = problem.reason  # without that need
                session.rollback()
                after = start
                continue
            if not collected:
                session.rollback()
                break
            now = utcnow()
            done = [row.id for row in collected if row.challenge_id not in failed]
            for chunk in range(0, len(done), BATCH):
                session.execute(update(SearchOutbox).where(
                    SearchOutbox.id.in_(done[chunk:chunk + BATCH])).values(applied_at=now))
            session.execute(delete(SearchOutbox).where(
                SearchOutbox.applied_at < now - timedelta(seconds=KEEP_APPLIED_SECONDS)))
            session.commit()
            written += ids_written
            if len(collected) < per_writer:
                break
    _report(failed)
    return written


BULK_PER_WRITER = 10_000


def _index_until(app, finished, every: int) -> None:
    """In a child process: apply the outbox in large segments while the parent writes."""
    db.engine.dispose(close=False)          # never share the parent's connections
    with app.app_context():
        while True:
            last = finished.is_set()
            with Session(db.engine) as session:
                waiting = session.scalar(select(func.count(SearchOutbox.id)).where(
                    SearchOutbox.applied_at.is_(None)))
            if last or waiting >= every:
                apply_pending(app, timeout=60, per_writer=BULK_PER_WRITER)
            if last:
                return
            finished.wait(0.3)


@contextmanager
def indexing_alongside(app, every: int = 2_000):
    """For a bulk write (a large import): one child process is the index writer, applying
    the outbox in large segments while this process goes on writing to the database (two
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
    """Start-up: apply what a crashed process left in the outbox. Never blocks start-up,
    and never creates a missing index (`setup` or `search rebuild` builds a whole one)."""
    index_dir = current_app.config["INDEX_DIR"]
    if not engine.exists(index_dir):
        log.info("no search index yet: `flask --app wsgi setup` or `search rebuild` builds it")
        return
    try:
        apply_pending(current_app, timeout=0.5)
        index_view.warm(index_dir)
    except engine.LockError:
        pass  # another worker is replaying it
    except (OperationalError, ProgrammingError):
        log.info("search outbox not replayed: the schema is not migrated yet")
    except engine.IndexUnavailable as exc:   # every search and `search` command says so too
        log.info("search outbox not replayed: %s; run `flask --app wsgi search rebuild`", exc)
    except Exception:
        log.exception("search outbox replay failed; run `flask --app wsgi search sync`")


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
    """Index every public need into a new generation and swap it in; then replay what changed
    meanwhile (outbox rows newer than the start, applied or not). Needs that cannot be
    indexed are left out and added to `failures`."""
    failed: dict[int, str] = {} if failures is None else failures
    index_dir = app.config["INDEX_DIR"]
    with Session(db.engine) as session:
        since = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc())
                               .limit(1)) or 0
        while True:
            rejected: list[engine.DocumentRejected] = []
            try:
                count = engine.rebuild(index_dir, all_documents(session, failures=failed),
                                       rejected=rejected)
                break
            except engine.DocumentFailed as problem:     # nothing swapped in: again without it
                failed[int(problem.doc_id)] = problem.reason
                session.rollback()
        failed.update({int(problem.doc_id): problem.reason for problem in rejected})
        later = sorted(set(session.scalars(select(SearchOutbox.challenge_id).where(
            SearchOutbox.id > since))))
        if later:
            _write_all(session, index_dir, later, failed, timeout=30)
    apply_pending(app, timeout=30, failures=failed)
    return count


@dataclass
class Drift:
    """What `search verify` found; each need as its label: "ref (id)", or the id."""

    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)    # cannot be indexed: label → why
    queued: bool = True         # every drifted need has an unapplied outbox row
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
    indexed = engine.stamps(app.config["INDEX_DIR"])
    failed: dict[int, str] = {}
    with Session(db.engine) as session:
        expected = {doc["id"]: (doc["stamp"], doc["ref"])
                    for doc in all_documents(session, failures=failed)}
        queued = {str(i) for i in session.scalars(select(SearchOutbox.challenge_id).where(
            SearchOutbox.applied_at.is_(None)))}
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
