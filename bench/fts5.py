"""The same corpus and queries on SQLite FTS5, for comparison.

Chinese has no spaces, so text is segmented with the same jieba "search" mode as the Whoosh
index and stored space-separated; FTS5's porter + unicode61 tokenizer does the rest. Queries
use the same expansion groups: AND over groups, OR over alternatives, a phrase per alternative.
"""
from __future__ import annotations

import sqlite3
import time

import jieba

from marketplace.search.engine import STOP_WORDS


def segment(text: str, mode: str = "search") -> str:
    words = (w for w, _s, _e in jieba.tokenize(text, mode=mode))
    return " ".join(w.lower() for w in words if w.strip() and w.lower() not in STOP_WORDS)


def build(path: str, documents) -> tuple[sqlite3.Connection, int, float]:
    conn = sqlite3.connect(path)
    conn.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE needs (id INTEGER PRIMARY KEY, ref TEXT, title TEXT, body TEXT, chain TEXT,
            cluster TEXT, status TEXT, budget_band TEXT, budget INTEGER, deadline INTEGER,
            published INTEGER);
        CREATE VIRTUAL TABLE needs_fts USING fts5(title, body, content='',
            tokenize='porter unicode61');
        CREATE INDEX ix_needs_chain ON needs(chain);
    """)
    started, count = time.perf_counter(), 0
    for count, doc in enumerate(documents, start=1):
        conn.execute("INSERT INTO needs VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            count, doc["ref"], doc["title"], doc["body"], doc["chain"], doc["cluster"],
            doc["status"], doc["budget_band"], doc["budget"], doc["deadline"], doc["published"]))
        conn.execute("INSERT INTO needs_fts(rowid, title, body) VALUES (?,?,?)",
                     (count, segment(doc["title"]), segment(doc["body"])))
    conn.commit()
    return conn, count, time.perf_counter() - started


def match_expression(groups: list[list[str]]) -> str:
    clauses = []
    for alternatives in groups:
        options = []
        for text in alternatives:
            tokens = [t.replace('"', "") for t in segment(text, "default").split()]
            if tokens:
                options.append('"' + " ".join(tokens) + '"')
        if options:
            clauses.append("(" + " OR ".join(options) + ")")
    return " AND ".join(clauses)


def search(conn: sqlite3.Connection, expression: str, now_ts: int, facets: bool,
           highlights: bool) -> tuple[int, list]:
    snippet = ", snippet(needs_fts, 1, '<mark>', '</mark>', '…', 24)" if highlights else ""
    rows = conn.execute(
        f"SELECT rowid, bm25(needs_fts, 3.0, 1.0){snippet} FROM needs_fts "
        "WHERE needs_fts MATCH ? ORDER BY bm25(needs_fts, 3.0, 1.0) LIMIT 10",
        (expression,)).fetchall()
    if highlights:   # the title comes from the content table (contentless FTS)
        ids = [row[0] for row in rows]
        conn.execute(f"SELECT title FROM needs WHERE id IN ({','.join('?' * len(ids))})", ids)
    if not facets:
        return len(rows), rows
    matched = "SELECT rowid FROM needs_fts WHERE needs_fts MATCH ?"
    total = conn.execute(f"SELECT count(*) FROM ({matched})", (expression,)).fetchone()[0]
    for column in ("chain", "cluster", "budget_band"):
        conn.execute(f"SELECT {column}, count(*) FROM needs WHERE id IN ({matched}) "
                     f"GROUP BY {column}", (expression,)).fetchall()
    conn.execute(
        "SELECT sum(status='published' AND deadline>?), sum(status='closed' OR "
        "(status='published' AND deadline<=?)), sum(deadline BETWEEN ? AND ?), "
        "sum(deadline BETWEEN ? AND ?) FROM needs WHERE id IN (" + matched + ")",
        (now_ts, now_ts, now_ts, now_ts + 7 * 86400, now_ts, now_ts + 30 * 86400,
         expression)).fetchone()
    return total, rows
