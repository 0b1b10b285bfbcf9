"""The same corpus and queries on SQLite FTS5, for comparison.

FTS5 gets the same terms as the Whoosh index (analysis.py: Chinese character bigrams and
single characters, stemmed English words), space-separated, and the same query plans: AND
over required groups, OR over alternatives, AND over an alternative's terms; bm25 ranks.
"""
from __future__ import annotations

import sqlite3
import time

from marketplace.core import text as analysis
from marketplace.search.plan import Plan


def terms(text: str) -> str:
    return " ".join(analysis.grams(text) + analysis.words(text))


def build(path: str, documents) -> tuple[sqlite3.Connection, int, float]:
    conn = sqlite3.connect(path)
    conn.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE needs (id INTEGER PRIMARY KEY, ref TEXT, title TEXT, body TEXT, chain TEXT,
            cluster TEXT, status TEXT, budget_band TEXT, budget INTEGER, deadline INTEGER,
            published INTEGER);
        CREATE VIRTUAL TABLE needs_fts USING fts5(title, body, content='',
            tokenize='unicode61');
        CREATE INDEX ix_needs_chain ON needs(chain);
    """)
    started, count = time.perf_counter(), 0
    for count, doc in enumerate(documents, start=1):
        title = "\n".join(filter(None, [doc["title_zh"], doc["title_en"]]))
        body = "\n".join(filter(None, [doc["text_zh"], doc["text_en"]]))
        conn.execute("INSERT INTO needs VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            count, doc["ref"], title, body, doc["chain"], doc["cluster"],
            doc["status"], doc["budget_band"], doc["budget"], doc["deadline"], doc["published"]))
        conn.execute("INSERT INTO needs_fts(rowid, title, body) VALUES (?,?,?)",
                     (count, terms(title), terms(body)))
    conn.commit()
    return conn, count, time.perf_counter() - started


def match_expression(plan: Plan) -> str:
    clauses = []
    for group in plan.required:
        options = []
        for alt in group.alternatives:
            tokens = ['"' + t.replace('"', "") + '"' for t in alt.terms]
            if tokens:
                options.append("(" + " AND ".join(tokens) + ")")
        if options:
            clauses.append("(" + " OR ".join(options) + ")")
    return " AND ".join(clauses)


def search(conn: sqlite3.Connection, expression: str, now_ts: int, facets: bool,
           highlights: bool) -> tuple[int, list]:
    rows = conn.execute(
        "SELECT rowid, bm25(needs_fts, 3.0, 1.0) FROM needs_fts "
        "WHERE needs_fts MATCH ? ORDER BY bm25(needs_fts, 3.0, 1.0) LIMIT 10",
        (expression,)).fetchall()
    if highlights:   # the text comes from the content table (contentless FTS)
        ids = [row[0] for row in rows]
        conn.execute(f"SELECT title, body FROM needs WHERE id IN ({','.join('?' * len(ids))})",
                     ids).fetchall()
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
