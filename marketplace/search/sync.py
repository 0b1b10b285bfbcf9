"""Keeping the index in step with the database (see STYLE.md, "Search index sync").

after_flush: collect the ids of changed needs and write them to the outbox table, in the same
transaction as the change. after_commit: apply the outbox to the index. Rollback: forget the
ids (their outbox rows are rolled back with everything else). Whatever is not applied (a crash
between commit and index write, or a writer lock held by another process) stays in the outbox
and is replayed by the next write, at start-up, by a retry thread, or by `search sync`.

The apply step takes the index writer lock first and only then reads the outbox and the
needs, so a slower process can never overwrite a newer document with an older one.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, selectinload

from marketplace.challenges.models import PUBLIC_STATES, Challenge, Indicator, Transition
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.taxonomy.models import Chain, NeedChain
from marketplace.taxonomy.queries import ensure_user_words

from . import documents, engine
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
        import jieba
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()   # load the dictionary now, not on the first request
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
    apply_soon(current_app._get_current_object())


def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def apply_soon(app) -> None:
    """Apply the outbox now; if another process holds the writer, retry in the background.
    The user's request never sees a LockError."""
    try:
        apply_pending(app)
    except engine.LockError:
        threading.Thread(target=_retry, args=(app,), daemon=True).start()
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


def write_needs(session: Session, index_writer, ids: list[int]) -> None:
    ensure_user_words(session)
    needs, ranked = _load_needs(session, ids), _ranked_chains(session, ids)
    clusters = cluster_map(session)
    for need_id in ids:
        need = needs.get(need_id)
        if documents.is_searchable(need):
            index_writer.put(documents.need_document(need, ranked.get(need_id, []), clusters))
        else:
            index_writer.delete(str(need_id))


def apply_pending(app, timeout: float = engine.WRITER_TIMEOUT) -> int:
    """Apply every unapplied outbox row; returns how many needs were written."""
    written = 0
    with Session(db.engine) as session:
        while True:
            with engine.writer(app.config["INDEX_DIR"], timeout=timeout) as index_writer:
                rows = session.execute(select(SearchOutbox.id, SearchOutbox.challenge_id).where(
                    SearchOutbox.applied_at.is_(None)).order_by(SearchOutbox.id)
                    .limit(BATCH)).all()
                ids = sorted({row.challenge_id for row in rows})
                write_needs(session, index_writer, ids)
            if not rows:
                session.rollback()
                return written
            now = utcnow()
            session.execute(update(SearchOutbox).where(
                SearchOutbox.id.in_([row.id for row in rows])).values(applied_at=now))
            session.execute(delete(SearchOutbox).where(
                SearchOutbox.applied_at < now - timedelta(seconds=KEEP_APPLIED_SECONDS)))
            session.commit()
            written += len(ids)
            if len(rows) < BATCH:
                return written


def replay_on_start() -> None:
    """Start-up: apply what a crashed process left in the outbox. Never blocks start-up."""
    try:
        apply_pending(current_app, timeout=0.5)
        engine.warm(current_app.config["INDEX_DIR"])
    except engine.LockError:
        pass  # another worker is replaying it
    except (OperationalError, ProgrammingError):
        log.info("search outbox not replayed: the schema is not migrated yet")
    except Exception:
        log.exception("search outbox replay failed; run `flask --app wsgi search sync`")


def public_need_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Challenge.id).where(
        Challenge.status.in_(PUBLIC_STATES)).order_by(Challenge.id)))


def all_documents(session: Session, batch: int = 500):
    ensure_user_words(session)
    ids = public_need_ids(session)
    clusters = cluster_map(session)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        needs, ranked = _load_needs(session, chunk), _ranked_chains(session, chunk)
        for need_id in chunk:
            yield documents.need_document(needs[need_id], ranked.get(need_id, []), clusters)
        session.expunge_all()


def rebuild(app) -> int:
    """Index every public need into a new generation and swap it in; then replay what changed
    meanwhile (outbox rows newer than the start, applied or not)."""
    index_dir = app.config["INDEX_DIR"]
    with Session(db.engine) as session:
        since = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc())
                               .limit(1)) or 0
        count = engine.rebuild(index_dir, all_documents(session))
        later = sorted(set(session.scalars(select(SearchOutbox.challenge_id).where(
            SearchOutbox.id > since))))
        if later:
            with engine.writer(index_dir, timeout=30) as index_writer:
                write_needs(session, index_writer, later)
    apply_pending(app, timeout=30)
    return count


def verify(app) -> dict[str, list[str]]:
    """Drift between the database and the index: missing, extra and stale documents."""
    indexed = engine.stamps(app.config["INDEX_DIR"])
    with Session(db.engine) as session:
        expected = {doc["id"]: doc["stamp"] for doc in all_documents(session)}
    return {
        "missing": sorted((k for k in expected if k not in indexed), key=int),
        "extra": sorted((k for k in indexed if k not in expected), key=lambda k: (len(k), k)),
        "stale": sorted((k for k in expected if k in indexed and indexed[k] != expected[k]),
                        key=int),
    }
