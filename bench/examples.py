"""Write the classifier's labelled examples (marketplace/taxonomy/data/examples-1030.jsonl)
from the development sets, so the product learns from them and never from the held-out half.

    python -m bench.examples           # rewrite the file (tests check it is current)
"""
from __future__ import annotations

import json
from pathlib import Path

from marketplace.taxonomy.classifier import EXAMPLES_FILE

HERE = Path(__file__).parent / "data"
# every set written for development; the held-out ones are deliberately absent
DEVELOPMENT_SETS = [HERE / "classification_eval.jsonl", HERE / "classification_dev2.jsonl",
                    HERE / "classification_dev3.jsonl", HERE / "classification_dev4.jsonl",
                    HERE / "classification_dev5.jsonl", HERE / "relevance" / "dev" / "needs.jsonl"]
HELD_OUT_SETS = [HERE / "classification_heldout.jsonl", HERE / "relevance" / "heldout" / "needs.jsonl"]


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def lines(sets: list[Path] = DEVELOPMENT_SETS) -> str:
    """The development needs, less the few whose title a held-out writer also chose (the
    same common topic written twice: learning its title would flatter the held-out score)."""
    held_out = {r["title"] for path in HELD_OUT_SETS for r in records(path)}
    rows = [{"chain": r["chain"], "title": r["title"], "description": r["description"]}
            for path in sets for r in records(path) if r["title"] not in held_out]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


if __name__ == "__main__":
    EXAMPLES_FILE.write_text(lines(), encoding="utf-8")
    print(f"wrote {EXAMPLES_FILE}")
