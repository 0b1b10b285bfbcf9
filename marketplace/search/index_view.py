"""The live index as arrays: postings, field lengths and facet columns, read from Whoosh.

Whoosh's own matchers score and count matches one posting at a time in Python; at 100,000
needs that was 60 ms per query. Here a term's postings are read once per segment (segments
are immutable) into NumPy arrays and kept in a bounded cache, and `ranking.py` matches,
scores, filters, counts facets and sorts with array operations. A commit only adds a small
segment, so after a publish only that segment is read again.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

from marketplace.core.lru import LRU
from marketplace.core.text import fold

from . import engine

STRING_COLUMNS, NUMBER_COLUMNS = engine.STRING_COLUMNS, engine.NUMBER_COLUMNS
SCORED_FIELDS = ("tg", "bg", "tw", "bw")
CACHE_POSTINGS = 6_000_000        # postings kept per process (~50 MB)
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))
_LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


# (segment, field, term) → (local docnums, frequencies), weighed by postings
_postings = LRU(CACHE_POSTINGS, weigh=lambda value: len(value[0]))
# (segment, local docnum) → the document's titles and texts folded (NFKC, lower case), as
# ranking reads them for its best candidates; weighed by characters (~20 MB)
CACHE_FOLDED_CHARS = 10_000_000
TEXT_FIELDS = ("title_zh", "title_en", "text_zh", "text_en")
_folded = LRU(CACHE_FOLDED_CHARS, weigh=len)
_segment_cache: dict[str, dict] = {}
_arrays: dict[tuple, Arrays] = {}
_view_lock = threading.Lock()


def _read_postings(reader, fieldname: str, term: str):
    """Every (docnum, frequency) of a term in one segment, deleted documents included."""
    tbytes = term.encode("utf-8")
    terms = reader._terms
    if (fieldname, tbytes) not in terms:
        return _EMPTY
    matcher = terms.matcher(fieldname, tbytes, reader.schema[fieldname].format)
    if not isinstance(matcher, W3LeafMatcher):          # postings inlined in the term info
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, np.int32), np.array(weights, np.float32)
    ids, weights = [], []
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return np.array(ids, np.int32), np.array(weights, np.float32)


def _segment_data(reader) -> dict:
    """Columns and field lengths of one segment (immutable, so cached by its id)."""
    segment_id = reader.segment().segment_id()
    data = _segment_cache.get(segment_id)
    if data is not None:
        return data
    count = reader.doc_count_all()
    data = {"count": count}
    for name in STRING_COLUMNS:
        data[name] = [v.decode("utf-8") for v in reader.column_reader(name)] if count else []
    for name in NUMBER_COLUMNS:
        data[name] = np.fromiter(reader.column_reader(name), dtype=np.int64, count=count) \
            if count else np.zeros(0, np.int64)
    perdoc = reader._perdoc
    for name in SCORED_FIELDS:
        column = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN) if count else None
        data[f"len:{name}"] = (_LENGTH_TABLE[np.fromiter(column, dtype=np.uint8, count=count)]
                               if column is not None else np.zeros(count, np.float32))
    _segment_cache[segment_id] = data
    return data


@dataclass
class Arrays:
    """Columns, lengths and deletions of one set of segments (shared while it lives)."""

    n: int
    live: np.ndarray                   # bool: not deleted
    codes: dict[str, np.ndarray] = field(default_factory=dict)     # string column → codes
    vocab: dict[str, list[str]] = field(default_factory=dict)      # code → value
    numbers: dict[str, np.ndarray] = field(default_factory=dict)
    lengths: dict[str, np.ndarray] = field(default_factory=dict)
    average: dict[str, float] = field(default_factory=dict)
    live_count: int = 0


class IndexView:
    """One consistent picture of the index for one search: the searcher's segments, their
    arrays, and postings on demand."""

    def __init__(self, searcher, leaves, arrays: Arrays, index_dir: str):
        self.searcher, self.leaves, self.arrays, self.index_dir = (searcher, leaves, arrays,
                                                                   index_dir)
        self.n, self.live, self.live_count = arrays.n, arrays.live, arrays.live_count

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global docnums and frequencies of a term (deleted documents included: callers
        mask with `live`)."""
        parts = []
        for reader, offset in self.leaves:
            key = (reader.segment().segment_id(), fieldname, term)
            found = _postings.get(key)
            if found is None:
                with engine.reading(self.index_dir):
                    found = _read_postings(reader, fieldname, term)
                _postings.put(key, found)
            if len(found[0]):
                parts.append((found[0] + offset, found[1]) if offset else found)
        if not parts:
            return _EMPTY
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def code(self, column: str, value: str) -> int:
        """The code of a column value (-1 if no document has it)."""
        try:
            return self.arrays.vocab[column].index(value)
        except ValueError:
            return -1

    def column_value(self, column: str, docnum: int) -> str:
        return self.arrays.vocab[column][int(self.arrays.codes[column][docnum])]

    def stored(self, docnum: int) -> dict:
        with engine.reading(self.index_dir):
            return self.searcher.stored_fields(int(docnum))

    def folded_text(self, docnum: int) -> str:
        """The document's titles and texts, folded, read and folded once per process
        (segments never change; a changed need is a new document)."""
        docnum = int(docnum)
        for reader, offset in reversed(self.leaves):
            if docnum >= offset:
                break
        key = (reader.segment().segment_id(), docnum - offset)
        found = _folded.get(key)
        if found is None:
            stored = self.stored(docnum)
            found = fold(" ".join(str(stored.get(k) or "") for k in TEXT_FIELDS))
            _folded.put(key, found)
        return found


def _build(leaves) -> Arrays:
    datas = [_segment_data(reader) for reader, _offset in leaves]
    n = sum(d["count"] for d in datas)
    live = np.ones(n, dtype=bool)
    for (reader, offset), data in zip(leaves, datas):
        deleted = list(reader.segment().deleted_docs()) if reader.has_deletions() else []
        if deleted:
            live[np.array(deleted, dtype=np.int64) + offset] = False
    arrays = Arrays(n=n, live=live, live_count=int(live.sum()))
    for name in STRING_COLUMNS:
        values = [v for d in datas for v in d[name]]
        vocab = sorted({v or "" for v in values})
        index = {v: i for i, v in enumerate(vocab)}
        arrays.vocab[name] = vocab
        arrays.codes[name] = np.fromiter((index[v or ""] for v in values), dtype=np.int32,
                                         count=n)
    for name in NUMBER_COLUMNS:
        arrays.numbers[name] = (np.concatenate([d[name] for d in datas]) if datas
                                else np.zeros(0, np.int64))
    for name in SCORED_FIELDS:
        lengths = (np.concatenate([d[f"len:{name}"] for d in datas]) if datas
                   else np.zeros(0, np.float32))
        arrays.lengths[name] = lengths
        arrays.average[name] = max(float(lengths[live].mean()), 1.0) if arrays.live_count \
            else 1.0
    return arrays


def _arrays_of(leaves) -> Arrays:
    key = tuple((r.segment().segment_id(), r.segment().deleted_count()) for r, _o in leaves)
    with _view_lock:
        arrays = _arrays.get(key)
        if arrays is not None:
            return arrays
        arrays = _build(leaves)
        _arrays.clear()
        _arrays[key] = arrays
        live = {segment_id for segment_id, _deleted in key}
        for segment_id in [s for s in _segment_cache if s not in live]:
            del _segment_cache[segment_id]
    _postings.discard(lambda key: key[0] in live)
    return arrays


def current_view(index_dir: str) -> IndexView:
    """The live index (refreshed when another process committed). Raises IndexUnavailable
    when it is missing or cannot be read."""
    searcher = engine.shared_searcher(index_dir)
    with engine.reading(index_dir):
        leaves = sorted(((s.reader(), offset) for s, offset in searcher.leaf_searchers()),
                        key=lambda item: item[1])
        leaves = [(r, o) for r, o in leaves if r.doc_count_all() and r.segment() is not None]
        return IndexView(searcher, leaves, _arrays_of(leaves), index_dir)


def warm(index_dir: str) -> None:
    """Read the columns and lengths now, not on the first request."""
    current_view(index_dir)
