"""A deterministic synthetic corpus of needs, written from the taxonomy's own keywords.

Each need belongs to one chain: its title and description draw on that chain's keywords (in
Chinese, and for a third of the needs in English too), mixed with a few keywords of other
chains and with the boilerplate enterprises write. The same seed gives the same corpus.
"""
from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal

import yaml

from marketplace.search import engine
from marketplace.search.documents import budget_band
from marketplace.taxonomy.classifier import ChainTerms
from marketplace.taxonomy.operations import DEFAULT_FILE

FILLER_ZH = ["目前该环节主要依赖进口，供应链风险突出。", "公司已建成中试线，但良率与一致性不足。",
             "需求方可提供应用场景、测试平台与首批订单。", "要求完成样机研制并通过第三方检测。",
             "项目成果需在需求方产线完成验证并实现批量应用。", "揭榜方应具备相关领域研发基础和工程化能力。",
             "关键指标需达到国际先进水平。", "鼓励产学研联合体揭榜攻关。"]
FILLER_EN = ["The component is mostly imported today, a supply-chain risk.",
             "We run a pilot line but yield and consistency fall short.",
             "The owner provides the application scenario, a test bench and the first order.",
             "A prototype must pass third-party testing.",
             "Results must be validated on the owner's line and go into volume use.",
             "Key indicators must reach the international state of the art."]
TITLE_ZH = ["{a}{b}关键技术研发", "高性能{a}研制与产业化", "面向{b}的{a}国产化攻关",
            "{a}核心工艺开发", "新一代{a}及{b}系统集成"]
TITLE_EN = ["Development of {a} for {b}", "High-performance {a}", "Domestic {a} and {b}",
            "Process development for {a}"]
STATUSES = ["published"] * 8 + ["closed", "under_review", "awarded", "not_awarded"]
BASE_TS = 1_790_000_000          # a fixed "now" for the corpus (late 2026)


def load_chains() -> list[ChainTerms]:
    data = yaml.load(DEFAULT_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    chains = []
    for cluster in data["clusters"]:
        for chain in cluster["chains"]:
            words = chain.get("keywords") or {}
            chains.append(ChainTerms(
                id=chain["id"], cluster_id=cluster["id"], name_zh=chain["zh"], name_en=chain["en"],
                terms_zh=list(words.get("zh") or []), terms_en=list(words.get("en") or []),
                pairs=[(p["zh"], p["en"]) for p in words.get("pairs") or []],
                synonyms=[list(map(str, s)) for s in words.get("synonyms") or []]))
    return chains


def load_synonyms() -> list[list[str]]:
    data = yaml.load(DEFAULT_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return [list(map(str, s)) for s in data.get("synonyms") or []]


def _zh_terms(chain: ChainTerms) -> list[str]:
    return [zh for zh, _en in chain.pairs] + chain.terms_zh


def _en_terms(chain: ChainTerms) -> list[str]:
    return [en for _zh, en in chain.pairs] + chain.terms_en


def generate(size: int, seed: int = 20261124):
    """Yield `size` documents for the index (the FTS5 comparison reads the same ones)."""
    rng = random.Random(seed)
    chains = load_chains()
    cluster_of = {c.id: c.cluster_id for c in chains}
    for number in range(size):
        chain = rng.choice(chains)
        other = rng.choice(chains)
        zh, en = _zh_terms(chain), _en_terms(chain)
        a, b = rng.sample(zh, 2)
        title = rng.choice(TITLE_ZH).format(a=a, b=b)
        english = rng.random() < 0.35
        if english:
            title += "\n" + rng.choice(TITLE_EN).format(a=rng.choice(en), b=rng.choice(en))
        sentences = [f"本需求聚焦{rng.choice(zh)}、{rng.choice(zh)}与{rng.choice(zh)}。",
                     f"涉及{rng.choice(_zh_terms(other))}等配套环节。",
                     *rng.sample(FILLER_ZH, 3),
                     f"技术指标：{rng.choice(zh)}性能提升{rng.randint(10, 60)}%，"
                     f"{rng.choice(zh)}成本降低{rng.randint(10, 40)}%。"]
        if english:
            sentences += [f"We need {rng.choice(en)} with {rng.choice(en)} and "
                          f"{rng.choice(en)}.", *rng.sample(FILLER_EN, 2)]
        body = "".join(sentences[:6])
        body_en = "".join(sentences[6:])
        budget = Decimal(rng.choice([300, 800, 1500, 3000, 6000, 12000, 30000]))
        status = rng.choice(STATUSES)
        deadline = BASE_TS + rng.randint(-30, 180) * 86400
        title_zh, _nl, title_en = title.partition("\n")
        document = {
            "id": f"b{number}", "ref": f"BENCH-{number:06d}",
            **engine.analysed(title, body + "\n" + body_en),
            "title_zh": title_zh, "title_en": title_en, "text_zh": body, "text_en": body_en,
            "chain": chain.id,
            "chains": chain.id, "cluster": cluster_of[chain.id], "status": status,
            "budget_band": budget_band(budget), "budget": int(budget * 100),
            "deadline": deadline, "published": BASE_TS - rng.randint(0, 365) * 86400,
        }
        document["stamp"] = hashlib.sha1(json.dumps(document, sort_keys=True).encode()).hexdigest()
        yield document


QUERIES = ["碳化硅", "silicon carbide epitaxy", "人形机器人 关节", "光刻胶", "固态电池",
           "humanoid robot", "lithium battery", "GaN", "CAR-T", "工业软件 MES", "储能 电池管理",
           "激光雷达", "OLED 显示面板", "光模块", "无人机", "氢燃料电池", "mRNA vaccine",
           "碳纤维 复合材料", "机器视觉", "高温合金"]
