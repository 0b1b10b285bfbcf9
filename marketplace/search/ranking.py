"""Matching, scoring, filtering, facets and order, on the arrays of an IndexView.

Score of a need for a query: the sum over the query's groups of the best alternative found
(BM25 of the alternative's terms, title counting TITLE_WEIGHT times, averaged over the terms so
that a four-character word and a one-word translation weigh alike; × the alternative's weight:
typed 1.0, synonym or translation 0.9, one step further 0.8), plus TITLE_BONUS when the whole
alternative is in the title and PHRASE_BONUS when an English phrase is there word for word.
A near match (储能锂电池 for 储能电池: the word's parts, not the word) counts NEAR_FACTOR.
The best candidates are then checked against their stored text: a Chinese word that is there
only as scattered bigrams counts less (see `verify`).

Order: needs with every required group first (by score), then, for relevance order, needs
with some of them (by how many, then score), marked partial.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from marketplace.core import text as analysis
from .index_view import IndexView
from .plan import Alternative, Group, Plan

K1, B = 1.2, 0.75
TITLE_WEIGHT = 3.0
TITLE_BONUS = 2.0
PHRASE_BONUS = 1.0
NEAR_FACTOR = 0.5
PARTS_FACTOR = 0.6         # the terms inside a term found, each in any language
OPTIONAL_FACTOR = 0.5      # a generic word ("技术", "development") only adds to the score
VERIFY = 60                # best candidates whose text is checked for the exact words
DAY = 86400
STATUS_GROUPS = {"open": ("published",), "closed": ("closed",),
                 "under_review": ("under_review", "publicity"),
                 "awarded": ("awarded", "contracted", "accepted"),
                 "not_awarded": ("not_awarded",)}
DEADLINE_WINDOWS = (("7", 7), ("30", 30), ("90", 90))
SORTS = {"deadline": ("deadline", False), "budget": ("budget", True),
         "newest": ("published", True)}


@dataclass
class Filters:
    cluster: str = ""
    chain: str = ""
    budget: str = ""          # band
    status: str = ""          # open, closed, under_review, awarded, not_awarded
    deadline: str = ""        # 7, 30, 90, later
    chains_any: tuple[str, ...] = ()   # needs matched to one of these chains


@dataclass
class Ranked:
    strict: int                # needs with every required group
    partial: int               # needs with some (listed after the strict ones)
    docs: np.ndarray           # the page's docnums, in order
    scores: np.ndarray
    groups_found: list[list[int]]   # per page doc: indexes of the groups it has
    page_start: int            # position of the page's first doc in the whole order
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)   # groups found in no need at all


class _Terms:
    """Per-query memo of term arrays: presence and BM25 in title and body."""

    def __init__(self, view: IndexView):
        self.view = view
        self.memo: dict[tuple[str, str], tuple] = {}

    def present(self, fieldname: str, term: str) -> np.ndarray:
        key = (fieldname, term)
        if key not in self.memo:
            mask = np.zeros(self.view.n, dtype=bool)
            mask[self.view.postings(fieldname, term)[0]] = True
            self.memo[key] = mask & self.view.live
        return self.memo[key]

    def get(self, kind: str, term: str):
        key = (kind, term)
        if key not in self.memo:
            self.memo[key] = self._compute(*(("tg", "bg") if kind == "g" else ("tw", "bw")),
                                           term)
        return self.memo[key]

    def _compute(self, title_field: str, body_field: str, term: str):
        view, arrays = self.view, self.view.arrays
        present = np.zeros(view.n, dtype=bool)
        in_title = np.zeros(view.n, dtype=bool)
        score = np.zeros(view.n, dtype=np.float32)
        parts = []
        for name, weight in ((title_field, TITLE_WEIGHT), (body_field, 1.0)):
            docs, tf = view.postings(name, term)
            if not len(docs):
                continue
            norm = K1 * (1 - B + B * arrays.lengths[name][docs] / arrays.average[name])
            parts.append((docs, weight * tf * (K1 + 1) / (tf + norm)))
            present[docs] = True
            if name == title_field:
                in_title[docs] = True
        present &= view.live
        df = int(np.count_nonzero(present))
        if not df:
            return present, in_title, score
        idf = math.log(1 + (view.live_count - df + 0.5) / (df + 0.5))
        for docs, values in parts:
            score[docs] += values * idf
        return present, in_title, score


def _alternative(terms: _Terms, alt: Alternative):
    """(found, found in the title, score) of one alternative, dense over documents."""
    keys = [("g", t) for t in alt.grams] + [("w", t) for t in alt.words]
    found = in_title = score = None
    for kind, term in keys:
        present, title, term_score = terms.get(kind, term)
        found = present.copy() if found is None else found & present
        in_title = title.copy() if in_title is None else in_title & title
        score = term_score.copy() if score is None else score + term_score
    score /= len(keys)
    score[~found] = 0
    if alt.shingles:
        phrase = found.copy()
        for shingle in alt.shingles:
            phrase &= terms.present("sh", shingle)
        score[phrase] += PHRASE_BONUS
    score[in_title & found] += TITLE_BONUS
    return found, score


def _near(terms: _Terms, alt: Alternative):
    found, score = None, None
    for part in alt.near:
        part_found, part_score = _alternative(
            terms, Alternative(text=part, grams=tuple(analysis.required_grams(part))))
        found = part_found if found is None else found & part_found
        score = part_score if score is None else score + part_score
    return found, score / len(alt.near) * NEAR_FACTOR


def _group(terms: _Terms, group: Group, view: IndexView):
    """(has the words, has them or something related, score): related is a near match of a
    Chinese word's parts, or a need of the chain the word names or belongs to."""
    exact = np.zeros(view.n, dtype=bool)
    score = np.zeros(view.n, dtype=np.float32)
    for alt in group.alternatives:
        alt_found, alt_score = _alternative(terms, alt)
        exact |= alt_found
        np.maximum(score, alt_score * alt.weight, out=score)
    related = exact.copy()
    if group.parts:
        together = None
        part_score = np.zeros(view.n, dtype=np.float32)
        for part in group.parts:
            part_exact, _related, score_of_part = _group(terms, part, view)
            together = part_exact if together is None else together & part_exact
            part_score += score_of_part
        related |= together
        np.maximum(score, np.where(together, part_score / len(group.parts) * PARTS_FACTOR,
                                   0).astype(np.float32), out=score)
    for alt in group.alternatives:
        if alt.near:
            near_found, near_score = _near(terms, alt)
            related |= near_found
            np.maximum(score, near_score * alt.weight, out=score)
    if group.chain:
        chain = terms.present("chains", group.chain)
        related |= chain
        np.maximum(score, np.where(chain, group.chain_score, 0).astype(np.float32), out=score)
    return exact & view.live, related & view.live, score


def filter_mask(view: IndexView, filters: Filters, now_ts: int) -> np.ndarray:
    arrays = view.arrays
    mask = view.live.copy()
    for column, value in (("cluster", filters.cluster), ("chain", filters.chain),
                          ("budget_band", filters.budget)):
        if value:
            mask &= arrays.codes[column] == view.code(column, value)
    if filters.status:
        mask &= status_mask(view, now_ts, filters.status)
    if filters.deadline:
        mask &= deadline_masks(view, now_ts).get(filters.deadline, np.zeros(view.n, bool))
    if filters.chains_any:
        chains = np.zeros(view.n, dtype=bool)
        for chain in filters.chains_any:
            chains[view.postings("chains", chain)[0]] = True
        mask &= chains
    return mask


def _status_in(view: IndexView, statuses) -> np.ndarray:
    codes = [view.code("status", s) for s in statuses]
    return np.isin(view.arrays.codes["status"], [c for c in codes if c >= 0])


def status_mask(view: IndexView, now_ts: int, key: str) -> np.ndarray:
    deadline = view.arrays.numbers["deadline"]
    published = _status_in(view, ("published",))
    if key == "open":
        return published & (deadline > now_ts)
    if key == "closed":
        return _status_in(view, ("closed",)) | (published & (deadline <= now_ts))
    if key in STATUS_GROUPS:
        return _status_in(view, STATUS_GROUPS[key])
    return np.zeros(view.n, dtype=bool)


def deadline_masks(view: IndexView, now_ts: int) -> dict[str, np.ndarray]:
    from .engine import NO_DEADLINE
    deadline = view.arrays.numbers["deadline"]
    ahead = (deadline > now_ts) & (deadline < NO_DEADLINE)
    masks = {key: ahead & (deadline <= now_ts + days * DAY) for key, days in DEADLINE_WINDOWS}
    masks["later"] = ahead & (deadline > now_ts + 90 * DAY)
    return masks


def count_facets(view: IndexView, mask: np.ndarray, now_ts: int) -> dict[str, dict[str, int]]:
    arrays = view.arrays
    facets = {}
    for name, column in (("cluster", "cluster"), ("chain", "chain"), ("budget", "budget_band")):
        counts = np.bincount(arrays.codes[column][mask], minlength=len(arrays.vocab[column]))
        facets[name] = {arrays.vocab[column][i]: int(c) for i, c in enumerate(counts)
                        if c and arrays.vocab[column][i]}
    facets["status"] = {key: int(np.count_nonzero(status_mask(view, now_ts, key) & mask))
                        for key in STATUS_GROUPS}
    facets["deadline"] = {key: int(np.count_nonzero(m & mask))
                          for key, m in deadline_masks(view, now_ts).items()}
    for name in ("status", "deadline"):
        facets[name] = {k: v for k, v in facets[name].items() if v}
    return facets


def _order(view: IndexView, docs: np.ndarray, scores: np.ndarray, sort: str) -> np.ndarray:
    """`docs` in result order: by a field, or by score; newest first among equals."""
    published = view.arrays.numbers["published"][docs]
    if sort in SORTS:         # equals: best score, then the later indexed (newer) first
        name, reverse = SORTS[sort]
        values = view.arrays.numbers[name][docs]
        primary = -values if reverse else values
        return docs[np.lexsort((-docs, -scores, primary))]
    return docs[np.lexsort((-docs, -published, -scores))]


def _top(docs: np.ndarray, scores: np.ndarray, count: int):
    """The `count` best-scored docs (unordered), cheaper than sorting them all."""
    if len(docs) <= count:
        return docs, scores
    picked = np.argpartition(-scores, count - 1)[:count]
    return docs[picked], scores[picked]


def verify(view: IndexView, plan: Plan, docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Scores of the best candidates after reading their text: a required Chinese word that
    is there only as scattered bigrams (碳化 … 化硅, not 碳化硅) or as a near match whose parts
    are far apart counts half."""
    groups = [g for g in plan.required if any(a.grams for a in g.alternatives)]
    if not groups:
        return scores
    adjusted = scores.copy()
    for position, docnum in enumerate(docs):
        text = view.folded_text(docnum)
        loose = sum(1 for g in groups if not _exact_somewhere(g, text))
        if loose:
            adjusted[position] *= 1.0 - 0.5 * loose / len(plan.required)
    return adjusted


def _exact_somewhere(group: Group, text: str) -> bool:
    for alt in group.alternatives:
        if not alt.grams:
            return True            # an English alternative was matched word for word
        if analysis.fold(alt.text).replace(" ", "") in text.replace(" ", ""):
            return True
        if alt.near and _near_in(alt, text):
            return True
    return False


def _near_in(alt: Alternative, text: str, gap: int = 4) -> bool:
    """The parts of the word, in order, each at most `gap` characters after the last."""
    parts = [analysis.fold(part) for part in alt.near]
    start = text.find(parts[0])
    while start >= 0:
        end, ok = start + len(parts[0]), True
        for part in parts[1:]:
            at = text.find(part, end)
            if at < 0 or at - end > gap:
                ok = False
                break
            end = at + len(part)
        if ok:
            return True
        start = text.find(parts[0], start + 1)
    return False


def evaluate(view: IndexView, plan: Plan | None, filters: Filters, *, sort: str = "relevance",
             page: int = 1, pagelen: int = 10, facets: bool = True, now_ts: int = 0,
             partial: bool = True) -> Ranked:
    """Run a plan (None: every need) over the view."""
    allowed = filter_mask(view, filters, now_ts)
    terms = _Terms(view)
    required = plan.required if plan else []
    exact_count = np.zeros(view.n, dtype=np.int16)     # required groups with the words
    found_count = np.zeros(view.n, dtype=np.int16)     # … with the words or related ones
    total = np.zeros(view.n, dtype=np.float32)
    found_by_group, missing = [], []
    for index, group in enumerate(plan.groups if plan else []):
        exact, found, score = _group(terms, group, view)
        found_by_group.append(found)
        if group.required:
            exact_count += exact
            found_count += found
            total += score
            if not found.any():
                missing.append(index)
        else:
            total += score * OPTIONAL_FACTOR
    if not plan:
        strict_mask, partial_mask = allowed, np.zeros(view.n, dtype=bool)
    elif plan.mode == "any":
        strict_mask = allowed & (found_count > 0)
        partial_mask = np.zeros(view.n, dtype=bool)
    else:
        # needs with every word first; then needs with every word or a related one, then
        # needs with some (not for a field order, when needs with every word exist)
        strict_mask = allowed & (exact_count == len(required))
        partial_mask = allowed & (found_count > 0) & ~strict_mask
        if not partial or (strict_mask.any() and sort in SORTS):
            partial_mask[:] = False
    strict_docs = np.flatnonzero(strict_mask)
    partial_docs = np.flatnonzero(partial_mask)
    wanted = page * pagelen
    ordered = _ordered(view, plan, strict_docs, total, sort, wanted)
    if len(ordered) < wanted and len(partial_docs):
        keys = (found_count[partial_docs] * (len(required) + 1)
                + exact_count[partial_docs]).astype(np.float32)
        rest = _ordered(view, plan, partial_docs, total, sort, wanted - len(ordered), keys)
        ordered = np.concatenate([ordered, rest])
    page_docs = ordered[(page - 1) * pagelen:wanted]
    facet_mask = strict_mask if strict_docs.size else partial_mask
    return Ranked(
        strict=int(strict_docs.size), partial=int(partial_docs.size), docs=page_docs,
        scores=total[page_docs] if plan and sort not in SORTS else np.zeros(len(page_docs)),
        groups_found=[[i for i, found in enumerate(found_by_group) if found[d]]
                      for d in page_docs],
        page_start=(page - 1) * pagelen,
        facets=count_facets(view, facet_mask, now_ts) if facets else {},
        missing=missing)


def _ordered(view, plan, docs, total, sort, wanted, keys=None) -> np.ndarray:
    """The first `wanted` of `docs` in result order."""
    if not len(docs) or wanted <= 0:
        return docs[:0]
    scores = total[docs]
    if sort in SORTS or not plan:
        return _order(view, docs, scores, sort if sort in SORTS else "newest")[:wanted]
    if keys is not None:          # partial: most groups first, then score
        top, combined = _top(docs, keys * 1e6 + scores, wanted)
        published = view.arrays.numbers["published"][top]
        return top[np.lexsort((-published, -combined))][:wanted]
    top, top_scores = _top(docs, scores, max(wanted, VERIFY))
    best = np.argsort(-top_scores, kind="stable")[:VERIFY]
    checked = verify(view, plan, top[best], top_scores[best])
    top_scores = top_scores.copy()
    top_scores[best] = checked
    total[top] = top_scores
    return _order(view, top, top_scores, "relevance")[:wanted]
