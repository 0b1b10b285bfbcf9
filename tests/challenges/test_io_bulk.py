"""A large list: written in batches (one transaction each), classified together, indexed in
large segments by a second process while the first goes on writing."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.challenges import io as needs_io
from marketplace.challenges.models import Challenge, NeedStatus, Transition
from marketplace.extensions import db
from marketplace.search import engine, sync
from marketplace.search.service import query_json
from marketplace.taxonomy.models import NeedChain

from tests.search.conftest import taxonomy  # noqa: F401  (the fixture)

from .io_support import write_jsonl

TOPICS = [("碳化硅外延片缺陷控制", "降低碳化硅外延层基平面位错密度。"),
          ("Humanoid robot joint actuator", "A compact joint actuator for humanoid robots."),
          ("固态电池硫化物电解质", "硫化物固态电解质的空气稳定性提升。")]


def _records(count: int) -> list[dict]:
    return [{"id": f"BULK-{n:05d}", "title": f"{TOPICS[n % 3][0]} {n}",
             "description": TOPICS[n % 3][1]} for n in range(count)]


def test_a_large_list_is_written_in_batches_and_indexed_alongside(app, tmp_path, taxonomy):
    path = write_jsonl(tmp_path / "big.jsonl", _records(1200))
    commits = []
    with app.app_context():
        app.config["SEARCH_APPLY_AFTER_COMMIT"] = False
        try:
            with sync.indexing_alongside(app, every=200):
                def commit():
                    db.session.commit()
                    commits.append(1)
                counts = needs_io.import_needs(path, after_batch=commit, batch=250)
                db.session.commit()
        finally:
            app.config["SEARCH_APPLY_AFTER_COMMIT"] = True
        assert counts["created"] == 1200 and len(commits) == 5      # 250 × 4 + 200
        published = db.session.scalar(select(func.count(Challenge.id)).where(
            Challenge.status == NeedStatus.published))
        assert published == 1200
        assert db.session.scalar(select(func.count(Transition.id))) == 1200
        assert db.session.scalar(select(func.count(func.distinct(NeedChain.challenge_id)))) \
            == 1200
        assert engine.doc_count(app.config["INDEX_DIR"]) == 1200      # the child indexed all
        assert not sync.verify(app)
        assert len(query_json("碳化硅", 1000)) == 400


def test_the_import_command_indexes_what_it_imported(runner, app, tmp_path, taxonomy):
    path = write_jsonl(tmp_path / "some.jsonl", _records(30))
    result = runner.invoke(args=["challenges", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert engine.doc_count(app.config["INDEX_DIR"]) == 30
        assert not sync.verify(app)
