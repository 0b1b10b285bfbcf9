"""The taxonomy in the database: versions, clusters, chains, keywords; need classifications.

Chain and cluster ids are the stable string ids of the taxonomy file, so an owner's confirmed
primary chain survives the import of a new version that keeps the chain.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db


class TaxonomyVersion(db.Model):
    """One import of the taxonomy; the active one is what clusters and chains hold now.

    Older versions keep their whole YAML document, so an operator can see what changed.
    """

    __tablename__ = "taxonomy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Cluster(db.Model):
    """产业集群: an industrial cluster, e.g. 新一代信息技术."""

    __tablename__ = "taxonomy_clusters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200))

    chains: Mapped[list[Chain]] = relationship(
        back_populates="cluster", order_by="Chain.position", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class Chain(db.Model):
    """产业链: an industrial chain with its keywords, e.g. 宽禁带半导体."""

    __tablename__ = "taxonomy_chains"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_clusters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200))

    cluster: Mapped[Cluster] = relationship(back_populates="chains")
    keywords: Mapped[list[Keyword]] = relationship(
        back_populates="chain", order_by="Keyword.id", cascade="all, delete-orphan")
    synonym_sets: Mapped[list[SynonymSet]] = relationship(
        back_populates="chain", order_by="SynonymSet.position", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh

    @property
    def pairs(self) -> list[Keyword]:
        return [k for k in self.keywords if k.term_zh and k.term_en]

    @property
    def terms_zh(self) -> list[str]:
        return [k.term_zh for k in self.keywords if k.term_zh and not k.term_en]

    @property
    def terms_en(self) -> list[str]:
        return [k.term_en for k in self.keywords if k.term_en and not k.term_zh]


class Keyword(db.Model):
    """A keyword of a chain: a Chinese/English pair that translate each other, or one term."""

    __tablename__ = "taxonomy_keywords"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_chains.id", ondelete="CASCADE"), index=True)
    term_zh: Mapped[str | None] = mapped_column(String(120))
    term_en: Mapped[str | None] = mapped_column(String(120))

    chain: Mapped[Chain] = relationship(back_populates="keywords")

    __table_args__ = (
        CheckConstraint("term_zh IS NOT NULL OR term_en IS NOT NULL", name="has_term"),
    )


class SynonymSet(db.Model):
    """Terms that mean the same (扫描电镜 · 扫描电子显微镜 · SEM): a query for one finds the
    others. A chain's sets are also evidence for the chain when classifying; the sets without
    a chain (spelling variants, a general technical glossary) serve search only."""

    __tablename__ = "taxonomy_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomy_chains.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    terms_text: Mapped[str] = mapped_column(Text)      # one term per line

    chain: Mapped[Chain | None] = relationship(back_populates="synonym_sets")

    @property
    def terms(self) -> list[str]:
        return [t for t in self.terms_text.split("\n") if t]


class NeedChain(db.Model):
    """One entry of a need's ranked classification: chain, score (0..1), rank (1 = best)."""

    __tablename__ = "need_chains"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    chain_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_chains.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)

    chain: Mapped[Chain] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("challenge_id", "chain_id", name="uq_need_chains_challenge_chain"),
        UniqueConstraint("challenge_id", "rank", name="uq_need_chains_challenge_rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        CheckConstraint("score >= 0", name="score_not_negative"),
    )
