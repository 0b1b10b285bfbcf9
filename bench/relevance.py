"""The relevance suite: needs and queries written outside the team, judged by recall@10, MRR
and nDCG@10, and classification top-1/top-3 on the same needs.

bench/data/relevance/<half>/needs.jsonl   {"id", "title", "description", "chain", "lang"}
bench/data/relevance/<half>/queries.jsonl {"id", "query", "relevant": [need ids], "kind"}

The suite was written in two independent halves by writers who never saw the code or the
taxonomy's keywords; one half (chosen by a coin, once) is the development half, the other is
held out: it is never read while tuning, only measured. Each half is self-contained: its
queries are judged against its own needs, which are imported through the product's own
import (`challenges import`, so classification and indexing run as in production) and
searched through the product's own search (`search query --json`), whatever the backend.

recall@10 is capped: relevant needs found in the first ten / min(relevant needs, 10).
"""
from __future__ import annotations

import json
import math
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent / "data" / "relevance"
HALVES = ("dev", "heldout")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_half(half: str) -> tuple[list[dict], list[dict]]:
    return read_jsonl(HERE / half / "needs.jsonl"), read_jsonl(HERE / half / "queries.jsonl")


def import_needs(needs: list[dict]) -> None:
    """Import the needs through the product's import (inside an app context), committed."""
    from marketplace.challenges import io as needs_io
    from marketplace.extensions import db
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "needs.jsonl"
        path.write_text("\n".join(json.dumps({"id": n["id"], "title": n["title"],
                                              "description": n["description"]},
                                             ensure_ascii=False) for n in needs),
                        encoding="utf-8")
        needs_io.import_needs(path)
        db.session.commit()


def scores(ranked: list[str], relevant: set[str], k: int = 10) -> dict[str, float]:
    top = ranked[:k]
    found = [i for i, ref in enumerate(top) if ref in relevant]
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return {"recall@10": len(found) / min(len(relevant), k),
            "mrr": 1 / (found[0] + 1) if found else 0.0,
            "ndcg@10": sum(1 / math.log2(i + 2) for i in found) / ideal}


def search_queries(queries: list[dict], search) -> dict:
    """`search(text) -> [need ids]`, best first. Means overall and per kind, and the misses
    (query, relevant needs not in the first ten)."""
    totals: dict[str, list[dict]] = defaultdict(list)
    misses, first = [], {}
    for query in queries:
        relevant = set(query["relevant"])
        ranked = search(query["query"])
        result = scores(ranked, relevant)
        first[query["id"]] = next((i + 1 for i, ref in enumerate(ranked) if ref in relevant), 0)
        totals["all"].append(result)
        totals[query.get("kind", "other")].append(result)
        lost = sorted(relevant - set(ranked[:10]))
        if lost:
            misses.append({"id": query["id"], "query": query["query"], "missing": lost,
                           "ranked": ranked[:10]})
    report = {kind: {metric: round(sum(r[metric] for r in results) / len(results), 4)
                     for metric in ("recall@10", "mrr", "ndcg@10")} | {"queries": len(results)}
              for kind, results in sorted(totals.items())}
    return {"search": report, "misses": misses, "first_relevant": first}


def classification(needs: list[dict], model) -> dict:
    top1 = top3 = 0
    wrong = []
    for need in needs:
        ids = [s.chain_id for s in model.classify(need["title"], need["description"])]
        top1 += ids[:1] == [need["chain"]]
        top3 += need["chain"] in ids[:3]
        if ids[:1] != [need["chain"]]:
            wrong.append({"id": need["id"], "chain": need["chain"], "got": ids[:3]})
    return {"needs": len(needs), "top1": round(top1 / len(needs), 4),
            "top3": round(top3 / len(needs), 4), "wrong": wrong}


def evaluate_loaded(needs: list[dict], queries: list[dict]) -> dict:
    """With the half's needs imported into the current app: search and classification."""
    from marketplace.search.service import query_json
    from marketplace.taxonomy.queries import classifier
    result = search_queries(queries, lambda text: [h["id"] for h in query_json(text, 10)])
    result["classification"] = classification(needs, classifier())
    return result


def evaluate(half: str, database_url: str | None = None) -> dict:
    """A fresh app and data dir (SQLite, or `database_url`), the default taxonomy, the half's
    needs imported, then every query and every need's classification."""
    from marketplace import create_app
    from marketplace.core import migrate
    from marketplace.search import dictionary, sync
    from marketplace.taxonomy.operations import load_default_if_missing
    from marketplace.extensions import db
    needs, queries = load_half(half)
    with tempfile.TemporaryDirectory(prefix=f"relevance-{half}-") as directory:
        app = create_app({"DATA_DIR": directory, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": database_url
                          or f"sqlite:///{directory}/relevance.sqlite3"})
        with app.app_context():
            migrate.upgrade()
            dictionary.build(directory)
            load_default_if_missing()
            db.session.commit()
            import_needs(needs)
            sync.apply_pending(app)
            result = evaluate_loaded(needs, queries)
            db.session.remove()
            db.engine.dispose()
    return result


def summary(result: dict) -> dict:
    """What `make bench` prints: the overall figures, per kind, and classification."""
    return {"search": result["search"],
            "classification": {k: v for k, v in result["classification"].items()
                               if k != "wrong"},
            "missed_queries": len(result["misses"])}
