"""The Whoosh index on disk: schema, opening, writing, rebuild and swap, stored fields.

Together with `index_view.py` (reading postings and columns into arrays) this is the only
code that knows Whoosh 2.7.4, so the engine can be replaced in one place. The index lives in
INDEX_DIR/current, a symlink to a generation directory; `rebuild` fills a fresh generation and
swaps the link atomically. Each generation also holds the index's sync state (SYNC_STATE.json:
how far it has applied the search change log, see `changelog.py`), written after the Whoosh
commit it describes, so it is never ahead of the documents.

Text fields hold terms computed by `analysis.py` (the same functions analyse queries), given
to Whoosh already split: Chinese character grams (`tg`, `bg`), English words (`tw`, `bw`),
word pairs (`sh`) and unstemmed words for spelling suggestions (`spell`). Whoosh stores them
with their frequencies; `index_view` and `ranking` do the matching and BM25 scoring on arrays.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from whoosh import columns, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, FieldType, Schema
from whoosh.formats import Frequency
from whoosh.index import LockError  # noqa: F401  (re-exported for callers)
from whoosh.system import pack_uint

from marketplace.core import text as analysis

WRITER_TIMEOUT = 2.0


class _Codec(W3Codec):
    """Whoosh's codec without per-block length statistics: they serve Whoosh's own scorer
    only, and computing them looked up a field length for every posting (a third of the
    time of writing a segment). The files are the same format."""

    length_stats = False


def _codec() -> W3Codec:
    return _Codec()


class Terms(FieldType):
    """A text field whose value is the list of its terms, already analysed (see analysis.py):
    Whoosh keeps each term's frequency and the field's length for BM25."""

    def __init__(self):
        self.format = Frequency()
        self.analyzer = None
        self.scorable = True      # (also: Whoosh looks up a length column per posting)
        self.stored = False
        self.unique = False
        self.vector = None
        self.column_type = None

    def index(self, value, **kwargs):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list of terms, not {type(value).__name__}")
        for term, count in Counter(value).items():
            yield term.encode("utf-8"), count, float(count), pack_uint(count)

    def spellable_words(self, value):
        return iter(value)

    def separate_spelling(self):
        return False


STRING_COLUMNS = ("chain", "cluster", "status", "budget_band")     # facets and filters
NUMBER_COLUMNS = ("budget", "deadline", "published")               # sorts and windows
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    ref=STORED, stamp=STORED,
    title_zh=STORED, title_en=STORED,      # the title in each language
    text_zh=STORED, text_en=STORED,        # the rest of the need in each language (snippets)
    tg=Terms(), bg=Terms(),                # Chinese grams of the title / of the rest
    tw=Terms(), bw=Terms(),                # English (Latin, digit) words of the title / rest
    sh=Terms(),                            # adjacent word pairs (phrases)
    spell=Terms(),                         # unstemmed English words, for "Did you mean"
    chains=KEYWORD(commas=True),           # the chains a need is matched by
    # columns only (no postings): one value per document, read into arrays
    **{name: COLUMN(columns.VarBytesColumn()) for name in STRING_COLUMNS},
    **{name: COLUMN(columns.NumericColumn("q", default=0)) for name in NUMBER_COLUMNS},
)
SCHEMA_VERSION = "6"     # bump when SCHEMA or analysis changes: `setup` then rebuilds the index
NO_DEADLINE = 2 ** 40
NUMBER_MIN, NUMBER_MAX = -(2 ** 63), 2 ** 63 - 1
TERM_FIELDS = ("tg", "bg", "tw", "bw", "sh", "spell")


# What one document may cost the indexer, whatever reached the database: the text analysed
# (a need's fields are held to the form's limits, about 190,000 characters in all) and the
# length of a term (nobody searches for a 64-character word; a 1 MB "word" bloated the index).
MAX_ANALYSED_CHARS = 200_000
MAX_TERM_LENGTH = 64


def analysed(title: str, body: str) -> dict[str, list[str]]:
    """The term fields of a document with this title and body text."""
    title, body = title[:MAX_ANALYSED_CHARS], body[:MAX_ANALYSED_CHARS]
    fields = {"tg": analysis.grams(title), "bg": analysis.grams(body),
              "tw": analysis.words(title), "bw": analysis.words(body),
              "sh": analysis.shingles(title) + analysis.shingles(body),
              "spell": analysis.spelling_words(f"{title}\n{body}")}
    return {name: [t for t in terms if len(t) <= MAX_TERM_LENGTH]
            for name, terms in fields.items()}


class IndexUnavailable(RuntimeError):
    """The index directory is missing or cannot be read (`search rebuild` makes a new one)."""


class DocumentRejected(ValueError):
    """A document whose values do not fit the schema. Nothing of it was written, and the
    writer can go on with the next document."""

    def __init__(self, doc_id: str, reason: str):
        super().__init__(f"document {doc_id}: {reason}")
        self.doc_id, self.reason = doc_id, reason


class DocumentFailed(RuntimeError):
    """Writing a document failed half way: the writer must be cancelled (let this propagate
    out of `writer()`), and the other documents written again without it."""

    def __init__(self, doc_id: str, reason: str):
        super().__init__(f"document {doc_id}: {reason}")
        self.doc_id, self.reason = doc_id, reason


_FIELD_KINDS = {name: "number" if name in NUMBER_COLUMNS else "terms" if isinstance(f, Terms)
                else "text" if f.indexed or name in STRING_COLUMNS else "stored"
                for name, f in SCHEMA.items()}


def _for_whoosh(document: dict) -> dict:
    """String columns are stored as UTF-8 bytes."""
    return {name: value.encode("utf-8") if name in STRING_COLUMNS and isinstance(value, str)
            else value for name, value in document.items()}


def check_document(document: dict) -> None:
    """Raise DocumentRejected unless every value fits its field. Whoosh checks a value only
    while it adds the document, after it has added the earlier fields' postings: a value it
    rejects then leaves the writer inconsistent, so everything is checked first."""
    doc_id = str(document.get("id", "?"))
    for name, value in document.items():
        kind = _FIELD_KINDS.get(name)
        if kind is None:
            raise DocumentRejected(doc_id, f"unknown field {name!r}")
        if value is None or kind == "stored":
            continue
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int):
                raise DocumentRejected(doc_id, f"{name} is not an integer: {value!r}")
            if not NUMBER_MIN <= value <= NUMBER_MAX:
                raise DocumentRejected(doc_id, f"{name} {value} is out of range")
        elif kind == "terms":
            if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
                raise DocumentRejected(doc_id, f"{name} is not a list of terms")
            _check_text(doc_id, name, "".join(value))
        elif not isinstance(value, str):
            raise DocumentRejected(doc_id, f"{name} is not text: {type(value).__name__}")
        else:
            _check_text(doc_id, name, value)


def _check_text(doc_id: str, name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DocumentRejected(doc_id, f"{name} is not valid Unicode text") from None


# -- opening ---------------------------------------------------------------------------------
_open: dict[str, tuple[str, object]] = {}
_open_lock = threading.Lock()


def _current(index_dir: str) -> Path:
    return Path(index_dir) / "current"


def _new_generation(index_dir: str) -> Path:
    path = Path(index_dir) / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    index.create_in(str(path), SCHEMA)
    (path / "SCHEMA_VERSION").write_text(SCHEMA_VERSION)
    return path


def schema_is_current(index_dir: str) -> bool:
    ensure_index(index_dir)
    marker = _current(index_dir) / "SCHEMA_VERSION"
    return marker.exists() and marker.read_text().strip() == SCHEMA_VERSION


def _swap(index_dir: str, generation: Path) -> None:
    link = _current(index_dir)
    temporary = Path(index_dir) / f".current-{uuid.uuid4().hex}"
    os.symlink(generation.name, temporary)
    os.replace(temporary, link)


def ensure_index(index_dir: str) -> None:
    """Create an empty index if none exists (two processes may race: the link wins once)."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    if _current(index_dir).exists():
        return
    generation = _new_generation(index_dir)
    try:
        os.symlink(generation.name, _current(index_dir))
    except FileExistsError:
        shutil.rmtree(generation, ignore_errors=True)


def exists(index_dir: str) -> bool:
    """Whether the index is there (reading never creates it; writing does)."""
    return _current(index_dir).exists()


def unreadable(index_dir: str, exc: Exception) -> IndexUnavailable:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return IndexUnavailable(f"the search index in {index_dir} cannot be read "
                            f"({type(exc).__name__}{': ' + detail if detail else ''})")


@contextmanager
def reading(index_dir: str):
    """Any failure to read the index (a corrupt or half-deleted generation) becomes one
    IndexUnavailable that names it."""
    try:
        yield
    except IndexUnavailable:
        raise
    except Exception as exc:
        raise unreadable(index_dir, exc) from exc


def open_index(index_dir: str, create: bool = True):
    """The live index, reopened when `rebuild` swapped the generation. Raises
    IndexUnavailable if it cannot be read, or (with create=False) is missing."""
    if create:
        ensure_index(index_dir)
    elif not exists(index_dir):
        raise IndexUnavailable(f"the search index in {index_dir} is missing")
    with reading(index_dir):
        target = os.readlink(_current(index_dir))
    with _open_lock:
        cached = _open.get(index_dir)
        if cached is None or cached[0] != target:
            with reading(index_dir):
                cached = (target, index.open_dir(str(Path(index_dir) / target)))
            _open[index_dir] = cached
        return cached[1]


_local = threading.local()


def shared_searcher(index_dir: str):
    """A searcher kept open between requests (per thread) and refreshed when the index
    changed: opening one costs several file opens, refreshing reuses unchanged segments."""
    ix = open_index(index_dir, create=False)
    cache = _local.__dict__.setdefault("searchers", {})
    cached = cache.get(index_dir)
    try:
        if cached is not None and cached[0] is ix:
            searcher = cached[1].refresh()
        else:
            if cached is not None:        # the generation was swapped by `rebuild`
                cached[1].close()
            searcher = ix.searcher()
    except Exception as exc:
        cache.pop(index_dir, None)
        raise unreadable(index_dir, exc) from exc
    cache[index_dir] = (ix, searcher)
    return searcher


def clear(index_dir: str) -> None:
    """Replace the index by an empty one (tests, and `rebuild` of an empty database)."""
    ensure_index(index_dir)
    old = os.readlink(_current(index_dir))
    _swap(index_dir, _new_generation(index_dir))
    shutil.rmtree(Path(index_dir) / old, ignore_errors=True)


# -- the sync state kept with each generation --------------------------------------------------
STATE_FILE = "SYNC_STATE.json"


def generation_dir(index_dir: str) -> Path:
    """The live generation's directory (the index must exist)."""
    with reading(index_dir):
        return Path(index_dir) / os.readlink(_current(index_dir))


def read_state(generation: Path) -> dict:
    """The sync state stored in a generation ({} if it has none: a new or older index)."""
    try:
        return json.loads((generation / STATE_FILE).read_text())["state"]
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError):     # a torn or foreign file: start from nothing
        return {}


def write_state(generation: Path, state: dict, toc_generation: int) -> bool:
    """Store `state` as the sync state of the index as committed in Whoosh TOC generation
    `toc_generation`, atomically (a temporary file renamed over the old one). Whoosh
    releases its writer lock when it commits, so two processes may write states one after
    the other in either order: a state older than the stored one is dropped. Returns whether
    it was stored."""
    path = generation / STATE_FILE
    with open(generation / f"{STATE_FILE}.lock", "a") as guard:
        fcntl.lockf(guard, fcntl.LOCK_EX)
        try:
            stored = json.loads(path.read_text()).get("toc", -1)
        except (FileNotFoundError, ValueError, AttributeError):
            stored = -1
        if toc_generation < stored:
            return False
        temporary = generation / f".{STATE_FILE}-{uuid.uuid4().hex}"
        with open(temporary, "w") as handle:
            json.dump({"toc": toc_generation, "state": state}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    return True


# -- writing ---------------------------------------------------------------------------------
class IndexWriter:
    """Adds and replaces documents. Existing documents are found with one searcher for the
    writer's life (Whoosh's update_document opens a reader over every segment per call:
    most of the time of indexing a large import)."""

    def __init__(self, writer, fieldnames=None, generation: Path | None = None):
        self._writer = writer
        self._fields = set(fieldnames) if fieldnames is not None else None
        self._searcher = None
        self._written: set[str] = set()
        self.changed = False
        self.generation = generation
        # set by the caller: stored as the generation's sync state once the commit is done
        self.state: dict | None = None

    def read_state(self) -> dict:
        """The sync state of the generation this writer writes (read under its lock)."""
        return read_state(self.generation) if self.generation is not None else {}

    def _existing(self, doc_id: str) -> int | None:
        if self._searcher is None:
            self._searcher = self._writer.searcher()
        return self._searcher.document_number(id=doc_id)

    def _remove(self, doc_id: str) -> None:
        if doc_id in self._written:          # added by this writer: not in its searcher
            self._writer.delete_by_term("id", doc_id)
            return
        docnum = self._existing(doc_id)
        if docnum is not None:
            self._writer.delete_document(docnum)

    def put(self, document: dict) -> None:
        """Add or replace the document. DocumentRejected: nothing was written, go on;
        DocumentFailed: let it propagate, so that the writer is cancelled. Fields that an
        index built by an older version lacks are left out (until `setup` rebuilds it)."""
        check_document(document)
        if self._fields is not None and not self._fields.issuperset(document):
            document = {k: v for k, v in document.items() if k in self._fields}
        doc_id = str(document.get("id"))
        self.changed = True
        try:
            self._remove(doc_id)
            self._writer.add_document(**_for_whoosh(document))
        except Exception as exc:
            raise DocumentFailed(doc_id, f"{type(exc).__name__}: {exc}") from exc
        self._written.add(doc_id)

    def delete(self, doc_id: str) -> None:
        self.changed = True
        self._remove(doc_id)
        self._written.discard(doc_id)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


# what a bulk writer (a rebuild, a large import's segments) keeps in memory before Whoosh
# sorts postings through temporary files, pickled one by one: at 256 MB a rebuild of 5,000
# long needs spent 40 % of its time pickling (83 s); at 1,024 MB it stays in memory for
# about 7,000 such needs (~300 bytes per posting)
BULK_MEMORY_MB = 1024


@contextmanager
def writer(index_dir: str, timeout: float = WRITER_TIMEOUT, memory_mb: int = 128):
    """A writer on the live index; raises LockError if another process holds it longer than
    `timeout` seconds. Commits on success, cancels on error; after the commit, stores the
    writer's `state` (if set) as the generation's sync state. `memory_mb`: how much the
    writer keeps in memory before it sorts postings through temporary files (a large import
    gives more)."""
    ix = open_index(index_dir)
    generation = Path(ix.storage.folder)
    raw = ix.writer(timeout=timeout, codec=_codec(), limitmb=memory_mb)
    wrapped = IndexWriter(raw, ix.schema.names(), generation)
    try:
        yield wrapped
    except BaseException:
        wrapped.close()
        raw.cancel()
        raise
    wrapped.close()
    if wrapped.changed:
        raw.commit()
        toc_generation = raw.generation
    else:              # nothing written: no new table of contents for every searcher to reopen
        raw.cancel()
        toc_generation = raw.generation - 1
    if wrapped.state is not None:
        write_state(generation, wrapped.state, toc_generation)


def rebuild(index_dir: str, documents, procs: int = 1,
            rejected: list[DocumentRejected] | None = None, state=None) -> int:
    """Index every document into a new generation, then swap it in; returns the count.
    A document that does not fit the schema is left out (and appended to `rejected`); one
    that fails half way raises DocumentFailed and nothing is swapped in. `state()`, called once
    every document is written, gives the new generation's sync state (stored before the swap)."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    generation = _new_generation(index_dir)
    ix = index.open_dir(str(generation))
    raw = ix.writer(procs=procs, limitmb=BULK_MEMORY_MB, multisegment=procs > 1, codec=_codec())
    count = 0
    try:
        for document in documents:
            try:
                check_document(document)
            except DocumentRejected as problem:
                if rejected is None:
                    raise
                rejected.append(problem)
                continue
            try:
                raw.add_document(**_for_whoosh(document))
            except Exception as exc:
                raise DocumentFailed(str(document.get("id")),
                                     f"{type(exc).__name__}: {exc}") from exc
            count += 1
    except BaseException:
        raw.cancel()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    raw.commit()
    if state is not None:
        write_state(generation, state(), raw.generation)
    old = os.readlink(_current(index_dir)) if _current(index_dir).is_symlink() else None
    _swap(index_dir, generation)
    if old:
        shutil.rmtree(Path(index_dir) / old, ignore_errors=True)
    _remove_orphans(index_dir, keep=generation.name)
    return count


ORPHAN_SECONDS = 3600    # a generation this old that is not live is left over (never a
                         # rebuild still in progress: those take minutes)


def _remove_orphans(index_dir: str, keep: str) -> None:
    """Generations nothing points to (a deleted `current` link, a crashed rebuild)."""
    limit = time.time() - ORPHAN_SECONDS
    for path in Path(index_dir).glob("gen-*"):
        try:
            if path.name != keep and path.is_dir() and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def stamps(index_dir: str) -> dict[str, tuple[str, str]]:
    """Document id → (content stamp, ref), for `verify`. The index must exist."""
    with reading(index_dir), open_index(index_dir, create=False).searcher() as searcher:
        return {fields["id"]: (fields.get("stamp", ""), fields.get("ref") or "")
                for fields in searcher.all_stored_fields()}


def doc_count(index_dir: str) -> int:
    with reading(index_dir):
        return open_index(index_dir, create=False).doc_count()


def has_document(index_dir: str, doc_id: str) -> bool:
    with reading(index_dir), open_index(index_dir, create=False).searcher() as searcher:
        return searcher.document_number(id=doc_id) is not None


def suggest(searcher, word: str) -> str | None:
    """The closest indexed English word to `word` (unstemmed), if any: one letter off for a
    short word, two for a longer one (cryo is not cny). Whoosh ranks its candidates by how
    common they are, so "carbde" gave "carbon" before "carbide": the fewest edits win, then
    Whoosh's order."""
    options = searcher.suggest("spell", word, limit=8, maxdist=1 if len(word) <= 5 else 2)
    if not options:
        return None
    return min(enumerate(options), key=lambda item: (edits(word, item[1]), item[0]))[1]


def edits(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours turning a into b."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]


def has_word(searcher, word: str) -> bool:
    return bool(searcher.reader().doc_frequency("spell", word))


def has_cjk(text: str) -> bool:
    return analysis.has_cjk(text)
