"""Highlighted fragments of a need's text around the words a query found.

Matching runs on the folded text (full-width to ASCII, lower case), but what is shown is
the need's own text: 2.5×10⁶ and −30 ℃ stay as written. Fragments start and end between
words, and a Chinese word found through its parts (储能 … 电池 for 储能电池) is marked only
where the parts sit together.
"""
from __future__ import annotations

import re
import unicodedata

from markupsafe import escape

from marketplace.core import text as analysis
from marketplace.core.lru import LRU

from .plan import Plan

FRAGMENT = 110         # characters per fragment
FRAGMENTS = 2
GAP = 12               # fragments closer than this are shown as one
NEAR_GAP = 4           # characters allowed between the parts of a near match
_WORDS = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
_BREAK = re.compile(r"[\s\-/,;:]+")


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index in `text` it came from
    (kept per process for the texts of recent hits: a popular query shows them again)."""
    found = _ORIGINS.get(text)
    if found is None:
        found = _fold_with_origin(text)
        _ORIGINS.put(text, found)
    return found


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    folded = analysis.fold(text)
    if len(folded) == len(text) and folded.isascii() == text.isascii() \
            and unicodedata.is_normalized("NFKC", text):
        return folded, list(range(len(text)))    # only the case changed
    # character by character, each character's folding looked up once per process (Chinese
    # text is rarely NFKC-normal: its full-width punctuation folds to ASCII; normalising each
    # character anew cost a quarter of an uncached search page)
    cache = _FOLDED
    pieces = [cache.get(char) or _fold_char(char) for char in text]
    if all(len(piece) == 1 for piece in pieces):
        return "".join(pieces), list(range(len(text)))
    origin = []
    for index, piece in enumerate(pieces):
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


_FOLDED: dict[str, str] = {}
_ORIGINS = LRU(2_000_000, weigh=lambda value: len(value[0]))   # text → (folded, origin)


def _fold_char(char: str) -> str:
    folded = analysis.fold(char)
    if len(_FOLDED) < 100_000:
        _FOLDED[char] = folded
    return folded


def _occurrences(folded: str, pattern: str):
    start = folded.find(pattern)
    while start >= 0:
        yield start, start + len(pattern)
        start = folded.find(pattern, start + len(pattern))


def _near_spans(folded: str, parts: list[str]):
    for start, end in _occurrences(folded, parts[0]):
        position, ok = end, True
        for part in parts[1:]:
            at = folded.find(part, position)
            if at < 0 or at - position > NEAR_GAP:
                ok = False
                break
            position = at + len(part)
        if ok:
            yield start, position


def _spans(folded: str, plan: Plan) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    english: set[str] = set()
    for group in plan.groups:
        for alt in group.alternatives:
            for run in analysis.cjk_runs(alt.text):
                spans += _occurrences(folded, run)
            if alt.near:
                spans += _near_spans(folded, [analysis.fold(p) for p in alt.near])
            english.update(alt.words)
    if english:
        for match in _WORDS.finditer(folded):
            pieces = [match.group()] + match.group().split("-")
            if any(analysis.normalize_word(p) in english or p in english for p in pieces if p):
                spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _between_words(text: str, left: int, right: int) -> tuple[int, int]:
    """Move a window's edges off the middle of a Latin word."""
    if 0 < left < len(text) and text[left - 1].isalnum() and text[left].isascii() \
            and text[left].isalnum():
        found = _BREAK.search(text, left, min(len(text), left + 30))
        left = found.end() if found else left
    if 0 < right < len(text) and text[right - 1].isascii() and text[right - 1].isalnum() \
            and text[right].isalnum():
        breaks = [m.start() for m in _BREAK.finditer(text, max(left, right - 30), right)]
        right = breaks[-1] if breaks and breaks[-1] > left else right
    return left, right


def _windows(spans, length: int) -> list[tuple[int, int]]:
    """Up to FRAGMENTS windows, each holding the most spans it can, in text order."""
    chosen: list[tuple[int, int]] = []
    remaining = list(spans)
    while remaining and len(chosen) < FRAGMENTS:
        best, best_count = None, 0
        for start, _end in remaining:
            left = max(0, start - FRAGMENT // 3)
            right = min(length, left + FRAGMENT)
            count = sum(1 for s, e in remaining if s >= left and e <= right)
            if count > best_count:
                best, best_count = (left, right), count
        chosen.append(best)
        remaining = [(s, e) for s, e in remaining if not (s >= best[0] and e <= best[1])]
    # windows that overlap or nearly touch become one, so no text is shown twice
    merged: list[tuple[int, int]] = []
    for left, right in sorted(chosen):
        if merged and left <= merged[-1][1] + GAP:
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return merged


def highlight(text: str, plan: Plan) -> str:
    """HTML: up to two fragments of `text` with the query's words in <mark>; "" when none
    of them occurs."""
    if not text or not plan:
        return ""
    folded, origin = _folded_with_origin(text)
    spans = [(origin[s], origin[e - 1] + 1) for s, e in _spans(folded, plan)]
    if not spans:
        return ""
    fragments = []
    for left, right in _windows(spans, len(text)):
        left, right = _between_words(text, left, right)
        out, position = [], left
        for start, end in spans:
            if start < left or end > right:
                continue
            out.append(str(escape(text[position:start])))
            out.append(f"<mark>{escape(text[start:end])}</mark>")
            position = end
        out.append(str(escape(text[position:right])))
        fragment = "".join(out).strip()
        fragments.append(("…" if left > 0 else "") + fragment
                         + ("…" if right < len(text) else ""))
    return " ".join(fragments)


def lead(text: str, length: int = 2 * FRAGMENT) -> str:
    """The start of a text, for a need whose text in the reader's language lacks the words."""
    text = " ".join((text or "").split())
    if len(text) > length:
        cut = _between_words(text, 0, length)[1]
        return str(escape(text[:cut])) + "…"
    return str(escape(text))
