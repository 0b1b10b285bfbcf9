"""A need as the index sees it: plain text in both languages plus facet and sort values."""
from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

from marketplace.challenges.models import PUBLIC_STATES, Challenge
from marketplace.taxonomy.queries import STRONG_CHAIN_SCORE

from . import engine

BUDGET_BANDS = (("lt1000", Decimal(0), Decimal(1000)),
                ("1000-5000", Decimal(1000), Decimal(5000)),
                ("5000-10000", Decimal(5000), Decimal(10000)),
                ("ge10000", Decimal(10000), None))
_MARKUP = re.compile(r"(\*\*|__|`+|^#+\s*|^\s*[-*+]\s+|^\s*\d+\.\s+|\[|\]\([^)]*\))",
                     re.MULTILINE)


def plain(text: str | None) -> str:
    """Markdown source as readable text for snippets."""
    return _MARKUP.sub("", text or "").strip()


def budget_band(budget_wan: Decimal | None) -> str:
    if budget_wan is None or not Decimal(budget_wan).is_finite():
        return "none"
    for key, low, high in BUDGET_BANDS:
        if budget_wan >= low and (high is None or budget_wan < high):
            return key
    return "none"


def index_number(value: int) -> int:
    """A number clamped into what the index's numeric fields hold (64-bit): a budget of 1e30
    万元 sorts first among the largest instead of making the document unindexable."""
    return min(max(value, engine.NUMBER_MIN), engine.NUMBER_MAX)


def budget_cents(budget_wan: Decimal | None) -> int:
    """The budget for sorting: 万元 × 100, -1 when not stated (or not a number)."""
    if budget_wan is None or not Decimal(budget_wan).is_finite():
        return -1
    return index_number(max(int(Decimal(budget_wan) * 100), -1))


def _timestamp(moment, default: int) -> int:
    return index_number(int(moment.timestamp())) if moment else default


def is_searchable(need: Challenge | None) -> bool:
    """Only published needs and their later stages are searchable; drafts never are."""
    return need is not None and need.status in PUBLIC_STATES


def strong_chains(primary: str | None, ranked: list[tuple[str, float]]) -> list[str]:
    """The chains a need is matched by: the confirmed one, and suggestions among the first
    three with at least a fifth of the keyword evidence."""
    return list(dict.fromkeys([c for c in [primary, *(chain for chain, score in ranked[:3]
                                                      if score >= STRONG_CHAIN_SCORE)] if c]))


def _join(*parts) -> str:
    return "\n".join(filter(None, parts))


def need_texts(need: Challenge) -> tuple[str, str, str, str]:
    """(title, Chinese text, English text, more) of a need as the index sees them:
    summaries, descriptions and indicators in each language (what snippets are cut from),
    requirements where their language puts them; `more` (the owner's names) is searched
    but never shown as a snippet."""
    indicators_zh = " · ".join(" ".join(filter(None, [
        row.name, row.comparator.symbol, row.target_display, row.unit]))
        for row in need.indicators if row.name)
    indicators_en = " · ".join(" ".join(filter(None, [
        row.name_en, row.comparator.symbol, row.target_display, row.unit]))
        for row in need.indicators if row.name_en)
    requirements = plain(need.requirements)
    owner = need.organisation
    prose_zh = _join(plain(need.summary_zh), plain(need.description_zh))
    prose_en = _join(plain(need.summary_en), plain(need.description_en))
    requirements_zh = requirements if engine.has_cjk(requirements) else ""
    requirements_en = _join("" if requirements_zh else requirements,
                            plain(need.requirements_en))
    # a language the need is written in gets its indicators and requirements as well; the
    # rest is searched but not shown (English indicator names of a Chinese need)
    text_zh = _join(prose_zh, indicators_zh, requirements_zh) if prose_zh else ""
    text_en = _join(prose_en, indicators_en, requirements_en) if prose_en else ""
    more = _join(owner.name, owner.name_en if owner.name_en != owner.name else "",
                 "" if prose_zh else _join(indicators_zh, requirements_zh),
                 "" if prose_en else _join(indicators_en, requirements_en))
    return _join(need.title_zh, need.title_en), text_zh, text_en, more


def need_document(need: Challenge, ranked: list[tuple[str, float]], cluster_of: dict[str, str]
                  ) -> dict:
    """`ranked`: the need's classification, (chain id, score), best first."""
    chain = need.primary_chain_id or (ranked[0][0] if ranked else "")
    chains = strong_chains(need.primary_chain_id, ranked)
    title, text_zh, text_en, more = need_texts(need)
    document = {
        "id": str(need.id), "ref": need.ref or "",
        **engine.analysed(title, _join(text_zh, text_en, more)),
        "text_zh": text_zh, "text_en": text_en,
        "chain": chain, "chains": ",".join(chains), "cluster": cluster_of.get(chain, ""),
        "status": need.status.value, "budget_band": budget_band(need.budget_wan),
        "budget": budget_cents(need.budget_wan),
        "deadline": _timestamp(need.deadline, engine.NO_DEADLINE),
        "published": _timestamp(need.published_at, 0),
        "title_zh": need.title_zh or "", "title_en": need.title_en or "",
    }
    document["stamp"] = hashlib.sha1(json.dumps(document, sort_keys=True, ensure_ascii=False)
                                     .encode("utf-8")).hexdigest()
    return document
