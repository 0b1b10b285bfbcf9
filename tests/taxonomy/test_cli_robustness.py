"""The taxonomy commands on odd input, and what an import does to the index (QA findings 3,
8, 14, 31, 37)."""
from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.search.models import SearchOutbox
from marketplace.taxonomy import operations as taxonomy_ops
from marketplace.taxonomy.queries import need_chains
from tests import factories
from tests.search.helpers import BATTERY, ROBOT, SIC, publish

TINY = {"version": "tiny", "clusters": [{"id": "semis", "zh": "半导体", "en": "Semiconductors",
        "chains": [{"id": "wide-bandgap-semiconductors", "zh": "第三代半导体",
                    "en": "Wide-bandgap semiconductors",
                    "keywords": {"pairs": [{"zh": "碳化硅", "en": "silicon carbide"}]}}]}]}


def _write(tmp_path, document, name="t.yaml"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else
                    yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return str(path)


# -- import and the index (finding 3) -------------------------------------------------------
def test_taxonomy_import_reindexes_every_need_in_the_same_transaction(runner, app, people,
                                                                       taxonomy, tmp_path):
    with app.app_context():
        publish(people, **SIC)
        publish(people, **ROBOT)          # matches no chain of the tiny taxonomy
        publish(people, **BATTERY)
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    result = runner.invoke(args=["taxonomy", "import", _write(tmp_path, TINY)])
    assert result.exit_code == 0, result.output
    verify = runner.invoke(args=["search", "verify"])
    assert verify.exit_code == 0, verify.output
    found = json.loads(runner.invoke(args=["search", "query", "人形机器人", "--json"]).stdout)
    assert [hit["title"] for hit in found] == [ROBOT["title_zh"]]


def test_a_failed_import_queues_nothing(ctx, people, taxonomy):
    publish(people, **SIC)
    before = db.session.scalar(select(func.count(SearchOutbox.id)))
    with pytest.raises(taxonomy_ops.TaxonomyInvalid):
        taxonomy_ops.import_taxonomy("clusters: []", "empty.yaml")
    db.session.rollback()
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == before


# -- import: the document's shape (finding 14) ----------------------------------------------
def _chain(**keywords):
    return {"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [
        {"id": "c1", "zh": "链", "en": "Chain", "keywords": keywords}]}]}


@pytest.mark.parametrize("document, message", [
    (_chain(pairs="oops"), "keywords.pairs of c1 must be a list"),
    (_chain(pairs=["碳化硅"]), "keywords.pairs of c1: entry 1 must be a mapping"),
    (_chain(pairs=[{"zh": ["a"], "en": "b"}]), "keywords.pairs of c1: entry 1: 'zh' must be text"),
    (_chain(zh="碳化硅"), "keywords.zh of c1 must be a list"),
    (_chain(en=[{"x": 1}]), "keywords.en of c1"),
    (_chain(words=["x"]), "keywords of c1: unknown key 'words'"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": "c1"}]},
     "chains of a must be a list"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": ["c1"]}]},
     "chain 1 of a must be a mapping"),
    ({"clusters": ["a"]}, "cluster 1 must be a mapping"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [
        {"id": "x y", "zh": "链", "en": "c"}]}]}, "chain 1 of a: id 'x y' contains a space"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [
        {"id": "c1", "zh": "链"}]}]}, "chain c1 of a lacks 'en'"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [
        {"id": "c1", "zh": {"x": 1}, "en": "c"}]}]}, "chain c1 of a: 'zh' must be text"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [{"zh": "链", "en": "c"}]}]},
     "chain 1 of a lacks 'id'"),
    ({"clusters": [{"id": "a", "zh": "甲", "en": "A", "chains": [
        {"id": "c1", "zh": "链", "en": "c", "keywords": ["x"]}]}]},
     "keywords of c1 must be a mapping"),
])
def test_import_names_the_chain_of_a_malformed_document(runner, tmp_path, taxonomy, document,
                                                        message):
    result = runner.invoke(args=["taxonomy", "import", _write(tmp_path, document)])
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


# -- classify (findings 8, 37) --------------------------------------------------------------
GOOD_A = {"id": "A", "title": "碳化硅功率模块", "description": "SiC MOSFET"}
GOOD_B = {"id": "B", "title": "Humanoid robot joint actuator", "description": ""}


def test_classify_reports_bad_lines_and_goes_on(runner, taxonomy):
    lines = [json.dumps(GOOD_A, ensure_ascii=False), "[1, 2]", '"s"', "null", "{not json",
             "", json.dumps(GOOD_B)]
    result = runner.invoke(args=["taxonomy", "classify"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["A", "B"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith("line 2: not a JSON object") and "an array" in errors[0]
    assert errors[1].startswith("line 3: not a JSON object") and "a string" in errors[1]
    assert errors[2].startswith("line 4: not a JSON object") and "null" in errors[2]
    assert errors[3].startswith("line 5: not JSON")
    assert errors[4] == "4 lines could not be classified."
    assert "Traceback" not in result.output


def test_classify_accepts_a_byte_order_mark_and_a_file(runner, taxonomy, tmp_path):
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in (GOOD_A, GOOD_B)) + "\n"
    plain = runner.invoke(args=["taxonomy", "classify"], input=text)
    assert plain.exit_code == 0 and plain.stderr == ""
    with_bom = runner.invoke(args=["taxonomy", "classify"], input="\ufeff" + text)
    assert with_bom.exit_code == 0 and with_bom.stdout == plain.stdout
    path = tmp_path / "needs.jsonl"
    path.write_text("\ufeff" + text.replace("\n", "\r\n"), encoding="utf-8")
    from_file = runner.invoke(args=["taxonomy", "classify", str(path), "--limit", "5"])
    assert from_file.exit_code == 0 and from_file.stdout == plain.stdout
    dash = runner.invoke(args=["taxonomy", "classify", "-"], input=text)
    assert dash.stdout == plain.stdout
    path.write_bytes(b'{"id": "X", "title": "\xff"}\n')
    bad = runner.invoke(args=["taxonomy", "classify", str(path)])
    assert bad.exit_code == 1 and "needs.jsonl: line 1: not UTF-8 text" in bad.stderr


# -- counting what setup classified (finding 31) ------------------------------------------
OFFICE = {**SIC, "title_zh": "会议室桌椅采购", "title_en": "Office chairs", "summary_zh": "桌椅",
          "summary_en": "Chairs", "description_zh": "采购会议室桌椅。", "description_en": "Chairs."}


def _tiny_taxonomy() -> None:
    taxonomy_ops.import_taxonomy(yaml.safe_dump(TINY, allow_unicode=True), "tiny.yaml")
    db.session.commit()


def test_needs_that_match_no_chain_are_not_counted_again(ctx, people, taxonomy):
    _tiny_taxonomy()
    office = factories.need(people.owner_id, **OFFICE)
    sic = factories.need(people.owner_id, **SIC)
    db.session.commit()
    assert need_chains(sic.id) and not need_chains(office.id)
    assert taxonomy_ops.classify_all(only_unclassified=True) == 0
    assert taxonomy_ops.classify_all(only_unclassified=True) == 0
    assert taxonomy_ops.classify_all() == 0           # nothing changed: nothing rewritten
    db.session.rollback()


def test_setup_says_classified_only_when_something_was(runner, app, people, taxonomy):
    with app.app_context():
        _tiny_taxonomy()
        assert not need_chains(publish(people, **OFFICE).id)
    for _ in range(2):
        result = runner.invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        assert "Classified" not in result.output
