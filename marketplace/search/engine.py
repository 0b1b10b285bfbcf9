"""The one module that knows Whoosh: schema, analyzer, writing, searching, rebuild and swap.

Everything else talks to this module with plain dicts and dataclasses, so the engine can be
replaced in one place. The index lives in INDEX_DIR/current, a symlink to a generation
directory; `rebuild` fills a fresh generation and swaps the link atomically.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jieba
from whoosh import highlight, index, query
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError  # noqa: F401  (re-exported for callers)

WRITER_TIMEOUT = 2.0
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "of", "on", "or", "that", "the", "this", "to", "with", "we", "our", "will",
    "的", "了", "和", "与", "及", "等", "在", "是", "对", "为", "或"))
_SKIP = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{2,}")


class JiebaTokenizer(Tokenizer):
    """jieba for Chinese (and mixed) text. Indexing uses jieba's "search" mode, which also
    emits the words inside a compound (碳化硅 inside 碳化硅衬底), so a query for the shorter
    word finds the longer one; queries use the precise mode."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for word, start, end in jieba.tokenize(value, mode="search" if mode == "index"
                                               else "default"):
            if _SKIP.match(word) or word.isspace():
                continue
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def make_analyzer(stem: bool = True):
    chain = JiebaTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)
    return chain | StemFilter(cachesize=50000) if stem else chain


ANALYZER = make_analyzer()

SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    ref=ID(stored=True),
    stamp=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, stored=True, field_boost=3.0),
    title_zh=STORED, title_en=STORED,      # the title in each language, for the command line
    body=TEXT(analyzer=ANALYZER, stored=True),
    spell=TEXT(analyzer=make_analyzer(stem=False), phrase=False),  # unstemmed words
    chain=ID(stored=True, sortable=True),
    chains=KEYWORD(stored=True, commas=True),
    cluster=ID(stored=True, sortable=True),
    status=ID(stored=True, sortable=True),
    budget_band=ID(stored=True, sortable=True),
    budget=NUMERIC(int, bits=64, stored=True, sortable=True),
    deadline=NUMERIC(int, bits=64, stored=True, sortable=True),
    published=NUMERIC(int, bits=64, stored=True, sortable=True),
)
TEXT_FIELDS = ("title", "body")
SCHEMA_VERSION = "3"     # bump when SCHEMA changes: `setup` then rebuilds the index
NO_DEADLINE = 2 ** 40
NUMBER_MIN, NUMBER_MAX = SCHEMA["budget"].min_value, SCHEMA["budget"].max_value


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
        elif not isinstance(value, str):
            raise DocumentRejected(doc_id, f"{name} is not text: {type(value).__name__}")
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise DocumentRejected(doc_id, f"{name} is not valid Unicode text") from None


_FIELD_KINDS = {name: "number" if isinstance(f, NUMERIC) else "text" if f.indexed
                else "stored" for name, f in SCHEMA.items()}


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


def _unreadable(index_dir: str, exc: Exception) -> IndexUnavailable:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return IndexUnavailable(f"the search index in {index_dir} cannot be read "
                            f"({type(exc).__name__}{': ' + detail if detail else ''})")


@contextmanager
def _reading(index_dir: str):
    """Any failure to read the index (a corrupt or half-deleted generation) becomes one
    IndexUnavailable that names it."""
    try:
        yield
    except IndexUnavailable:
        raise
    except Exception as exc:
        raise _unreadable(index_dir, exc) from exc


def open_index(index_dir: str, create: bool = True):
    """The live index, reopened when `rebuild` swapped the generation. Raises
    IndexUnavailable if it cannot be read, or (with create=False) is missing."""
    if create:
        ensure_index(index_dir)
    elif not exists(index_dir):
        raise IndexUnavailable(f"the search index in {index_dir} is missing")
    target = os.readlink(_current(index_dir))
    with _open_lock:
        cached = _open.get(index_dir)
        if cached is None or cached[0] != target:
            with _reading(index_dir):
                cached = (target, index.open_dir(str(Path(index_dir) / target)))
            _open[index_dir] = cached
        return cached[1]


_local = threading.local()


def shared_searcher(index_dir: str):
    """A searcher kept open between requests (per thread) and refreshed when the index
    changed: opening one costs several file opens, refreshing reuses unchanged segments."""
    ix = open_index(index_dir)
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
        raise _unreadable(index_dir, exc) from exc
    cache[index_dir] = (ix, searcher)
    return searcher


def clear(index_dir: str) -> None:
    """Replace the index by an empty one (tests, and `rebuild` of an empty database)."""
    ensure_index(index_dir)
    old = os.readlink(_current(index_dir))
    _swap(index_dir, _new_generation(index_dir))
    shutil.rmtree(Path(index_dir) / old, ignore_errors=True)


# -- writing ---------------------------------------------------------------------------------
class IndexWriter:
    def __init__(self, writer, fieldnames=None):
        self._writer = writer
        self._fields = set(fieldnames) if fieldnames is not None else None

    def put(self, document: dict) -> None:
        """Add or replace the document. DocumentRejected: nothing was written, go on;
        DocumentFailed: let it propagate, so that the writer is cancelled. Fields that an
        index built by an older version lacks are left out (until `setup` rebuilds it)."""
        check_document(document)
        if self._fields is not None and not self._fields.issuperset(document):
            document = {k: v for k, v in document.items() if k in self._fields}
        try:
            self._writer.update_document(**document)
        except Exception as exc:
            raise DocumentFailed(str(document.get("id")), f"{type(exc).__name__}: {exc}") \
                from exc

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)


@contextmanager
def writer(index_dir: str, timeout: float = WRITER_TIMEOUT):
    """A writer on the live index; raises LockError if another process holds it longer than
    `timeout` seconds. Commits on success, cancels on error."""
    ix = open_index(index_dir)
    raw = ix.writer(timeout=timeout)
    try:
        yield IndexWriter(raw, ix.schema.names())
    except BaseException:
        raw.cancel()
        raise
    raw.commit()


def rebuild(index_dir: str, documents, procs: int = 1,
            rejected: list[DocumentRejected] | None = None) -> int:
    """Index every document into a new generation, then swap it in; returns the count.
    A document that does not fit the schema is left out (and appended to `rejected`); one
    that fails half way raises DocumentFailed and nothing is swapped in."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    generation = _new_generation(index_dir)
    ix = index.open_dir(str(generation))
    raw = ix.writer(procs=procs, limitmb=256, multisegment=procs > 1)
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
                raw.add_document(**document)
            except Exception as exc:
                raise DocumentFailed(str(document.get("id")),
                                     f"{type(exc).__name__}: {exc}") from exc
            count += 1
    except BaseException:
        raw.cancel()
        shutil.rmtree(generation, ignore_errors=True)
        raise
    raw.commit()
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
    with _reading(index_dir), open_index(index_dir, create=False).searcher() as searcher:
        return {fields["id"]: (fields.get("stamp", ""), fields.get("ref") or "")
                for fields in searcher.all_stored_fields()}


# -- searching -------------------------------------------------------------------------------
@dataclass
class Hit:
    id: str
    ref: str | None
    title: str
    score: float           # relevance; 0.0 when the results are sorted by a field
    snippet: str = ""
    matched: set[str] = field(default_factory=set)
    title_zh: str = ""
    title_en: str = ""


@dataclass
class Results:
    total: int
    hits: list[Hit]
    page: int
    pages: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False      # no need had every word; these have some of them
    unsearchable: bool = False  # the query has no word that can be searched for ("!!!")


def analyze(text: str) -> list[str]:
    return [t.text for t in ANALYZER(text, mode="query")]


CHAIN_NAME_SCORE = 1.0   # a need of the named chain without the words ranks below text hits
MAX_QUERY_TERMS = 64     # groups of a query, and terms of one alternative, that are searched


def text_query(groups: list[list[str]], chains: list[str | None] | None = None):
    """AND over groups; a group is alternatives (the words and their translations); each
    alternative is AND over its analysed tokens, searched in title and body. Where a group
    names a chain (`chains[i]`), the needs classified in that chain match it too. At most
    MAX_QUERY_TERMS groups and terms per alternative are used (Whoosh nests a matcher per
    clause, so thousands of them exhaust the recursion limit). None: nothing to search."""
    clauses = []
    for position, alternatives in enumerate(groups[:MAX_QUERY_TERMS]):
        options = []
        chain = chains[position] if chains else None
        if chain:
            options.append(query.ConstantScoreQuery(query.Term("chains", chain),
                                                    CHAIN_NAME_SCORE))
        for text in alternatives:
            tokens = analyze(text)[:MAX_QUERY_TERMS]
            if tokens:
                options.append(query.And([query.Or([query.Term(f, t) for f in TEXT_FIELDS])
                                          for t in tokens]))
        if options:
            clauses.append(query.Or(options) if len(options) > 1 else options[0])
    if not clauses:
        return None
    return query.And(clauses) if len(clauses) > 1 else clauses[0]


def any_of(groups: list[list[str]], chains: list[str | None] | None = None):
    groups = groups[:MAX_QUERY_TERMS]
    chains = chains or [None] * len(groups)
    parts = [q for q in (text_query([g], [c]) for g, c in zip(groups, chains))
             if q is not None]
    return query.Or(parts) if parts else None


def term(fieldname: str, value: str):
    return query.Term(fieldname, value)


def every():
    return query.Every()


def all_of(queries):
    queries = [q for q in queries if q is not None]
    if not queries:
        return None
    return query.And(queries) if len(queries) > 1 else queries[0]


def either(queries):
    queries = [q for q in queries if q is not None]
    return query.Or(queries) if queries else query.NullQuery


def number_range(fieldname: str, start: int | None, end: int | None):
    return query.NumericRange(fieldname, start, end)


def boosted(q, boost: float):
    q.boost = boost
    return q


_columns_cache: dict[str, dict[str, list]] = {}
_merged_cache: dict[tuple, dict[str, list]] = {}
FACET_COLUMNS = ("chain", "cluster", "budget_band", "status", "deadline")


def _columns(searcher) -> dict[str, list]:
    """Facet values of every document, docnum → value, read from the column store once per
    segment (segments are immutable) and cached; a commit only adds small segments."""
    leaves = [(leaf, offset) for leaf, offset in sorted(searcher.leaf_searchers(),
                                                         key=lambda item: item[1])
              if leaf.reader().doc_count_all() and leaf.reader().segment() is not None]
    key = tuple(leaf.reader().segment().segment_id() for leaf, _offset in leaves)
    merged = _merged_cache.get(key)
    if merged is not None:
        return merged
    live = set(key)
    for segment_id in list(_columns_cache):
        if segment_id not in live:
            del _columns_cache[segment_id]
    merged = {name: [] for name in FACET_COLUMNS}
    for (leaf, _offset), segment_id in zip(leaves, key):
        columns = _columns_cache.get(segment_id)
        if columns is None:
            reader = leaf.reader()
            columns = {name: list(reader.column_reader(name)) for name in FACET_COLUMNS}
            _columns_cache[segment_id] = columns
        for name in FACET_COLUMNS:
            merged[name].extend(columns[name])
    _merged_cache.clear()
    _merged_cache[key] = merged
    return merged


def warm(index_dir: str) -> None:
    """Open the searcher and load the facet columns now, not on the first request."""
    _columns(shared_searcher(index_dir))


def count_facets(searcher, docs, facets: dict) -> dict[str, dict[str, int]]:
    """`facets`: name → (fields, function of their values giving the document's keys) or
    name → (field, None) to count the field's values."""
    columns = _columns(searcher)
    counts = {}
    for name, (fields, keys_of) in facets.items():
        if keys_of is None:
            counter = Counter(map(columns[fields].__getitem__, docs))
        else:
            arrays = [columns[f] for f in fields]
            counter = Counter(key for doc in docs for key in keys_of(*(a[doc] for a in arrays)))
        counts[name] = {str(k): v for k, v in counter.items() if k not in (None, "")}
    return counts


SORTS = {"deadline": ("deadline", False), "budget": ("budget", True),
         "newest": ("published", True)}


def search(index_dir: str, q, *, filter_q=None, sort: str = "relevance", page: int = 1,
           pagelen: int = 10, facets: dict | None = None, highlight_fields=("body",),
           with_terms: bool = False) -> Results:
    """Run `q`, best first (or by `sort`); facet counts over every match (see count_facets)."""
    options = {"filter": filter_q, "terms": with_terms}
    by_field = sort in SORTS       # whoosh then gives the sort key as the score
    if by_field:
        fieldname, reverse = SORTS[sort]
        options["sortedby"], options["reverse"] = fieldname, reverse
    searcher = shared_searcher(index_dir)
    page_obj = searcher.search_page(q, max(page, 1), pagelen=pagelen, **options)
    results = page_obj.results
    if highlight_fields:
        results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=50)
        results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    hits = []
    for hit in page_obj:
        snippet = ""
        for fieldname in highlight_fields or ():
            snippet = snippet or hit.highlights(fieldname, top=2)
        matched = {t[1].decode("utf-8") if isinstance(t[1], bytes) else str(t[1])
                   for t in hit.matched_terms()} if with_terms else set()
        hits.append(Hit(id=hit["id"], ref=hit.get("ref"), title=hit.get("title", ""),
                        score=0.0 if by_field else round(float(hit.score or 0.0), 4),
                        snippet=snippet, matched=matched, title_zh=hit.get("title_zh") or "",
                        title_en=hit.get("title_en") or ""))
    counts = count_facets(searcher, results.docs(), facets) if facets else {}
    return Results(total=len(results), hits=hits, page=page_obj.pagenum,
                   pages=page_obj.pagecount, facets=counts)


def snippet_of(text: str, words: set[str]) -> str:
    """Highlighted fragments of `text` (e.g. one language of a need) around `words`, the
    analysed query terms; "" when none of them occur."""
    if not text or not words:
        return ""
    return highlight.highlight(text, frozenset(words), ANALYZER,
                               highlight.ContextFragmenter(maxchars=220, surround=50),
                               highlight.HtmlFormatter(tagname="mark", between=" … "), top=2)


def suggest_spelling(index_dir: str, text: str) -> str | None:
    """"Did you mean": English words replaced by the closest indexed word, if any differ."""
    changed, output = False, text
    searcher = shared_searcher(index_dir)
    reader = searcher.reader()
    for word in set(_WORD.findall(text)):
        lowered = word.lower()
        if reader.frequency("spell", lowered):
            continue
        options = searcher.suggest("spell", lowered, limit=1, maxdist=2)
        if options and options[0] != lowered:
            output = re.sub(rf"\b{re.escape(word)}\b", options[0], output)
            changed = True
    return output if changed else None


def doc_count(index_dir: str) -> int:
    with _reading(index_dir):
        return open_index(index_dir).doc_count()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))
