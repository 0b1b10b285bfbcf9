"""Searching needs: read the query (lexicon.py), run it (ranking.py over the index), and
dress the hits: titles and snippets in the reader's language, "Did you mean".

Used by the search page, `flask --app wsgi search query`, matching and the benchmark.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from marketplace.core.types import utcnow
from marketplace.taxonomy.queries import snapshot

from marketplace.core import text as analysis

from . import dictionary, engine, index_view, ranking, snippets
from .lexicon import Lexicon
from .plan import Hit, Plan, Results

SORTS = ("relevance", "deadline", "budget", "newest")
STATUS_FACETS = ("open", "closed", "under_review", "awarded", "not_awarded")
DEADLINE_FACETS = ("7", "30", "90", "later")
MAX_PAGE = 500
# A query is cut to its first MAX_QUERY_CHARS characters before it is read, and at most
# lexicon.MAX_GROUPS of its words are searched.
MAX_QUERY_CHARS = 1000
_lexicons: dict[tuple, Lexicon] = {}


def lexicon_from(snap, general=None) -> Lexicon:
    """The lexicon of a taxonomy snapshot: pairs, synonym sets (a chain's and the search-only
    ones) and chain names; `general`: the general dictionary, if any."""
    if snap is None:
        return Lexicon([], dictionary=general)
    sets = [list(pair) for pair in snap.pairs]
    sets += [list(s) for chain in snap.chains for s in chain.synonyms]
    sets += [list(s) for s in snap.synonyms]
    return Lexicon(sets, [(c.id, c.name_zh, c.name_en) for c in snap.chains],
                   [(c.id, [*c.terms_zh, *c.terms_en, *(t for p in c.pairs for t in p),
                            *(t for s in c.synonyms for t in s)]) for c in snap.chains],
                   dictionary=general)


def lexicon() -> Lexicon:
    current = snapshot()
    key = current.key if current else ""
    general = dictionary.for_data_dir(current_app.config.get("DATA_DIR"))
    key = (key, id(general))
    if key not in _lexicons:
        _lexicons.clear()
        _lexicons[key] = lexicon_from(current, general)
    return _lexicons[key]


@dataclass
class SearchParams:
    q: str = ""
    cluster: str = ""
    chain: str = ""
    status: str = ""
    budget: str = ""
    deadline: str = ""
    sort: str = "relevance"
    page: int = 1
    filters: dict = field(default_factory=dict)

    FILTERS = ("cluster", "chain", "status", "budget", "deadline")

    @classmethod
    def from_args(cls, args) -> SearchParams:
        page = args.get("page", "1")
        params = cls(q=(args.get("q") or "").strip()[:200],
                     sort=args.get("sort") if args.get("sort") in SORTS else "relevance",
                     page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1)
        for name in cls.FILTERS:
            setattr(params, name, (args.get(name) or "").strip()[:64])
        return params

    def args(self, **changes) -> dict:
        values = {"q": self.q, "sort": self.sort, **{n: getattr(self, n) for n in self.FILTERS}}
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "relevance")}

    def ranking_filters(self) -> ranking.Filters:
        return ranking.Filters(cluster=self.cluster, chain=self.chain, budget=self.budget,
                               status=self.status if self.status in STATUS_FACETS else "",
                               deadline=self.deadline if self.deadline in DEADLINE_FACETS
                               else "")


def read_query(text: str, lex: Lexicon | None = None) -> Plan:
    return (lex or lexicon()).plan((text or "")[:MAX_QUERY_CHARS])


def search_needs(params: SearchParams, pagelen: int = 10, facets: bool = True,
                 highlights: bool = True, locale: str = "zh") -> Results:
    return run_search(current_app.config["INDEX_DIR"], lexicon(), params, pagelen=pagelen,
                      facets=facets, highlights=highlights, locale=locale)


def run_search(index_dir: str, lex: Lexicon, params: SearchParams, pagelen: int = 10,
               facets: bool = True, highlights: bool = True, now_ts: int | None = None,
               spelling: bool = True, locale: str = "zh") -> Results:
    """The search itself, without Flask (the benchmark calls it directly)."""
    now_ts = now_ts or int(utcnow().timestamp())
    plan = read_query(params.q, lex) if params.q else None
    if params.q and not plan:      # nothing to search for: no results, not every need
        return Results(total=0, hits=[], page=1, pages=0, unsearchable=True)
    sort = params.sort if params.q or params.sort != "relevance" else "newest"
    view = index_view.current_view(index_dir)
    ranked = ranking.evaluate(view, plan, params.ranking_filters(), sort=sort,
                              page=params.page, pagelen=pagelen, facets=facets, now_ts=now_ts)
    relaxed = bool(plan) and not ranked.strict and ranked.partial > 0
    total = ranked.partial if relaxed else ranked.strict
    listed = total + (0 if relaxed else ranked.partial)
    results = Results(total=total, hits=_hits(view, plan, ranked, highlights, locale),
                      page=params.page, pages=-(-listed // pagelen) if listed else 0,
                      facets=ranked.facets, relaxed=relaxed,
                      partial_total=0 if relaxed else ranked.partial,
                      missing=[plan.groups[i].label for i in ranked.missing] if plan else [])
    if spelling and plan and ranked.missing and not ranked.strict:
        results.suggestion = _suggestion(view, lex, params, plan, ranked, now_ts)
    return results


def search_plan(plan: Plan, filters: ranking.Filters, pagelen: int = 20) -> Results:
    """Run a plan made by the caller (matching: a profile's keywords and chains)."""
    view = index_view.current_view(current_app.config["INDEX_DIR"])
    ranked = ranking.evaluate(view, plan, filters, pagelen=pagelen, facets=False,
                              now_ts=int(utcnow().timestamp()), partial=False)
    return Results(total=ranked.strict, hits=_hits(view, plan, ranked, False, "zh"), page=1,
                   pages=1)


def open_filters() -> ranking.Filters:
    return ranking.Filters(status="open")


def _hits(view, plan: Plan | None, ranked: ranking.Ranked, highlights: bool,
          locale: str) -> list[Hit]:
    hits = []
    for position, docnum in enumerate(ranked.docs.tolist()):
        stored = view.stored(docnum)
        groups = ranked.groups_found[position]
        hits.append(Hit(
            id=stored["id"], ref=stored.get("ref") or None,
            title=stored.get("title_zh") or stored.get("title_en") or "",
            score=round(float(ranked.scores[position]), 4),
            snippet=snippet(stored, plan, locale) if highlights and plan else "",
            matched=[plan.groups[i].label for i in groups] if plan else [],
            title_zh=stored.get("title_zh") or "", title_en=stored.get("title_en") or "",
            chain=view.column_value("chain", docnum),
            partial=(ranked.strict > 0 and (ranked.page_start + position) >= ranked.strict)))
    return hits


def snippet(stored: dict, plan: Plan, locale: str) -> str:
    """Fragments of the need's text in the reader's language where it has text in that
    language (the query's words highlighted, or else its start), otherwise of its other
    language."""
    own, other = ("text_en", "text_zh") if locale == "en" else ("text_zh", "text_en")
    text = stored.get(own) or stored.get(other) or ""
    return snippets.highlight(text, plan) or snippets.lead(text)


def _suggestion(view, lex, params, plan, ranked, now_ts) -> str | None:
    """"Did you mean": only when no need has every word and a word found nothing; only
    English words are corrected, and only if the corrected query finds more needs."""
    output, changed = params.q, False
    searcher = view.searcher
    for index in ranked.missing:
        label = plan.groups[index].label
        for word in set(analysis.spelling_words(label)):
            if engine.has_word(searcher, word):
                continue
            option = engine.suggest(searcher, word)
            if option and option != word:
                output = _replace_word(output, word, option)
                changed = True
    if not changed:
        return None
    better = ranking.evaluate(view, read_query(output, lex), params.ranking_filters(),
                              page=1, pagelen=1, facets=False, now_ts=now_ts)
    return output if better.strict > ranked.strict else None


def _replace_word(text: str, word: str, replacement: str) -> str:
    import re
    return re.sub(rf"(?i)\b{re.escape(word)}\b", replacement, text)


def hit_title(hit: Hit, english: bool) -> str:
    """The need's title in the query's language when it has one: title_en for an English
    query, title_zh for a Chinese (or mixed) one; else the other."""
    first, second = (hit.title_en, hit.title_zh) if english else (hit.title_zh, hit.title_en)
    return first or second or hit.title.split("\n")[0]


def query_json(text: str, limit: int) -> list[dict]:
    """`flask --app wsgi search query TEXT --json`: ranked needs with ref, title (in the
    query's language) and relevance score; [] when TEXT has nothing to search for. Needs
    with every word come first, then needs with some of them."""
    if not text.strip():
        return []
    results = search_needs(SearchParams(q=text.strip()), pagelen=limit, facets=False,
                           highlights=False)
    english = not engine.has_cjk(text)
    return [{"id": hit.ref or hit.id, "title": hit_title(hit, english),
             "score": float(hit.score)} for hit in results.hits]
