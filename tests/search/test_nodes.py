"""Several nodes on one database, each with its own data dir and index: every node's index
follows the change log by its own cursor (issue 12, "Search on every node")."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from marketplace import PROJECT_ROOT, create_app
from marketplace.challenges.models import Challenge
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.search import changelog, dictionary, engine, sync
from marketplace.search.models import SearchOutbox
from marketplace.search.service import query_json
from tests.search.helpers import BATTERY, ROBOT, SIC, publish
from tests.search.test_sync import _worker

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture(scope="module")
def node_b_app(app, tmp_path_factory):
    """Node B: another app on the same database, with a data dir (and index) of its own."""
    data_dir = tmp_path_factory.mktemp("node-b")
    shutil.copy(dictionary.build(app.config["DATA_DIR"]), data_dir)   # what `setup` does
    node = create_app({
        "TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "node-b",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "BABEL_DEFAULT_LOCALE": "en", "RATELIMIT_ENABLED": False})
    yield node
    with node.app_context():
        db.engine.dispose()


@pytest.fixture
def node_b(node_b_app, app):
    """Node B with a new, empty index (cursor 0), as the tables are empty."""
    engine.clear(node_b_app.config["INDEX_DIR"])
    yield node_b_app
    with node_b_app.app_context():
        db.session.remove()


def _found_on(node, words: str) -> list[str]:
    with node.app_context():
        return [hit["title"] for hit in query_json(words, 50)]


def _log_rows(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(SearchOutbox.id)).all())


def test_a_need_published_on_a_is_found_on_b_after_b_polls(app, node_b, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
    assert _found_on(app, "碳化硅") == [SIC["title_zh"]]
    assert _found_on(node_b, "碳化硅") == []              # B has not polled yet
    rows = _log_rows(app)
    with node_b.app_context():
        assert sync.poll_once(node_b) == 1
        assert sync.poll_once(node_b) == 0                # nothing new: nothing to do
    assert _found_on(node_b, "碳化硅") == [SIC["title_zh"]]
    assert _log_rows(app) == rows                         # B wrote nothing to the database
    with app.app_context():                               # and A still has it (nobody took it)
        assert changelog.node_cursor(app.config["INDEX_DIR"]).through == rows
    verify_b = node_b.test_cli_runner().invoke(args=["search", "verify"])
    assert verify_b.exit_code == 0, verify_b.output
    assert "Index matches the database (1 documents)" in verify_b.output
    assert f"has applied the change log through #{rows}; 0 changes wait" in verify_b.output
    assert app.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


def test_verify_and_sync_speak_for_their_own_node(app, node_b, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
    runner_b = node_b.test_cli_runner()
    drift = runner_b.invoke(args=["search", "verify"])    # what the defect blamed on a
    assert drift.exit_code == 1                           # "direct database edit"
    assert "missing: 1" in drift.output and "search sync" in drift.stderr
    assert "1 changes wait" in drift.output
    synced = runner_b.invoke(args=["search", "sync"])
    assert synced.exit_code == 0 and "Applied 1 pending needs" in synced.output
    assert runner_b.invoke(args=["search", "verify"]).exit_code == 0
    assert "Applied 0" in app.test_cli_runner().invoke(args=["search", "sync"]).output


def test_a_crash_on_a_loses_nothing_on_either_node(app, node_b, people, taxonomy):
    crashed = _worker(app, people, "crash", 1, "崩溃")    # committed, then died before indexing
    _out, err = crashed.communicate(timeout=120)
    assert crashed.returncode == 17, err
    with node_b.app_context():
        sync.poll_once(node_b)
    assert _found_on(node_b, "崩溃") == ["碳化硅崩溃需求0"]
    with app.app_context():
        sync.poll_once(app)
    assert _found_on(app, "崩溃") == ["碳化硅崩溃需求0"]


def test_a_node_behind_the_retention_window_rebuilds_itself(app, node_b, people, taxonomy,
                                                            caplog):
    with app.app_context():
        publish(people, **SIC)
        publish(people, **ROBOT)
        # two days pass while B is down: A's rows are pruned but for the newest old one
        db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        publish(people, **BATTERY)
        assert changelog.prune(db.session, force=True) > 0
        db.session.commit()
        newest = changelog.newest_id(db.session)
        # A is within the window: it applies as usual
        assert sync.apply_pending(app) == 0
    with caplog.at_level(logging.WARNING, logger="marketplace.search.sync"):
        with node_b.app_context():
            assert sync.poll_once(node_b) == 3             # the rebuild indexed every need
    assert "behind the change log" in caplog.text and "rebuilt" in caplog.text
    assert _found_on(node_b, "人形机器人") == [ROBOT["title_zh"]]
    with node_b.app_context():
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).through == newest
    assert node_b.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


def test_sync_says_when_it_rebuilt_a_node_that_was_behind(app, node_b, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
        publish(people, **ROBOT)
        db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        publish(people, **BATTERY)
        assert changelog.prune(db.session, force=True) > 0
        db.session.commit()
    result = node_b.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "missed changes already pruned" in result.output and "rebuilt it (3 needs)" \
        in result.output
    assert _found_on(node_b, "碳化硅") == [SIC["title_zh"]]


def test_the_log_is_pruned_to_its_window_but_never_emptied(app, people, taxonomy):
    with app.app_context():
        publish(people, **SIC)
        publish(people, **ROBOT)
        db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        newest = changelog.newest_id(db.session)
        changelog.prune(db.session, force=True)
        db.session.commit()
        # the newest row is kept: ids never restart (SQLite reuses the ids of an empty table)
        assert db.session.scalars(select(SearchOutbox.id)).all() == [newest]
        publish(people, **BATTERY)
        assert changelog.newest_id(db.session) > newest
        assert sync.apply_pending(app) == 0               # A was never behind


def _needs_without_log_rows(app, people) -> tuple[int, int]:
    """Two needs committed without their log rows (the rows come later, by hand), after one
    committed as usual."""
    with app.app_context():
        publish(people, **BATTERY)
        app.config["SEARCH_SYNC"] = False
        try:
            first = publish(people, **SIC).id
            second = publish(people, **ROBOT).id
        finally:
            app.config["SEARCH_SYNC"] = True
    return first, second


def _log_row(app, need_id: int, row_id: int) -> None:
    with app.app_context():
        db.session.execute(insert(SearchOutbox).values(id=row_id, challenge_id=need_id,
                                                       created_at=utcnow()))
        db.session.commit()


def test_a_lower_id_committed_after_a_higher_one_was_applied_is_not_lost(app, node_b, people,
                                                                         taxonomy):
    first, second = _needs_without_log_rows(app, people)
    with app.app_context():
        top = changelog.newest_id(db.session)
    _log_row(app, second, top + 2)                 # committed first, with the higher id
    with node_b.app_context():
        sync.poll_once(node_b)
        cursor = changelog.node_cursor(node_b.config["INDEX_DIR"])
        assert cursor.through == top + 2 and cursor.hole_ids() == 1
    assert _found_on(node_b, "人形机器人") == [ROBOT["title_zh"]]
    _log_row(app, first, top + 1)                  # the late transaction commits
    with node_b.app_context():
        assert sync.poll_once(node_b) == 1
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 0
    assert _found_on(node_b, "碳化硅") == [SIC["title_zh"]]
    assert node_b.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


def test_a_hole_is_given_up_only_after_its_time(app, node_b, people, taxonomy, monkeypatch):
    _first, second = _needs_without_log_rows(app, people)
    with app.app_context():
        top = changelog.newest_id(db.session)
    _log_row(app, second, top + 2)                 # top + 1 never commits (rolled back)
    with node_b.app_context():
        sync.poll_once(node_b)
        sync.poll_once(node_b)
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 1
        monkeypatch.setattr(changelog, "HOLE_SECONDS", 0)
        sync.poll_once(node_b)
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 0


@pytest.mark.skipif(not POSTGRES, reason="SQLite has one writer: ids commit in order")
def test_postgresql_transactions_committing_out_of_order(app, node_b, people, taxonomy,
                                                         monkeypatch):
    """Two real transactions: the one that took the lower id commits last. The hole is kept
    while that transaction runs, however long (HOLE_SECONDS is set to 0 here)."""
    monkeypatch.setattr(changelog, "HOLE_SECONDS", 0)
    first, second = _needs_without_log_rows(app, people)
    with app.app_context():
        late = db.engine.connect()
        late.begin()
        late.execute(update(Challenge).where(Challenge.id == first).values(
            title_zh="碳化硅衬底（晚提交）"))            # the need first, then its log row
        low = late.execute(insert(SearchOutbox).values(
            challenge_id=first, created_at=utcnow()).returning(SearchOutbox.id)).scalar_one()
        with db.engine.begin() as early:
            high = early.execute(insert(SearchOutbox).values(
                challenge_id=second, created_at=utcnow()).returning(SearchOutbox.id)).scalar_one()
        assert low < high
    with node_b.app_context():
        sync.poll_once(node_b)
        sync.poll_once(node_b)                     # still running: the hole stays
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 1
    assert _found_on(node_b, "人形机器人") == [ROBOT["title_zh"]]
    late.commit()
    late.close()
    with node_b.app_context():
        assert sync.poll_once(node_b) == 1
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 0
    assert _found_on(node_b, "晚提交") == ["碳化硅衬底（晚提交）"]
    with app.app_context():                        # a rolled-back one is given up at once
        with db.engine.connect() as rolled_back:
            rolled_back.begin()
            rolled_back.execute(insert(SearchOutbox).values(challenge_id=first,
                                                            created_at=utcnow()))
            rolled_back.rollback()
        _log_row(app, second, changelog.newest_id(db.session) + 5)
    with node_b.app_context():
        sync.poll_once(node_b)
        sync.poll_once(node_b)
        assert changelog.node_cursor(node_b.config["INDEX_DIR"]).hole_ids() == 0
    assert node_b.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


def test_a_running_node_follows_on_its_own_within_a_second(app, node_b, people, taxonomy):
    """Node B as a process of its own (not testing: its follower polls). A need published
    through A is in B's index about a second later; B serves no request meanwhile."""
    index_b = node_b.config["INDEX_DIR"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.search.node", app.config["SQLALCHEMY_DATABASE_URI"],
         node_b.config["DATA_DIR"]], cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        delays = []
        for words in (SIC, ROBOT):
            with app.app_context():
                need_id = publish(people, **words).id
            committed = time.monotonic()
            while not engine.has_document(index_b, str(need_id)):
                assert time.monotonic() - committed < 10, "node B never followed"
                time.sleep(0.02)
            delays.append(time.monotonic() - committed)
        # within about a second: a 0.5 s poll plus the apply (a loaded CI machine: 2 s)
        assert max(delays) < 2.0, delays
        verify_b = node_b.test_cli_runner().invoke(args=["search", "verify"])
        assert verify_b.exit_code == 0, verify_b.output
    finally:
        _out, err = process.communicate("", timeout=30)     # closes its input: it ends
    assert "Traceback" not in err, err


def test_a_command_does_not_follow_the_other_nodes(tmp_path):
    """An import or a worker applies its own commits; a poller there only competed for the
    index writer. A process that serves (no command running) follows."""
    import click

    from marketplace import create_app
    from marketplace.search import follower

    def app_for(name: str):
        return create_app({"TESTING": False, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path / name),
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}",
                           "SEARCH_POLL_SECONDS": 5})
    with click.Context(click.Command("import")):
        command_app = app_for("command")
    served_app = app_for("served")
    keys = {key.split(":", 1)[1] for key in follower._started}
    assert served_app.config["INDEX_DIR"] in keys
    assert command_app.config["INDEX_DIR"] not in keys
    follower._started.pop(f"{os.getpid()}:{served_app.config['INDEX_DIR']}").stop()
