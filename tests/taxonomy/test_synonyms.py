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


def test_admin_downloads_and_uploads_the_taxonomy_in_the_browser(client, auth, people,
                                                                 taxonomy, app):
    """Program officers replace the taxonomy on its page (no command line): the download is
    the import's format; a bad file changes nothing and says why, once, beside the field."""
    from io import BytesIO

    from sqlalchemy import func, select

    def versions() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(TaxonomyVersion.id)))

    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.get("/admin/taxonomy").get_data(as_text=True)
    assert "data-export-taxonomy" in page and "data-import-taxonomy" in page
    assert "flask --app wsgi" not in page
    download = client.get("/admin/taxonomy/export")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    document = yaml.safe_load(download.get_data(as_text=True))
    assert len([c for cluster in document["clusters"] for c in cluster["chains"]]) == 30
    before = versions()
    # a file that is not a taxonomy: 400, nothing loaded, the reason beside the field
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO("clusters: not a list\n".encode()), "official.yaml")},
        content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and versions() == before
    assert 'id="file-error"' in text and text.count("not a taxonomy that can be loaded") == 1
    assert "The taxonomy was not loaded" in text
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(b"\xff\xfe\x00b\x00a\x00d"), "official.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "not UTF-8" in response.get_data(as_text=True)
    assert client.post("/admin/taxonomy/import", data={}).status_code == 400
    # the office's edited list: a renamed chain and one more pair
    chain = document["clusters"][0]["chains"][0]
    chain["en"] = "Integrated circuits (official name)"
    chain["keywords"]["pairs"].append({"zh": "芯粒互连", "en": "chiplet interconnect"})
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(body), "official-2026.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 302 and versions() == before + 1
    page = client.get("/admin/taxonomy").get_data(as_text=True)
    assert "Integrated circuits (official name)" in page and "official-2026.yaml" in page
    with app.app_context():
        assert db.session.scalar(select(TaxonomyVersion).where(
            TaxonomyVersion.active)).loaded_by_id is not None        # who loaded it
    # a file that drops chains (a cut-off download, a wrong file) is held back until the
    # officer ticks that the removal is meant
    shorter = yaml.safe_load(body.decode())
    dropped = shorter["clusters"][0]["chains"].pop()
    short_body = yaml.safe_dump(shorter, allow_unicode=True, sort_keys=False).encode()
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(short_body), "short.yaml")}, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and versions() == before + 1
    assert "would remove 1 chain" in text and dropped["en"] in text
    assert "data-confirm-removal" in text
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(short_body), "short.yaml"), "remove_chains": "yes"},
        content_type="multipart/form-data")
    assert response.status_code == 302 and versions() == before + 2
    before += 1
    # a list too large to classify within a request is refused with what to do instead
    from marketplace.taxonomy import views
    limit, views.WEB_IMPORT_MAX_NEEDS = views.WEB_IMPORT_MAX_NEEDS, -1
    try:
        response = client.post("/admin/taxonomy/import", data={
            "file": (BytesIO(body), "again.yaml")}, content_type="multipart/form-data")
    finally:
        views.WEB_IMPORT_MAX_NEEDS = limit
    assert response.status_code == 400 and "taxonomy import FILE.yaml" in \
        response.get_data(as_text=True)
    assert versions() == before + 1
    # only the program office
    auth.logout()
    auth.login("owner@example.com")
    assert client.get("/admin/taxonomy/export").status_code == 403
    assert client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(body), "x.yaml")}, content_type="multipart/form-data").status_code == 403
    auth.logout()
    assert client.get("/admin/taxonomy/export").status_code == 302
    assert versions() == before + 1
