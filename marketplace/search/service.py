"""Searching needs: query expansion through the taxonomy's bilingual pairs, filters, facets.

Used by the search page, `flask --app wsgi search query` and matching.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app

from marketplace.core.types import utcnow
from marketplace.taxonomy.classifier import english_words
from marketplace.taxonomy.queries import snapshot

from . import engine

SORTS = ("relevance", "deadline", "budget", "newest")
STATUS_FACETS = ("open", "closed", "under_review", "awarded", "not_awarded")
DEADLINE_FACETS = ("7", "30", "90", "later")
MAX_PAGE = 500
# A query is cut to its first MAX_QUERY_CHARS characters before it is split into words, and
# at most engine.MAX_QUERY_TERMS of its words are searched (Whoosh nests one matcher per
# word: thousands of them exhaust Python's recursion limit).
MAX_QUERY_CHARS = 1000
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff\s]+")
_expanders: dict[str, Expander] = {}


class Expander:
    """Maps a keyword (either language) to its translations through the taxonomy's pairs."""

    def __init__(self, pairs: list[tuple[str, str]],
                 chain_names: list[tuple[str, str, str]] = ()):
        # a chain's own name (氢能, "hydrogen energy") also finds the needs classified there
        self.chain_by_name = {}
        for chain_id, name_zh, name_en in chain_names:
            for name in (name_zh, name_en, name_en.split("(")[0], name_zh.split("（")[0]):
                key = name.strip().lower() if engine.has_cjk(name) else " ".join(
                    english_words(name))
                if key:
                    self.chain_by_name.setdefault(key, chain_id)
        zh_to_en: dict[str, set[str]] = defaultdict(set)
        en_to_zh: dict[str, set[str]] = defaultdict(set)
        for zh, en in pairs:
            zh_to_en[zh.lower()].add(en)
            en_to_zh[" ".join(english_words(en))].add(zh)
        self.zh = {zh: sorted(ens) for zh, ens in zh_to_en.items()}
        self.en = {}
        for key, zhs in en_to_zh.items():
            # one hop further: "silicon carbide" → 碳化硅 → SiC as well
            self.en[key] = sorted(zhs | {en for zh in zhs for en in zh_to_en[zh.lower()]})
        self.zh_max = max((len(k) for k in self.zh), default=0)

    def _chinese(self, run: str) -> list[list[str]]:
        groups, free, i = [], "", 0
        while i < len(run):
            for size in range(min(self.zh_max, len(run) - i), 1, -1):
                piece = run[i:i + size].lower()
                if piece in self.zh:
                    if free:
                        groups.append([free])
                        free = ""
                    groups.append([run[i:i + size], *self.zh[piece]])
                    i += size
                    break
            else:
                free += run[i]
                i += 1
        if free:
            groups.append([free])
        return groups

    def _english(self, words: list[str]) -> list[list[str]]:
        groups, i = [], 0
        keys = english_words(" ".join(words))
        if len(keys) != len(words):       # tokenisation differs (e.g. "2.5D"): no expansion
            return [[w] for w in words]
        while i < len(words):
            for size in range(min(6, len(words) - i), 0, -1):
                key = " ".join(keys[i:i + size])
                if key in self.en:
                    groups.append([" ".join(words[i:i + size]), *self.en[key]])
                    i += size
                    break
            else:
                groups.append([words[i]])
                i += 1
        return groups

    def chain_of(self, group: list[str]) -> str | None:
        """The chain a query group names, if its words are a chain's name."""
        text = group[0]
        key = text.lower() if engine.has_cjk(text) else " ".join(english_words(text))
        return self.chain_by_name.get(key)

    def groups(self, text: str) -> list[list[str]]:
        """The query as AND-groups of alternatives: "人形机器人 关节" → [[人形机器人,
        humanoid robot], [关节]]; "silicon carbide epitaxy" → [[silicon carbide, 碳化硅, SiC],
        [epitaxy, 外延]]."""
        groups, words = [], []
        for run in _CJK_RUN.findall(text or ""):
            if engine.has_cjk(run):
                groups += self._english(words)
                words = []
                groups += self._chinese(run)
            else:
                # "solid-state battery" must meet the pair "solid-state battery" word by word
                words += [w for w in re.split(r"[\s,;，；、]+|(?<=\w)[-/](?=\w)", run) if w]
        return groups + self._english(words)


def expander() -> Expander:
    current = snapshot()
    key = current.key if current else ""
    if key not in _expanders:
        _expanders.clear()
        _expanders[key] = Expander(current.pairs if current else [], [
            (c.id, c.name_zh, c.name_en) for c in current.chains] if current else [])
    return _expanders[key]


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


def status_queries(now_ts: int) -> dict:
    t, r = engine.term, engine.number_range
    return {
        "open": engine.all_of([t("status", "published"), r("deadline", now_ts + 1, None)]),
        "closed": engine.either([t("status", "closed"), engine.all_of(
            [t("status", "published"), r("deadline", None, now_ts)])]),
        "under_review": engine.either([t("status", "under_review"), t("status", "publicity")]),
        "awarded": engine.either([t("status", s) for s in ("awarded", "contracted", "accepted")]),
        "not_awarded": t("status", "not_awarded"),
    }


def deadline_queries(now_ts: int) -> dict:
    day = 86400
    r = engine.number_range
    return {"7": r("deadline", now_ts + 1, now_ts + 7 * day),
            "30": r("deadline", now_ts + 1, now_ts + 30 * day),
            "90": r("deadline", now_ts + 1, now_ts + 90 * day),
            "later": r("deadline", now_ts + 90 * day + 1, engine.NO_DEADLINE - 1)}


def status_keys(now_ts: int):
    """The status facet of one document (the same buckets as status_queries)."""
    groups = {"closed": "closed", "under_review": "under_review", "publicity": "under_review",
              "awarded": "awarded", "contracted": "awarded", "accepted": "awarded",
              "not_awarded": "not_awarded"}

    def keys(status: str, deadline: int) -> tuple[str, ...]:
        if status == "published":
            return ("open",) if deadline > now_ts else ("closed",)
        return (groups[status],) if status in groups else ()
    return keys


def deadline_keys(now_ts: int):
    """The deadline facet of one open document: every window its deadline falls in."""
    day = 86400

    def keys(status: str, deadline: int) -> tuple[str, ...]:
        if deadline <= now_ts or deadline >= engine.NO_DEADLINE:
            return ()
        ahead = deadline - now_ts
        found = tuple(key for key in ("7", "30", "90") if ahead <= int(key) * day)
        return found or ("later",)
    return keys


def build_query(text: str, expansion: Expander | None = None):
    query, groups, _chains = build_queries(text, expansion)
    return query, groups


def build_queries(text: str, expansion: Expander | None = None):
    """The query (every group), its groups, and the chain each group names. The query is
    None when the text has no word that can be searched for ("!!!", "，。", "🚀", "the")."""
    expansion = expansion or expander()
    groups = expansion.groups(text[:MAX_QUERY_CHARS])[:engine.MAX_QUERY_TERMS]
    chains = [expansion.chain_of(g) for g in groups]
    return engine.text_query(groups, chains), groups, chains


def search_needs(params: SearchParams, pagelen: int = 10, facets: bool = True,
                 highlights: bool = True) -> engine.Results:
    return run_search(current_app.config["INDEX_DIR"], expander(), params, pagelen=pagelen,
                      facets=facets, highlights=highlights)


def run_search(index_dir: str, expansion: Expander, params: SearchParams, pagelen: int = 10,
               facets: bool = True, highlights: bool = True, now_ts: int | None = None,
               spelling: bool = True) -> engine.Results:
    """The search itself, without Flask (the benchmark calls it directly)."""
    now_ts = now_ts or int(utcnow().timestamp())
    text_q, groups, chains = build_queries(params.q, expansion) if params.q else (None, [], [])
    if params.q and text_q is None:      # nothing to search for: no results, not every need
        return engine.Results(total=0, hits=[], page=1, pages=0, unsearchable=True)
    q = text_q or engine.every()
    statuses, deadlines = status_queries(now_ts), deadline_queries(now_ts)
    filters = [engine.term("cluster", params.cluster) if params.cluster else None,
               engine.term("chain", params.chain) if params.chain else None,
               engine.term("budget_band", params.budget) if params.budget else None,
               statuses.get(params.status), deadlines.get(params.deadline)]
    facet_specs = {"cluster": ("cluster", None), "chain": ("chain", None),
                   "budget": ("budget_band", None),
                   "status": (("status", "deadline"), status_keys(now_ts)),
                   "deadline": (("status", "deadline"), deadline_keys(now_ts))} if facets else None
    sort = params.sort if params.q or params.sort != "relevance" else "newest"
    def run(text_query):
        return engine.search(index_dir, text_query, filter_q=engine.all_of(filters), sort=sort,
                             page=params.page, pagelen=pagelen, facets=facet_specs,
                             highlight_fields=("body",) if highlights else ())
    results = run(q)
    if not results.total and len(groups) > 1:
        # no need has every word: show those with some of them, best first, and say so
        relaxed = run(engine.any_of(groups, chains))
        if relaxed.total:
            results, results.relaxed = relaxed, True
    if spelling and params.q and results.total < 3:
        results.suggestion = engine.suggest_spelling(index_dir, params.q)
    return results


def hit_title(hit: engine.Hit, english: bool) -> str:
    """The need's title in the query's language when it has one: title_en for an English
    query, title_zh for a Chinese (or mixed) one; else the other."""
    first, second = (hit.title_en, hit.title_zh) if english else (hit.title_zh, hit.title_en)
    return first or second or hit.title.split("\n")[0]


def query_words(text: str, expansion: Expander | None = None) -> set[str]:
    """Every analysed term the query searches for, translations included."""
    groups = (expansion or expander()).groups(text or "")
    return {token for group in groups for alternative in group
            for token in engine.analyze(alternative)}


def english_snippet(need, words: set[str]) -> str:
    """For English readers: the snippet from the need's English text when it has some."""
    from .documents import plain
    text = "\n".join(filter(None, [plain(need.summary_en), plain(need.description_en)]))
    return engine.snippet_of(text, words)


def query_json(text: str, limit: int) -> list[dict]:
    """`flask --app wsgi search query TEXT --json`: ranked needs with ref, title (in the
    query's language) and relevance score; [] when TEXT has nothing to search for."""
    if not text.strip():
        return []
    results = search_needs(SearchParams(q=text.strip()), pagelen=limit, facets=False,
                           highlights=False)
    english = not engine.has_cjk(text)
    return [{"id": hit.ref or hit.id, "title": hit_title(hit, english),
             "score": float(hit.score)} for hit in results.hits]


def open_filter(now=None):
    now_ts = int((now or utcnow()).timestamp())
    return status_queries(now_ts)["open"]

