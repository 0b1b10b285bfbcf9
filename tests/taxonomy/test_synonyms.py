"""Synonym sets: admins edit them, taxonomy import/export carries them, search uses them."""
from __future__ import annotations

import yaml

from marketplace.extensions import db
from marketplace.search.service import query_json
from marketplace.taxonomy import operations
from marketplace.taxonomy.models import SynonymSet, TaxonomyVersion
from tests.search.helpers import publish

NEED = dict(title_zh="钛合金薄壁件铣削颤振抑制", title_en=None, summary_zh=None, summary_en=None,
            description_zh="钛合金薄壁件铣削过程中的颤振在线抑制。", description_en=None)


def _sets(chain_id=None) -> list[list[str]]:
    return [s.terms for s in db.session.scalars(db.select(SynonymSet).where(
        SynonymSet.chain_id.is_(None) if chain_id is None else SynonymSet.chain_id == chain_id)
        .order_by(SynonymSet.position))]


def test_import_and_export_carry_synonym_sets(ctx, taxonomy):
    document = yaml.safe_load(operations.DEFAULT_FILE.read_text(encoding="utf-8"))
    assert document.get("synonyms"), "the default taxonomy ships search-only sets"
    document["synonyms"] = [["颤振", "chatter", "machining chatter"], ["fibre", "fiber"]]
    chain = document["clusters"][2]["chains"][0]
    chain["keywords"]["synonyms"] = [["五轴机床", "五轴联动加工中心", "5-axis machine"]]
    operations.import_taxonomy(yaml.safe_dump(document, allow_unicode=True), "test.yaml")
    db.session.commit()
    assert _sets() == [["颤振", "chatter", "machining chatter"], ["fibre", "fiber"]]
    assert _sets(chain["id"]) == [["五轴机床", "五轴联动加工中心", "5-axis machine"]]
    exported = operations.export_document()
    assert exported["synonyms"] == _sets()
    exported_chain = exported["clusters"][2]["chains"][0]
    assert exported_chain["keywords"]["synonyms"] == _sets(chain["id"])


def test_a_set_with_one_term_is_refused_by_import(ctx, taxonomy):
    document = yaml.safe_load(operations.DEFAULT_FILE.read_text(encoding="utf-8"))
    document["synonyms"] = [["only"]]
    try:
        operations.import_taxonomy(yaml.safe_dump(document, allow_unicode=True), "bad.yaml")
    except operations.TaxonomyInvalid as problem:
        assert "entry 1 needs two or more terms" in str(problem)
    else:
        raise AssertionError("accepted a set of one term")


def test_admin_edits_search_synonyms_and_search_uses_them_at_once(client, auth, people,
                                                                  taxonomy, app):
    with app.app_context():
        publish(people, **NEED)
        assert [h["title"] for h in query_json("flutter", 5)] == []
        versions = db.session.scalar(db.select(db.func.count(TaxonomyVersion.id)))
    auth.login("admin@example.com")
    page = client.get("/admin/taxonomy/synonyms").get_data(as_text=True)
    assert "Search only" in page and 'name="text"' in page
    response = client.post("/admin/taxonomy/synonyms",
                           data={"text": "颤振, chatter，flutter\nfibre | fiber"})
    assert response.status_code == 302
    with app.app_context():
        assert _sets()[:1] == [["颤振", "chatter", "flutter"]]
        assert [h["title"] for h in query_json("flutter", 5)] == [NEED["title_zh"]]
        latest = db.session.scalar(db.select(TaxonomyVersion).where(
            TaxonomyVersion.active.is_(True)))
        assert latest.number == versions + 1 and latest.loaded_by_id == people.admin_id
        assert "flutter" in latest.document


def test_a_bad_line_is_named_in_the_readers_language_and_nothing_changes(client, auth, people,
                                                                         taxonomy, app):
    with app.app_context():
        before = _sets()
    auth.login("admin@example.com")
    client.set_cookie("lang", "zh")
    response = client.post("/admin/taxonomy/synonyms", data={"text": "a, b\nlonely\n"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "第 2 行" in page and "lonely" in page        # what was typed stays in the form
    with app.app_context():
        assert _sets() == before


def test_chain_synonyms_page_and_permissions(client, auth, people, taxonomy, app):
    auth.login("admin@example.com")
    assert client.get("/admin/taxonomy/synonyms?chain=robotics").status_code == 200
    assert client.get("/admin/taxonomy/synonyms?chain=no-such").status_code == 404
    client.post("/admin/taxonomy/synonyms?chain=robotics",
                data={"text": "灵巧手, dexterous hand, robotic hand"})
    with app.app_context():
        assert _sets("robotics") == [["灵巧手", "dexterous hand", "robotic hand"]]
    auth.logout()
    auth.login("solver@example.com")
    assert client.get("/admin/taxonomy/synonyms").status_code == 403
    assert client.post("/admin/taxonomy/synonyms", data={"text": "x, y"}).status_code == 403
    auth.logout()
    assert client.get("/admin/taxonomy/synonyms").status_code == 302     # log in first


def test_setup_brings_an_older_shipped_taxonomy_up_to_date_but_keeps_the_offices_own(ctx):
    document = yaml.safe_load(operations.DEFAULT_FILE.read_text(encoding="utf-8"))
    del document["synonyms"]                     # what an earlier release shipped
    operations.import_taxonomy(yaml.safe_dump(document, allow_unicode=True),
                               operations.DEFAULT_FILE.name)
    db.session.commit()
    assert _sets() == []
    assert operations.load_default_if_missing() is not None      # the newer shipped file
    db.session.commit()
    assert len(_sets()) > 100
    assert operations.load_default_if_missing() is None          # up to date: nothing
    operations.import_taxonomy(yaml.safe_dump(document, allow_unicode=True), "office.yaml")
    db.session.commit()
    assert operations.load_default_if_missing() is None          # the office's list stays
    assert _sets() == []
