"""Highlighted fragments of a need's text around the words a query found."""
from __future__ import annotations

import re

from markupsafe import escape

from marketplace.core import text as analysis
from .plan import Plan

FRAGMENT = 110         # characters per fragment
FRAGMENTS = 2
_WORDS = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


def patterns(plan: Plan) -> tuple[list[str], set[str]]:
    """(Chinese strings to find, English terms to find) of every alternative."""
    chinese: set[str] = set()
    english: set[str] = set()
    for group in plan.groups:
        for alt in group.alternatives:
            for run in analysis.cjk_runs(alt.text):
                chinese.add(run)
            chinese.update(p for p in alt.near if len(p) > 1)
            english.update(alt.words)
    return sorted(chinese, key=len, reverse=True), english


def _spans(folded: str, chinese: list[str], english: set[str]) -> list[tuple[int, int]]:
    spans = []
    for pattern in chinese:
        start = folded.find(pattern)
        while start >= 0:
            spans.append((start, start + len(pattern)))
            start = folded.find(pattern, start + len(pattern))
    if english:
        for match in _WORDS.finditer(folded):
            pieces = [match.group()] + match.group().split("-")
            if any(analysis.normalize_word(p) in english for p in pieces if p):
                spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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
    return sorted(chosen)


def highlight(text: str, plan: Plan) -> str:
    """HTML: up to two fragments of `text` with the query's words in <mark>; "" when none
    of them occurs."""
    if not text or not plan:
        return ""
    folded = analysis.fold(text)
    shown = text if len(folded) == len(text) else folded
    spans = _spans(folded, *patterns(plan))
    if not spans:
        return ""
    fragments = []
    for left, right in _windows(spans, len(shown)):
        out, position = [], left
        for start, end in spans:
            if start < left or end > right:
                continue
            out.append(str(escape(shown[position:start])))
            out.append(f"<mark>{escape(shown[start:end])}</mark>")
            position = end
        out.append(str(escape(shown[position:right])))
        fragment = "".join(out).strip()
        fragments.append(("…" if left > 0 else "") + fragment + ("…" if right < len(shown)
                                                                  else ""))
    return " ".join(fragments)


def lead(text: str, length: int = 2 * FRAGMENT) -> str:
    """The start of a text, for a need whose text in the reader's language lacks the words."""
    text = " ".join((text or "").split())
    return str(escape(text[:length] + ("…" if len(text) > length else "")))
