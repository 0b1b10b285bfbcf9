"""Read helpers: the active taxonomy, its cached classifier and bilingual pairs, map figures."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .classifier import ChainTerms, Classifier, default_examples
from .models import Chain, Cluster, NeedChain, SynonymSet, TaxonomyVersion

# a suggestion with at least this share of the evidence is one of the need's chains (search
# facets, the need page); weaker ones are left out
STRONG_CHAIN_SCORE = 0.2
_cache: dict[str, object] = {}
_lock = threading.Lock()


def active_version() -> TaxonomyVersion | None:
    return db.session.scalar(select(TaxonomyVersion).where(TaxonomyVersion.active.is_(True)))


@dataclass
class Snapshot:
    """The taxonomy as plain data, shared by the classifier, the analyzer and the search."""

    key: str
    chains: list[ChainTerms]
    classifier: Classifier
    pairs: list[tuple[str, str]]
    cluster_of: dict[str, str]
    synonyms: list[list[str]]        # search-only sets (spelling variants, glossary)


def _version_key() -> str | None:
    row = db.session.execute(select(TaxonomyVersion.id, TaxonomyVersion.sha256).where(
        TaxonomyVersion.active.is_(True))).first()
    return f"{row.id}:{row.sha256}" if row else None


def snapshot() -> Snapshot | None:
    """The active taxonomy, rebuilt only when another version was imported (by any process)."""
    key = _version_key()
    if key is None:
        return None
    cached = _cache.get("snapshot")
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        chains = []
        for chain in db.session.scalars(select(Chain).join(Cluster).order_by(
                Cluster.position, Chain.position)):
            chains.append(ChainTerms(
                id=chain.id, cluster_id=chain.cluster_id, name_zh=chain.name_zh,
                name_en=chain.name_en, terms_zh=chain.terms_zh, terms_en=chain.terms_en,
                pairs=[(k.term_zh, k.term_en) for k in chain.pairs],
                synonyms=[s.terms for s in chain.synonym_sets]))
        pairs = sorted({pair for chain in chains for pair in chain.pairs}
                       | {(c.name_zh, c.name_en) for c in chains})
        general = [s.terms for s in db.session.scalars(select(SynonymSet).where(
            SynonymSet.chain_id.is_(None)).order_by(SynonymSet.position))]
        result = Snapshot(key=key, chains=chains,
                          classifier=Classifier(chains, default_examples()), pairs=pairs,
                          cluster_of={c.id: c.cluster_id for c in chains}, synonyms=general)
        _cache["snapshot"] = result
        return result


def classifier() -> Classifier | None:
    current = snapshot()
    return current.classifier if current else None


def clusters_with_chains() -> list[Cluster]:
    return db.session.scalars(select(Cluster).order_by(Cluster.position).options(
        selectinload(Cluster.chains))).unique().all()


def chain_choices() -> list[tuple[Chain, Cluster]]:
    """Every chain with its cluster, in taxonomy order."""
    return db.session.execute(select(Chain, Cluster).join(Cluster).order_by(
        Cluster.position, Chain.position)).all()


def need_chains(need_id: int) -> list[NeedChain]:
    return db.session.scalars(select(NeedChain).where(NeedChain.challenge_id == need_id)
                              .order_by(NeedChain.rank)).all()


def effective_chain_column():
    """A need's chain for maps and facets: the owner's confirmed one, else the best guess."""
    best = select(NeedChain.chain_id).where(
        NeedChain.challenge_id == Challenge.id, NeedChain.rank == 1).scalar_subquery()
    return func.coalesce(Challenge.primary_chain_id, best)


@dataclass
class ChainFigures:
    open_needs: int = 0
    budget_wan: Decimal = Decimal(0)


def industry_map_figures() -> dict[str, ChainFigures]:
    """Open needs (published, deadline ahead) and their total budget, per chain."""
    chain = effective_chain_column().label("chain_id")
    rows = db.session.execute(
        select(chain, func.count(Challenge.id), func.coalesce(func.sum(Challenge.budget_wan), 0))
        .where(Challenge.status == NeedStatus.published,
               or_(Challenge.deadline.is_(None), and_(Challenge.deadline > utcnow())))
        .group_by(chain)).all()
    return {chain_id: ChainFigures(count, Decimal(total)) for chain_id, count, total in rows
            if chain_id}
