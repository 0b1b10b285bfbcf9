"""`make bench`: search relevance on the outside-written suite (development and held-out
halves), index build rate, query latency (Whoosh and SQLite FTS5 side by side),
commit-to-searchable delay, classification throughput and accuracy → bench/results.json.

    python -m bench.run [--size 10000|100000] [--repeat 3] [--skip-fts] [--output FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import corpus, examples, fts5, relevance
from marketplace.search import engine, index_view
from marketplace.search.lexicon import Lexicon
from marketplace.search.service import SearchParams, read_query, run_search
from marketplace.taxonomy.classifier import Classifier, Example, default_examples

HERE = Path(__file__).parent
EVAL_FILE = HERE / "data" / "classification_eval.jsonl"
# written later, without looking at the keyword lists, and never used to tune them
HELDOUT_FILE = HERE / "data" / "classification_heldout.jsonl"
MODES = {"plain": (False, False), "facets": (True, False), "facets_highlights": (True, True)}


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000, 2)
    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": round(statistics.mean(ordered) * 1000, 2), "n": len(ordered)}


def _labelled(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _accuracy(model: Classifier, records: list[dict]) -> tuple[float, float]:
    top1 = top3 = 0
    for record in records:
        ids = [s.chain_id for s in model.classify(record["title"], record["description"])]
        top1 += ids[:1] == [record["chain"]]
        top3 += record["chain"] in ids[:3]
    return round(top1 / len(records), 4), round(top3 / len(records), 4)


def bench_classification(chains) -> dict:
    """Accuracy on needs the classifier did not learn from: the held-out set, and each
    development set classified with the examples of the other sets only (leave one set
    out; the shipped examples are exactly the development sets). Keyword evidence alone
    beside it, and the throughput."""
    model = Classifier(chains, default_examples())
    heldout = _labelled(HELDOUT_FILE)
    heldout_top1, heldout_top3 = _accuracy(model, heldout)
    sets = {path: _labelled(path) for path in examples.DEVELOPMENT_SETS}
    cross, keywords_only, right, count = {}, {}, 0, 0
    plain_model = Classifier(chains)
    for path, records in sets.items():
        learnt = [Example(r["chain"], r["title"], r["description"])
                  for other, rows in sets.items() if other != path for r in rows]
        top1, top3 = _accuracy(Classifier(chains, learnt), records)
        name = f"{path.parent.name}/{path.stem}" if path.stem == "needs" else path.stem
        cross[name] = {"needs": len(records), "top1": top1, "top3": top3}
        keywords_only[name] = _accuracy(plain_model, records)[0]
        right, count = right + round(top1 * len(records)), count + len(records)
    records = sets[EVAL_FILE]
    rounds, timed = 20, time.perf_counter()
    for _ in range(rounds):
        for record in records:
            model.classify(record["title"], record["description"])
    elapsed = time.perf_counter() - timed
    return {"examples": len(default_examples()),
            "needs_per_second": round(rounds * len(records) / elapsed, 1),
            "heldout": {"needs": len(heldout), "top1": heldout_top1, "top3": heldout_top3},
            "development_leave_one_set_out": {"needs": count, "top1": round(right / count, 4),
                                              "sets": cross},
            "development_keywords_only_top1": keywords_only}


def bench_whoosh_queries(index_dir: str, expansion: Lexicon, repeat: int) -> dict:
    now_ts = corpus.BASE_TS
    result = {}
    for mode, (facets, highlights) in MODES.items():
        for text in corpus.QUERIES:           # warm caches (a server is warm too)
            run_search(index_dir, expansion, SearchParams(q=text), facets=facets,
                       highlights=highlights, now_ts=now_ts, spelling=False)
        samples, hits = [], {}
        for _ in range(repeat):
            for text in corpus.QUERIES:
                started = time.perf_counter()
                found = run_search(index_dir, expansion, SearchParams(q=text), facets=facets,
                                   highlights=highlights, now_ts=now_ts, spelling=False)
                samples.append(time.perf_counter() - started)
                hits[text] = found.total
        result[mode] = {**percentiles(samples), "hits": hits}
    return result


def bench_fts5(directory: str, size: int, expansion: Lexicon, repeat: int) -> dict:
    conn, count, seconds = fts5.build(os.path.join(directory, "fts.sqlite3"),
                                      corpus.generate(size))
    result = {"documents": count, "build_seconds": round(seconds, 2),
              "build_docs_per_second": round(count / seconds, 1)}
    for mode, (facets, highlights) in MODES.items():
        expressions = {t: fts5.match_expression(read_query(t, expansion))
                       for t in corpus.QUERIES}
        for text in corpus.QUERIES:
            fts5.search(conn, expressions[text], corpus.BASE_TS, facets, highlights)
        samples, hits = [], {}
        for _ in range(repeat):
            for text in corpus.QUERIES:
                started = time.perf_counter()
                total, _rows = fts5.search(conn, expressions[text], corpus.BASE_TS, facets,
                                           highlights)
                samples.append(time.perf_counter() - started)
                hits[text] = total
        result[mode] = {**percentiles(samples), "hits": hits}
    conn.close()
    return result


def make_app(directory: str, index_dir: str):
    """The real app on a scratch SQLite database, writing to the benchmark index. Created at
    the start so that every module is imported before the long index build."""
    from marketplace import create_app
    data_dir = os.path.join(directory, "app")
    return create_app({"DATA_DIR": data_dir, "INDEX_DIR": index_dir, "SECRET_KEY": "bench",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})


def bench_commit_to_searchable(app, index_dir: str, rounds: int = 5) -> dict:
    """Through the real write path: a need published and committed in the app, then polled
    for in the (large) benchmark index."""
    from marketplace.challenges.models import NeedStatus
    from marketplace.core import migrate
    from marketplace.extensions import db
    from tests import factories
    from tests.search.helpers import load_taxonomy

    delays = []
    with app.test_request_context():
        migrate.upgrade()
        load_taxonomy()
        people = factories.people()
        db.session.commit()
        for number in range(rounds):
            need = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                                  title_zh=f"提交即检索测试{number}号需求")
            started = time.perf_counter()
            db.session.commit()
            while True:
                if engine.has_document(index_dir, str(need.id)):
                    break
                if time.perf_counter() - started > 30:
                    raise RuntimeError("need not searchable after 30 s")
                time.sleep(0.005)
            delays.append(time.perf_counter() - started)
        db.session.remove()
    return {**percentiles(delays), "max_ms": round(max(delays) * 1000, 2)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--procs", type=int, default=1, help="Whoosh writer processes")
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    from marketplace.search.lexicon import segmenter
    segmenter().initialize()
    chains = corpus.load_chains()
    from marketplace.search import dictionary
    dictionary_dir = tempfile.mkdtemp(prefix="bench-dictionary-")
    dictionary.build(dictionary_dir)
    expansion = Lexicon([list(p) for c in chains for p in c.pairs]
                        + [s for c in chains for s in c.synonyms] + corpus.load_synonyms()
                        + [[c.name_zh, c.name_en] for c in chains],
                        [(c.id, c.name_zh, c.name_en) for c in chains],
                        dictionary=dictionary.for_data_dir(dictionary_dir))

    report = {"size": args.size, "repeat": args.repeat, "queries": corpus.QUERIES,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()}}
    print("relevance suite (development and held-out halves) …", file=sys.stderr)
    report["relevance"] = {half: relevance.evaluate(half) for half in relevance.HALVES
                           if (relevance.HERE / half / "queries.jsonl").exists()}
    print("classification …", file=sys.stderr)
    report["classification"] = bench_classification(chains)
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        index_dir = os.path.join(directory, "index")
        app = make_app(directory, index_dir)
        print(f"building the Whoosh index of {args.size} needs …", file=sys.stderr)
        started = time.perf_counter()
        engine.rebuild(index_dir, corpus.generate(args.size), procs=args.procs)
        seconds = time.perf_counter() - started
        index_view.warm(index_dir)
        report["whoosh"] = {"build_seconds": round(seconds, 2), "procs": args.procs,
                            "build_docs_per_second": round(args.size / seconds, 1)}
        print("Whoosh queries …", file=sys.stderr)
        report["whoosh"].update(bench_whoosh_queries(index_dir, expansion, args.repeat))
        print("commit to searchable …", file=sys.stderr)
        report["commit_to_searchable"] = bench_commit_to_searchable(app, index_dir)
        if not args.skip_fts:
            print("SQLite FTS5 …", file=sys.stderr)
            report["fts5"] = bench_fts5(directory, args.size, expansion, args.repeat)
    report["targets"] = {"plain_p95_ms": 20, "facets_highlights_p95_ms": 40,
                         "commit_to_searchable_ms": 1000, "heldout_recall@10": 0.95,
                         "heldout_top1": 0.95, "heldout_top3": 0.99}
    report["notes"] = NOTES
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
    summary = {"relevance": {half: relevance.summary(result)
                             for half, result in report["relevance"].items()},
               "classification": report["classification"],
               **{f"whoosh_{m}_p95_ms": report["whoosh"][m]["p95_ms"] for m in MODES},
               **({f"fts5_{m}_p95_ms": report["fts5"][m]["p95_ms"] for m in MODES}
                  if "fts5" in report else {}),
               "commit_to_searchable_p95_ms": report["commit_to_searchable"]["p95_ms"],
               "build_docs_per_second": report["whoosh"]["build_docs_per_second"]}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return report


NOTES = [   # what was tried, with what it gave (details in README, "Accuracy and speed")
    "classification v1, one regular expression over all keywords: top-1 0.887, top-3 0.933, "
    "2 needs/s; v2, Chinese substring + stemmed English word n-gram lookup with partial "
    "credit for words of multi-word terms: top-1 0.987, top-3 1.000, ~4,000 needs/s; v3 adds "
    "each chain's vocabulary profile (bigram/word cosine): relevance-suite dev top-1 0.935 → "
    "0.951",
    "facets v1, Whoosh groupedby: 10k facets p95 364 ms; v2, columns per segment: 18 ms",
    "a searcher kept per process and refresh()ed: 100k plain p95 61 ms, facets+highlights "
    "101 ms",
    "v4: Whoosh stores, NumPy matches/scores/counts over cached postings: 100k plain p95 "
    "9.5 ms, facets+highlights 17 ms",
    "relevance (dev half): jieba words 0.70 recall@10; character bigrams 0.84; chain-keyword "
    "groups 0.93; extended pairs, synonym sets and glossary 0.98",
]

if __name__ == "__main__":
    main()
