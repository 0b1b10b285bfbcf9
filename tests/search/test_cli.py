"""The command-line contract: search query --json, rebuild, verify, sync."""
from __future__ import annotations

import json

from sqlalchemy import update

from marketplace.challenges.models import Challenge
from marketplace.extensions import db
from marketplace.search import engine
from tests.search.helpers import BATTERY, ROBOT, SIC, publish, waiting


def test_query_json_gives_ref_title_and_score_best_first(runner, app, people, taxonomy):
    with app.app_context():
        sic = publish(people, **SIC)
        publish(people, **ROBOT)
        publish(people, **BATTERY)
        db.session.execute(update(Challenge).where(Challenge.id == sic.id).values(ref="EXT-7"))
        db.session.commit()
        runner.invoke(args=["search", "rebuild"])
    result = runner.invoke(args=["search", "query", "silicon carbide", "--json", "--limit", "5"])
    assert result.exit_code == 0
    hits = json.loads(result.output)
    # the title in the query's language: English here, since the need has one
    assert hits[0]["id"] == "EXT-7" and hits[0]["title"] == SIC["title_en"]
    assert set(hits[0]) == {"id", "title", "score"} and hits[0]["score"] > 0
    chinese = json.loads(runner.invoke(args=["search", "query", "碳化硅", "--json"]).output)
    assert chinese[0]["title"] == SIC["title_zh"]
    robot = json.loads(runner.invoke(args=["search", "query", "humanoid robot", "--json"]).output)
    assert robot[0]["title"] == ROBOT["title_zh"]            # no English title: the Chinese one
    limited = json.loads(runner.invoke(args=["search", "query", "研制 OR need", "--json",
                                             "--limit", "1"]).output)
    assert len(limited) <= 1


def test_verify_reports_drift_and_rebuild_repairs_it(runner, app, people, taxonomy):
    with app.app_context():
        need_id = publish(people, **SIC).id
        publish(people, **ROBOT)
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with app.app_context():
        with engine.writer(app.config["INDEX_DIR"]) as index_writer:   # someone lost a write
            index_writer.delete(str(need_id))
            index_writer.put({"id": "99999", "title_zh": "ghost", "tg": [], "status": "published"})
    drift = runner.invoke(args=["search", "verify"])
    assert drift.exit_code == 1
    with app.app_context():
        ref = db.session.get(Challenge, need_id).ref
    # needs by their reference (the internal id in parentheses); the ghost has neither
    assert f"missing: 1: {ref} ({need_id})" in drift.stdout and "extra: 1: 99999" in drift.stdout
    assert "search rebuild" in drift.stderr and "search sync" not in drift.stderr
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0 and "Indexed 2 needs" in rebuilt.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_verify_detects_stale_documents(runner, app, people, taxonomy):
    with app.app_context():
        need = publish(people, **SIC)
        app.config["SEARCH_SYNC"] = False           # a change that bypassed the hooks
        try:
            need.title_zh = "改过的标题"
            db.session.commit()
        finally:
            app.config["SEARCH_SYNC"] = True
        label = f"{need.ref} ({need.id})"
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and f"stale: 1: {label}" in result.output
    # `search sync` cannot see a change that bypassed the outbox: the advice is rebuild
    assert "search rebuild" in result.stderr and "search sync" not in result.stderr
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_sync_applies_the_outbox(runner, app, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
        engine.clear(app.config["INDEX_DIR"])     # a new, empty index: its cursor is at 0
    drift = runner.invoke(args=["search", "verify"])
    assert drift.exit_code == 1 and "search sync" in drift.stderr   # the outbox has it
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "Applied 1" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with app.app_context():
        assert waiting() == 0
