"""The index follows the database: after commit, never on rollback, and nothing lost when a
process dies between the commit and the index write or when processes write at once."""
from __future__ import annotations

import os
import subprocess
import sys


from marketplace import PROJECT_ROOT
from marketplace.extensions import db
from marketplace.search import engine
from marketplace.search.service import query_json
from tests import factories
from tests.search.helpers import SIC, waiting


def _found(text: str) -> list[str]:
    return [hit["title"] for hit in query_json(text, 50)]


def test_changes_reach_the_index_only_after_commit(ctx, people, taxonomy):
    need = factories.need(people.owner_id, **SIC)
    from marketplace.challenges import operations
    from marketplace.accounts.models import User
    operations.submit(need, db.session.get(User, people.owner_id))
    operations.publish(need, db.session.get(User, people.admin_id))
    db.session.flush()
    assert _found("碳化硅") == []                      # flushed, not committed
    db.session.commit()
    assert _found("碳化硅") == [SIC["title_zh"]]
    need.title_zh = "碳化硅衬底（第二版）"
    db.session.commit()
    assert _found("碳化硅") == ["碳化硅衬底（第二版）"]
    operations.close_expired()                           # unrelated sweep: nothing changes
    db.session.commit()
    assert _found("第二版") == ["碳化硅衬底（第二版）"]


def test_rollback_leaves_no_ghosts(ctx, people, taxonomy):
    from tests.search.helpers import publish
    kept = publish(people, **SIC)
    need = factories.need(people.owner_id, **{**SIC, "title_zh": "幽灵碳化硅"})
    kept.title_zh = "不应出现的标题"
    db.session.flush()
    db.session.rollback()
    assert waiting() == 0
    assert _found("幽灵") == [] and _found("不应出现") == []
    assert _found("碳化硅") == [SIC["title_zh"]]
    db.session.commit()                                  # a later commit applies nothing stale
    assert _found("幽灵") == [] and need is not None


def _worker(app, people, mode: str, count: int, tag: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.search.worker", mode,
         app.config["SQLALCHEMY_DATABASE_URI"], app.config["DATA_DIR"],
         app.config["INDEX_DIR"], str(people.owner_id), str(people.admin_id), str(count), tag],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_crash_between_commit_and_index_write_loses_nothing(app, people, taxonomy, runner):
    crashed = _worker(app, people, "crash", 1, "崩溃")
    _out, err = crashed.communicate(timeout=120)
    assert crashed.returncode == 17, err
    with app.test_request_context():
        assert waiting() == 1                              # committed with the need
        assert _found("崩溃") == []
    assert runner.invoke(args=["search", "verify"]).exit_code == 1
    result = runner.invoke(args=["search", "sync"])        # another process replays it
    assert result.exit_code == 0 and "Applied 1" in result.output
    with app.test_request_context():
        assert _found("崩溃") == ["碳化硅崩溃需求0"]
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_start_up_replays_the_outbox(app, people, taxonomy):
    crashed = _worker(app, people, "crash", 1, "重启")
    crashed.communicate(timeout=120)
    # A new worker process starting up (not in testing mode) applies what was left.
    again = _worker(app, people, "publish", 0, "无")
    _out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    with app.test_request_context():
        assert _found("重启") == ["碳化硅重启需求0"]


def test_two_processes_writing_at_once_never_raise_lock_errors(app, people, taxonomy, runner):
    workers = [_worker(app, people, "publish", 8, tag) for tag in ("甲", "乙")]
    outputs = [w.communicate(timeout=300) for w in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert "done" in out and "LockError" not in err and "Traceback" not in err
    runner.invoke(args=["search", "sync"])      # what a lost lock race left for later
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    with app.test_request_context():
        assert len(_found("碳化硅")) == 16
        assert engine.doc_count(app.config["INDEX_DIR"]) == 16
