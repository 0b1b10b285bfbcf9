"""The index never breaks whatever is in the database, and odd queries and a missing or
corrupt index give clear answers (QA findings 1, 9, 10, 11, 28, 29, 30)."""
from __future__ import annotations

import gc
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from marketplace.extensions import db
from marketplace.search import documents, engine, sync
from marketplace.search.service import SearchParams, query_json, search_needs
from tests.search.helpers import BATTERY, ROBOT, SIC, publish, waiting

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def _titles(text: str) -> list[str]:
    return [hit["title"] for hit in query_json(text, 50)]


def _unapplied() -> int:
    return waiting()


# -- values that do not fit the index's fields (finding 1) ----------------------------------
def test_numbers_are_clamped_into_the_index_fields(ctx, people, taxonomy):
    need = publish(people, **SIC)
    with db.session.no_autoflush:                    # never written: any database
        for budget, band in ((Decimal("1e30"), "ge10000"), (Decimal("NaN"), "none"),
                             (Decimal("Infinity"), "none"), (1e30, "ge10000")):
            need.budget_wan = budget
            document = documents.need_document(need, [], {})
            engine.check_document(document)          # fits every field
            assert document["budget_band"] == band
            assert -1 <= document["budget"] <= engine.NUMBER_MAX
    db.session.rollback()


@pytest.mark.skipif(POSTGRES, reason="PostgreSQL's numeric(14,2) cannot hold 1e30 at all")
def test_a_huge_budget_in_the_database_is_indexed_and_sorts_first(ctx, people, taxonomy, runner):
    huge = publish(people, **SIC)
    huge.budget_wan = Decimal("1e30")                # what SQLite accepted from an import
    db.session.commit()
    other = publish(people, **{**SIC, "title_zh": "碳化硅外延片"})
    assert _unapplied() == 0
    hits = search_needs(SearchParams(q="碳化硅", sort="budget")).hits
    assert [int(h.id) for h in hits] == [huge.id, other.id]
    for args in (["search", "verify"], ["search", "sync"], ["search", "rebuild"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)


def _poison(monkeypatch, title: str, check: bool = True) -> None:
    """Make the document of the need titled `title` unindexable (a value out of range); with
    check=False the check is skipped too, so Whoosh fails half way through the document."""
    original = documents.need_document

    def need_document(need, ranked, clusters):
        document = original(need, ranked, clusters)
        if need.title_zh == title:
            document["budget"] = 10 ** 30
        return document
    monkeypatch.setattr(documents, "need_document", need_document)
    if not check:
        real_check = engine.check_document
        monkeypatch.setattr(engine, "check_document", lambda document: None if document[
            "title_zh"].startswith(title) else real_check(document))


@pytest.mark.parametrize("check", [True, False], ids=["rejected", "failed-half-way"])
def test_a_need_that_cannot_be_indexed_does_not_block_the_others(ctx, people, taxonomy, runner,
                                                                 monkeypatch, app, check):
    _poison(monkeypatch, "毒药碳化硅", check)
    bad = publish(people, **{**SIC, "title_zh": "毒药碳化硅", "description_zh": "毒药专有词"})
    good = publish(people, **ROBOT)
    later = publish(people, **BATTERY)
    assert _titles("人形机器人") == [ROBOT["title_zh"]]
    assert _titles("固态电池") == [BATTERY["title_en"]]
    assert _titles("毒药专有词") == []            # nothing of it reached the index (no ghost
    assert _unapplied() == 1                      # postings on the next document either)
    label = f"{bad.ref} ({bad.id})"

    verify = runner.invoke(args=["search", "verify"])
    # (a failure that no check foresees shows as missing: verify only builds documents)
    assert verify.exit_code == 1 and "Traceback" not in verify.output
    assert (f"cannot be indexed: {label}" if check else f"missing: 1: {label}") in verify.stdout
    synced = runner.invoke(args=["search", "sync"])
    assert synced.exit_code == 1 and label in synced.stderr and "Traceback" not in synced.output
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 1 and "Indexed 2 needs" in rebuilt.stdout
    assert label in rebuilt.stderr
    with app.app_context():
        sync.replay_on_start()                    # start-up never raises
    assert {int(h.id) for h in search_needs(SearchParams()).hits} == {good.id, later.id}

    monkeypatch.undo()                            # the data is corrected: the outbox catches up
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert _unapplied() == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert _titles("毒药专有词") == ["毒药碳化硅"]


def test_setup_builds_the_index_around_a_need_that_cannot_be_indexed(runner, app, people,
                                                                     taxonomy, monkeypatch):
    _poison(monkeypatch, "毒药碳化硅")
    with app.app_context():
        publish(people, **{**SIC, "title_zh": "毒药碳化硅"})
        publish(people, **ROBOT)
        engine.clear(app.config["INDEX_DIR"])
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "cannot be indexed" in result.stderr and "Traceback" not in result.output
    with app.app_context():
        assert engine.doc_count(app.config["INDEX_DIR"]) == 1


# -- queries (findings 9, 10, 11) -----------------------------------------------------------
def test_very_long_queries_are_cut_not_crashed(ctx, people, taxonomy, runner, client):
    publish(people, **SIC)
    long_mixed = "碳化硅 silicon carbide 外延 " * 500                      # ~11,500 characters
    assert _titles(long_mixed) == [SIC["title_zh"]]
    free = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000))  # no keyword at all
    for text in (free, "x " * 3000, "碳化硅" * 1000, "a-b/c " * 2000):
        query_json(text, 10)
        search_needs(SearchParams(q=text))
    result = runner.invoke(args=["search", "query", long_mixed, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["title"] == SIC["title_zh"]
    assert client.get("/search", query_string={"q": long_mixed}).status_code == 200


def test_blank_text_is_a_usage_error_and_words_that_are_not_searchable_find_nothing(
        ctx, people, taxonomy, runner, client):
    publish(people, **SIC)
    publish(people, **ROBOT)
    for blank in ("", "   "):
        result = runner.invoke(args=["search", "query", blank, "--json"])
        assert result.exit_code == 2 and "TEXT is empty" in result.stderr
    for text in ("!!!", "，。、？", "*", "?", "-", "🚀", "the"):
        result = runner.invoke(args=["search", "query", text, "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout) == [], text
        results = search_needs(SearchParams(q=text))
        assert results.total == 0 and results.unsearchable, text
    page = client.get("/search?q=!!!").get_data(as_text=True)
    assert "has no words to search for" in page and ROBOT["title_zh"] not in page
    assert "No needs match" not in page
    # an empty box still lists every need on the web page (browsing)
    assert ROBOT["title_zh"] in client.get("/search?q=").get_data(as_text=True)


def test_scores_are_relevance_never_sort_keys(ctx, people, taxonomy):
    publish(people, **SIC)
    publish(people, **{**SIC, "title_zh": "碳化硅外延片"})
    for sort in ("newest", "budget", "deadline"):
        assert all(h.score == 0.0 for h in search_needs(SearchParams(sort=sort)).hits)
    hits = query_json("碳化硅", 10)
    assert hits and all(isinstance(h["score"], float) and 0 < h["score"] < 2 ** 53
                        for h in hits)


# -- a missing or unreadable index (finding 30) ---------------------------------------------
def test_a_missing_index_is_reported_not_silently_empty(runner, app, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
    shutil.rmtree(app.config["INDEX_DIR"])
    for args in (["search", "query", "碳化硅", "--json"], ["search", "verify"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert "index is missing" in result.stderr and "search rebuild" in result.stderr
        assert result.stdout == ""
    assert not Path(app.config["INDEX_DIR"], "current").exists()   # reading created nothing
    orphan = Path(app.config["INDEX_DIR"], "gen-20200101000000-orphan")  # left by a crash
    orphan.mkdir(parents=True)
    os.utime(orphan, (0, 0))
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert not orphan.exists()
    assert [p.name for p in Path(app.config["INDEX_DIR"]).glob("gen-*")] == [
        os.readlink(Path(app.config["INDEX_DIR"], "current"))]


# Whoosh leaves the unreadable table of contents open; the file is closed when collected.
@pytest.mark.filterwarnings("ignore::ResourceWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupt_index_gives_one_line_and_rebuild_repairs_it(runner, app, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
    index_dir = Path(app.config["INDEX_DIR"])
    broken = index_dir / "gen-broken"
    shutil.copytree(index_dir / "current", broken)
    for toc in broken.glob("*.toc"):
        toc.write_bytes(b"this is not a table of contents")
    (index_dir / "current").unlink()
    os.symlink(broken.name, index_dir / "current")
    for args in (["search", "query", "碳化硅", "--json"], ["search", "verify"],
                 ["search", "sync"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
        assert "cannot be read" in result.stderr and "search rebuild" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        del result                                # (its traceback holds Whoosh's open file)
        gc.collect()
    page = app.test_client().get("/search?q=碳化硅")           # the web page says so too
    assert page.status_code == 503 and "Search is unavailable" in page.get_data(as_text=True)
    del page
    gc.collect()
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert json.loads(runner.invoke(args=["search", "query", "碳化硅", "--json"]).stdout)
    assert app.test_client().get("/search?q=碳化硅").status_code == 200
    assert not broken.exists()
    gc.collect()
