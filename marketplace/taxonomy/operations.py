"""The write path of the taxonomy: import a version, classify needs, confirm a primary chain.

Operations flush and never commit.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import lazyload, selectinload

from marketplace.challenges.models import Challenge
from marketplace.extensions import db

from . import events
from .classifier import Suggestion
from .models import Chain, Cluster, Keyword, NeedChain, SynonymSet, TaxonomyVersion
from .queries import active_version, classifier

DEFAULT_FILE = Path(__file__).parent / "data" / "taxonomy-1030.yaml"
STORED_SUGGESTIONS = 5


class TaxonomyInvalid(ValueError):
    """The YAML document does not describe a taxonomy we can load."""


def _text_id(value, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise TaxonomyInvalid(f"{what} lacks 'id'")
    text = str(value).strip()
    if any(ch.isspace() for ch in text):
        raise TaxonomyInvalid(f"{what}: id {text!r} contains a space")
    return text


def _check_names(item: dict, what: str) -> None:
    for key in ("zh", "en"):
        value = item.get(key)
        if isinstance(value, (dict, list)):
            raise TaxonomyInvalid(f"{what}: {key!r} must be text")
        if not str(value or "").strip():
            raise TaxonomyInvalid(f"{what} lacks {key!r}")


def _check_keywords(chain_id: str, words) -> None:
    """keywords: {pairs: [{zh, en}…], zh: [terms…], en: [terms…]}, each part optional."""
    if words is None:
        return
    if not isinstance(words, dict):
        raise TaxonomyInvalid(f"keywords of {chain_id} must be a mapping")
    unknown = sorted(set(map(str, words)) - {"pairs", "zh", "en", "synonyms"})
    if unknown:
        raise TaxonomyInvalid(f"keywords of {chain_id}: unknown key {unknown[0]!r} "
                              "(expected pairs, zh, en, synonyms)")
    _check_synonyms(words.get("synonyms"), f"keywords.synonyms of {chain_id}")
    pairs = words.get("pairs")
    if pairs is not None and not isinstance(pairs, list):
        raise TaxonomyInvalid(f"keywords.pairs of {chain_id} must be a list of "
                              f"{{zh, en}} mappings, not {type(pairs).__name__}")
    for number, pair in enumerate(pairs or [], start=1):
        if not isinstance(pair, dict):
            raise TaxonomyInvalid(f"keywords.pairs of {chain_id}: entry {number} must be a "
                                  f"mapping with zh and en, not {pair!r}")
        for key in ("zh", "en"):
            if isinstance(pair.get(key), (dict, list)):
                raise TaxonomyInvalid(f"keywords.pairs of {chain_id}: entry {number}: "
                                      f"{key!r} must be text")
    for language in ("zh", "en"):
        terms = words.get(language)
        if terms is not None and not isinstance(terms, list):
            raise TaxonomyInvalid(f"keywords.{language} of {chain_id} must be a list of terms, "
                                  f"not {type(terms).__name__}")
        for term in terms or []:
            if isinstance(term, (dict, list)):
                raise TaxonomyInvalid(f"keywords.{language} of {chain_id}: {term!r} is not "
                                      "a term")


def _check_synonyms(sets, what: str) -> None:
    """synonyms: a list of sets, each a list of two or more terms."""
    if sets is None:
        return
    if not isinstance(sets, list):
        raise TaxonomyInvalid(f"{what} must be a list of term lists, not "
                              f"{type(sets).__name__}")
    for number, terms in enumerate(sets, start=1):
        if not isinstance(terms, list) or any(isinstance(t, (dict, list)) for t in terms):
            raise TaxonomyInvalid(f"{what}: entry {number} must be a list of terms, "
                                  f"not {terms!r}")
        if len({str(t).strip() for t in terms if str(t or "").strip()}) < 2:
            raise TaxonomyInvalid(f"{what}: entry {number} needs two or more terms")
        if any("\n" in str(t) for t in terms):
            raise TaxonomyInvalid(f"{what}: entry {number}: a term is one line")


def parse_document(text: str) -> dict:
    """The YAML document, its shape checked; every message names the cluster or chain."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)   # libyaml: 20× faster
    except yaml.YAMLError as exc:
        raise TaxonomyInvalid(f"not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("clusters"), list):
        raise TaxonomyInvalid("the document needs a list of clusters")
    _check_synonyms(data.get("synonyms"), "synonyms")
    seen: set[str] = set()
    clusters: set[str] = set()
    for number, cluster in enumerate(data["clusters"], start=1):
        if not isinstance(cluster, dict):
            raise TaxonomyInvalid(f"cluster {number} must be a mapping, not {cluster!r}")
        cluster["id"] = _text_id(cluster.get("id"), f"cluster {number}")
        _check_names(cluster, f"cluster {cluster['id']}")
        if cluster["id"] in clusters:
            raise TaxonomyInvalid(f"id {cluster['id']!r} is used twice")
        clusters.add(cluster["id"])
        chains = cluster.get("chains") or []
        if not isinstance(chains, list):
            raise TaxonomyInvalid(f"chains of {cluster['id']} must be a list")
        for chain_number, chain in enumerate(chains, start=1):
            if not isinstance(chain, dict):
                raise TaxonomyInvalid(f"chain {chain_number} of {cluster['id']} must be a "
                                      f"mapping, not {chain!r}")
            chain["id"] = _text_id(chain.get("id"), f"chain {chain_number} of {cluster['id']}")
            _check_names(chain, f"chain {chain['id']} of {cluster['id']}")
            if chain["id"] in seen or chain["id"] == cluster["id"]:
                raise TaxonomyInvalid(f"id {chain['id']!r} is used twice")
            seen.add(chain["id"])
            _check_keywords(chain["id"], chain.get("keywords"))
    if not seen:
        raise TaxonomyInvalid("the taxonomy has no chains")
    return data


def _keywords(chain: dict) -> list[Keyword]:
    words = chain.get("keywords") or {}
    rows, seen = [], set()
    for pair in words.get("pairs") or []:
        row = (str(pair.get("zh") or "").strip() or None, str(pair.get("en") or "").strip() or None)
        if any(row) and row not in seen:
            seen.add(row)
            rows.append(Keyword(term_zh=row[0], term_en=row[1]))
    for language in ("zh", "en"):
        for term in words.get(language) or []:
            term = str(term).strip()
            row = (term, None) if language == "zh" else (None, term)
            if term and row not in seen:
                seen.add(row)
                rows.append(Keyword(term_zh=row[0], term_en=row[1]))
    return rows


def _synonym_sets(sets, chain_id: str | None = None) -> list[SynonymSet]:
    rows, seen = [], set()
    for terms in sets or []:
        unique = list(dict.fromkeys(str(t).strip()[:120] for t in terms if str(t or "").strip()))
        key = tuple(sorted(t.lower() for t in unique))
        if len(unique) >= 2 and key not in seen:
            seen.add(key)
            rows.append(SynonymSet(chain_id=chain_id, position=len(rows),
                                   terms_text="\n".join(unique)))
    return rows


def _delete_synonyms(chain_id: str | None) -> None:
    for row in db.session.scalars(select(SynonymSet).where(
            SynonymSet.chain_id.is_(None) if chain_id is None
            else SynonymSet.chain_id == chain_id)):
        db.session.delete(row)
    db.session.flush()


def import_taxonomy(text: str, source: str, actor=None) -> TaxonomyVersion:
    """Replace the taxonomy with the document's; chains keep their ids, so owners' confirmed
    primary chains stay unless the chain is gone. Every need is classified again."""
    data = parse_document(text)
    clusters = {c.id: c for c in db.session.scalars(select(Cluster))}
    chains = {c.id: c for c in db.session.scalars(select(Chain))}
    wanted_chains: set[str] = set()
    for position, item in enumerate(data["clusters"]):
        cluster = clusters.pop(item["id"], None) or Cluster(id=item["id"])
        cluster.position, cluster.name_zh, cluster.name_en = position, item["zh"], item["en"]
        db.session.add(cluster)
        for chain_position, chain_item in enumerate(item.get("chains") or []):
            chain = chains.get(chain_item["id"]) or Chain(id=chain_item["id"])
            chain.cluster = cluster
            chain.position, chain.name_zh, chain.name_en = (
                chain_position, chain_item["zh"], chain_item["en"])
            chain.keywords = _keywords(chain_item)
            chain.synonym_sets = _synonym_sets((chain_item.get("keywords") or {})
                                               .get("synonyms"))
            db.session.add(chain)
            wanted_chains.add(chain.id)
    _delete_synonyms(None)
    db.session.add_all(_synonym_sets(data.get("synonyms")))
    db.session.flush()
    removed = sorted(set(chains) - wanted_chains)
    removed_names = [{"zh": chains[chain_id].name_zh, "en": chains[chain_id].name_en}
                     for chain_id in removed]
    for chain_id in removed:
        db.session.execute(Challenge.__table__.update().where(
            Challenge.primary_chain_id == chain_id).values(primary_chain_id=None))
        db.session.delete(chains[chain_id])
    for cluster in clusters.values():
        db.session.delete(cluster)
    db.session.flush()
    version = _record_version(text, source, data, actor)
    classify_all()
    # chains, clusters and the words the index segments by changed: every searchable need is
    # indexed again, through the outbox, in this transaction
    from marketplace.search.sync import enqueue_public_needs
    db.session.flush()
    enqueue_public_needs(db.session)
    events.taxonomy_imported.send(version, actor=actor, removed_chains=removed_names)
    return version


def _record_version(text: str, source: str, data: dict, actor) -> TaxonomyVersion:
    db.session.execute(TaxonomyVersion.__table__.update().values(active=False))
    number = (db.session.scalar(select(func.max(TaxonomyVersion.number))) or 0) + 1
    version = TaxonomyVersion(
        number=number, label=str(data.get("version") or "")[:120] or None, source=source[:255],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), document=text, active=True,
        loaded_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    return version


def load_default_if_missing() -> TaxonomyVersion | None:
    """What `setup` does: the shipped taxonomy, unless one is loaded already; and a newer
    shipped taxonomy (more keywords, synonym sets) when the active one is an older shipped
    one, unchanged since. A taxonomy the office imported or edited is never replaced."""
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    active = active_version()
    if active is None:
        return import_taxonomy(text, DEFAULT_FILE.name)
    shipped = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if active.source == DEFAULT_FILE.name and active.loaded_by_id is None \
            and active.sha256 != shipped:
        return import_taxonomy(text, DEFAULT_FILE.name)
    return None


def need_text(need: Challenge) -> tuple[str, str]:
    """Title and body of a need as the classifier reads them (both languages)."""
    title = " ".join(filter(None, [need.title_zh, need.title_en]))
    body = " ".join(filter(None, [
        need.summary_zh, need.summary_en, need.description_zh, need.description_en,
        *(f"{row.name} {row.name_en or ''}" for row in need.indicators)]))
    return title, body


def classify_need(need: Challenge) -> list[Suggestion]:
    """Compute and store the need's ranked chains; called whenever a need is saved."""
    return _classify(need)[0]


def classify_new_needs(needs: list[Challenge]) -> None:
    """Classify needs that have no classification yet (just created), in one flush."""
    model = classifier()
    if model is None:
        return
    rows = []
    for need in needs:
        for rank, suggestion in enumerate(model.classify(*need_text(need),
                                                         limit=STORED_SUGGESTIONS), start=1):
            rows.append(NeedChain(challenge_id=need.id, chain_id=suggestion.chain_id,
                                  score=suggestion.score, rank=rank))
    db.session.add_all(rows)
    db.session.flush()


def _same(stored: list[tuple[str, float]], suggestions: list[Suggestion]) -> bool:
    return len(stored) == len(suggestions) and all(
        chain_id == s.chain_id and abs(float(score) - s.score) < 1e-9
        for (chain_id, score), s in zip(stored, suggestions))


def _classify(need: Challenge) -> tuple[list[Suggestion], bool]:
    """(suggestions, whether the stored classification changed). Unchanged rows are left
    alone; changed ones are replaced through the session, so the search index's flush hook
    sees them (a need whose chains all disappear is re-indexed too)."""
    model = classifier()
    suggestions = model.classify(*need_text(need), limit=STORED_SUGGESTIONS) if model else []
    if need.id is None:
        db.session.flush()
    stored = db.session.execute(select(NeedChain.chain_id, NeedChain.score).where(
        NeedChain.challenge_id == need.id).order_by(NeedChain.rank)).all()
    if _same(stored, suggestions):
        return suggestions, False
    for row in db.session.scalars(select(NeedChain).where(NeedChain.challenge_id == need.id)
                                  .options(lazyload(NeedChain.chain))):
        db.session.delete(row)
    db.session.flush()
    for rank, suggestion in enumerate(suggestions, start=1):
        db.session.add(NeedChain(challenge_id=need.id, chain_id=suggestion.chain_id,
                                 score=suggestion.score, rank=rank))
    db.session.flush()
    return suggestions, True


RECLASSIFY_BATCH = 1000


def chains_removed_by(text: str) -> list[Chain]:
    """The chains the document would remove (their needs lose a confirmed chain), in order."""
    data = parse_document(text)
    kept = {chain["id"] for cluster in data["clusters"] for chain in cluster.get("chains") or []}
    return [chain for chain in db.session.scalars(select(Chain).order_by(Chain.position))
            if chain.id not in kept]


def needs_to_classify() -> int:
    """How many needs an import classifies again (all of them)."""
    return db.session.scalar(select(func.count(Challenge.id))) or 0


def classify_all(only_unclassified: bool = False) -> int:
    """Classify needs again (only those without a classification, if asked); returns how
    many needs' classification changed (a need that still matches no chain does not count).
    In batches: the needs with their indicators and stored chains in three queries, the
    changed ones replaced with two bulk statements and queued for the search index (a
    taxonomy import of 5,000 needs took 18 s need by need through the session, 5 s so)."""
    from marketplace.search.sync import enqueue
    model = classifier()
    query = select(Challenge.id).order_by(Challenge.id)
    if only_unclassified:
        query = query.where(~select(NeedChain.id).where(
            NeedChain.challenge_id == Challenge.id).exists())
    ids = list(db.session.scalars(query))
    db.session.flush()
    changed_total = 0
    for start in range(0, len(ids), RECLASSIFY_BATCH):
        chunk = ids[start:start + RECLASSIFY_BATCH]
        needs = db.session.scalars(select(Challenge).where(Challenge.id.in_(chunk))
                                   .options(selectinload(Challenge.indicators))).all()
        stored: dict[int, list[tuple[str, float]]] = {}
        for row in db.session.execute(select(NeedChain.challenge_id, NeedChain.chain_id,
                                             NeedChain.score).where(
                NeedChain.challenge_id.in_(chunk)).order_by(NeedChain.rank)):
            stored.setdefault(row.challenge_id, []).append((row.chain_id, row.score))
        changed, rows = [], []
        for need in needs:
            suggestions = model.classify(*need_text(need), limit=STORED_SUGGESTIONS) \
                if model else []
            if _same(stored.get(need.id, []), suggestions):
                continue
            changed.append(need.id)
            rows += [{"challenge_id": need.id, "chain_id": s.chain_id, "score": s.score,
                      "rank": rank} for rank, s in enumerate(suggestions, start=1)]
        if changed:
            db.session.execute(delete(NeedChain).where(NeedChain.challenge_id.in_(changed)))
            if rows:
                db.session.execute(insert(NeedChain), rows)
            enqueue(db.session, changed)
            changed_total += len(changed)
        db.session.expire_all()
    return changed_total


def export_document() -> dict:
    clusters = db.session.scalars(select(Cluster).order_by(Cluster.position)).all()
    version = active_version()
    general = db.session.scalars(select(SynonymSet).where(SynonymSet.chain_id.is_(None))
                                 .order_by(SynonymSet.position)).all()
    return {
        "version": (version.label or version.number) if version else 1,
        "synonyms": [s.terms for s in general],
        "clusters": [{
            "id": cluster.id, "zh": cluster.name_zh, "en": cluster.name_en,
            "chains": [{
                "id": chain.id, "zh": chain.name_zh, "en": chain.name_en,
                "keywords": {
                    "pairs": [{"zh": k.term_zh, "en": k.term_en} for k in chain.pairs],
                    "zh": chain.terms_zh, "en": chain.terms_en,
                    "synonyms": [s.terms for s in chain.synonym_sets]},
            } for chain in cluster.chains],
        } for cluster in clusters],
    }


SEPARATORS = re.compile(r"\s*[,，、|;；]\s*")


class SynonymLineInvalid(TaxonomyInvalid):
    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line, self.problem = line, problem


def parse_synonym_lines(text: str) -> list[list[str]]:
    """What an admin types: one set per line, terms separated by commas (，、| too).
    Raises SynonymLineInvalid (problem "too_few" or "too_long") naming the line."""
    sets = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        terms = [t.strip() for t in SEPARATORS.split(line) if t.strip()]
        if not terms:
            continue
        unique = list(dict.fromkeys(terms))
        if len(unique) < 2:
            raise SynonymLineInvalid(number, "too_few")
        if any(len(t) > 120 for t in unique):
            raise SynonymLineInvalid(number, "too_long")
        sets.append(unique)
    return sets


def save_synonyms(chain_id: str | None, sets: list[list[str]], actor) -> TaxonomyVersion:
    """Replace the synonym sets of one chain (or, with None, the search-only sets) and record
    the result as a new taxonomy version. Search uses them at once; classification of needs
    saved from now on too (`taxonomy reclassify` applies a chain's sets to every need)."""
    if chain_id is not None and db.session.get(Chain, chain_id) is None:
        raise TaxonomyInvalid(f"no chain {chain_id!r}")
    _delete_synonyms(chain_id)
    db.session.add_all(_synonym_sets(sets, chain_id))
    db.session.flush()
    db.session.expire_all()
    document = export_document()
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    source = f"synonyms of {chain_id or 'search'} edited by {getattr(actor, 'email', 'admin')}"
    return _record_version(text, source, document, actor)
