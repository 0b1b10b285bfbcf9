"""What anyone may read without a token: needs (list and each), taxonomy, industry map."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.challenges.operations import accept_terms
from marketplace.accounts.models import User
from marketplace.core.types import utcnow
from marketplace.extensions import db
from tests import factories
from tests.search.helpers import BATTERY, ROBOT, SIC, load_taxonomy, publish

from .conftest import bearer


def _refs(response) -> list[str]:
    return [item["ref"] for item in response.get_json()["items"]]


def test_the_list_shows_published_needs_and_never_drafts(app, client, people):
    with app.test_request_context():
        shown = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
        draft = factories.need(people.owner_id)
        waiting = factories.need(people.owner_id, NeedStatus.submitted)
        db.session.commit()
        shown_ref, hidden = shown.ref, {draft.ref, waiting.ref}
    response = client.get("/api/v1/needs")
    assert response.status_code == 200
    body = response.get_json()
    assert _refs(response) == [shown_ref] and body["total"] == 1
    assert body["next_cursor"] is None
    item = body["items"][0]
    assert item["budget_wan"] == "12000" and item["owner"]["name"] == "苏州氮化镓科技有限公司"
    assert item["url"].endswith(f"/needs/{db_id(app, shown_ref)}")
    assert not hidden & set(_refs(response))
    for ref in hidden:
        assert client.get(f"/api/v1/needs/{ref}").status_code == 404


def db_id(app, ref: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Challenge.id).where(Challenge.ref == ref))


def test_search_words_and_filters_are_the_search_pages(app, client, people):
    with app.test_request_context():
        load_taxonomy()
        sic = publish(people, **SIC, budget_wan=500).ref
        robot = publish(people, **ROBOT, budget_wan=8000).ref
        battery = publish(people, **BATTERY, budget_wan=20000,
                          deadline=utcnow() + timedelta(days=3)).ref
    assert _refs(client.get("/api/v1/needs?q=碳化硅")) == [sic]
    # English finds the Chinese-only need, Chinese the English-only one
    assert _refs(client.get("/api/v1/needs?q=humanoid robot")) == [robot]
    assert _refs(client.get("/api/v1/needs?q=固态电池")) == [battery]
    assert _refs(client.get("/api/v1/needs?budget=ge10000")) == [battery]
    assert _refs(client.get("/api/v1/needs?deadline=7")) == [battery]
    assert _refs(client.get("/api/v1/needs?sort=budget")) == [battery, robot, sic]
    hit = client.get("/api/v1/needs?q=碳化硅").get_json()["items"][0]
    assert hit["score"] > 0 and hit["partial"] is False
    assert client.get("/api/v1/needs?sort=budget").get_json()["items"][0]["score"] is None


def test_pages_follow_the_cursor_to_the_end(app, client, people):
    with app.test_request_context():
        refs = [factories.need(people.owner_id, NeedStatus.published, people.admin_id).ref
                for _ in range(5)]
        db.session.commit()
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get("/api/v1/needs", query_string={
            "limit": 2, "sort": "newest", **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        seen += _refs(response)
        cursor = response.get_json()["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert pages == 3 and seen == list(reversed(refs))
    # a cursor read with another page size still continues where the last page ended
    first = client.get("/api/v1/needs?limit=3&sort=newest").get_json()
    rest = client.get("/api/v1/needs", query_string={"limit": 2, "sort": "newest",
                                                      "cursor": first["next_cursor"]})
    assert _refs(rest) == list(reversed(refs))[3:]


def test_a_cursor_is_refused_with_other_filters_or_tampered(client, people, published):
    cursor = client.get("/api/v1/needs?limit=1&sort=newest").get_json()["next_cursor"]
    assert cursor is None       # one need: one page
    for bad in ("not-a-cursor", "eyJrIjoibXktbmVlZHMiLCJpZCI6MX0",
                "eyJrIjoibmVlZHMiLCJvIjoxLCJmIjoieCJ9"):
        response = client.get("/api/v1/needs", query_string={"cursor": bad})
        assert response.status_code == 400
        assert response.get_json()["code"] == "invalid_cursor"


def test_limits_and_filter_values_are_checked(client):
    for query in ("limit=0", "limit=101", "limit=x", "status=draft", "sort=random",
                  "budget=free"):
        response = client.get(f"/api/v1/needs?{query}")
        assert response.status_code == 422, query
        body = response.get_json()
        assert body["code"] == "validation_failed" and body["errors"], query


def test_a_need_shows_what_its_page_shows_to_a_visitor(app, client, published):
    response = client.get(f"/api/v1/needs/{published}")
    assert response.status_code == 200
    need = response.get_json()
    assert need["title_zh"] == "8英寸硅基氮化镓外延片量产"
    assert [i["target"] for i in need["indicators"]] == ["650", "50"]
    assert need["contact"]["email"] == "wang@example.com"
    assert need["confidential_visible"] is False
    assert need["confidential_details"] is None
    assert "良率 62%" not in response.get_data(as_text=True)
    assert need["bid_count"] is None and need["editable"] is False
    assert need["updated_at"] is None and need["missing_for_submission"] == {}


def test_confidential_details_after_accepting_the_terms(app, client, people, tokens,
                                                        published):
    assert client.get(f"/api/v1/needs/{published}", headers=bearer(tokens.solver)
                      ).get_json()["confidential_details"] is None
    with app.app_context():
        need = db.session.scalar(db.select(Challenge).where(Challenge.ref == published))
        accept_terms(need, db.session.get(User, people.solver_id))
        db.session.commit()
    need = client.get(f"/api/v1/needs/{published}", headers=bearer(tokens.solver)).get_json()
    assert need["confidential_visible"] is True
    assert need["confidential_details"] == "当前良率 62%，工艺窗口见附件。"
    # the owner and the program office see them without accepting anything
    for secret in (tokens.owner, tokens.admin):
        assert client.get(f"/api/v1/needs/{published}", headers=bearer(secret)
                          ).get_json()["confidential_visible"] is True
    # another owner does not
    assert client.get(f"/api/v1/needs/{published}", headers=bearer(tokens.reviewer)
                      ).get_json()["confidential_details"] is None


def test_an_etag_answers_304_until_the_need_changes(app, client, people, published):
    first = client.get(f"/api/v1/needs/{published}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/needs/{published}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        need = db.session.scalar(db.select(Challenge).where(Challenge.ref == published))
        need.budget_wan = Decimal("13000")
        db.session.commit()
    changed = client.get(f"/api/v1/needs/{published}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["budget_wan"] == "13000"
    assert changed.headers["ETag"] != etag


def test_answers_for_a_token_differ_and_are_not_cached_by_others(client, tokens, published):
    public = client.get(f"/api/v1/needs/{published}")
    private = client.get(f"/api/v1/needs/{published}", headers=bearer(tokens.owner))
    assert public.headers["ETag"] != private.headers["ETag"]
    assert "Authorization" in public.headers["Vary"]
    assert private.headers["Cache-Control"] == "private, no-store"


def test_an_owner_reads_its_own_drafts_and_nobody_else_does(app, client, people, tokens):
    with app.test_request_context():
        draft = factories.need(people.owner_id).ref
        db.session.commit()
    mine = client.get(f"/api/v1/needs/{draft}", headers=bearer(tokens.owner)).get_json()
    assert mine["status"] == "draft" and mine["editable"] is True
    assert "budget_wan" not in mine["missing_for_submission"]
    for headers in ({}, bearer(tokens.other_owner_write), bearer(tokens.solver)):
        response = client.get(f"/api/v1/needs/{draft}", headers=headers)
        assert response.status_code == 404
        assert response.get_json()["code"] == "not_found"
    assert client.get(f"/api/v1/needs/{draft}", headers=bearer(tokens.admin)).status_code == 200


def test_taxonomy_and_industry_map(app, client, people):
    with app.test_request_context():
        load_taxonomy()
        publish(people, **SIC, budget_wan=500)
    taxonomy = client.get("/api/v1/taxonomy").get_json()
    assert taxonomy["version"] == 1 and len(taxonomy["clusters"]) == 10
    assert sum(len(c["chains"]) for c in taxonomy["clusters"]) == 30
    figures = client.get("/api/v1/industry-map").get_json()
    assert figures["open_needs"] == 1 and figures["budget_wan"] == "500"
    chain = next(chain for cluster in figures["clusters"] for chain in cluster["chains"]
                 if chain["open_needs"])
    assert chain["budget_wan"] == "500" and chain["name_zh"]


def test_confidential_files_are_listed_only_where_details_are_shown(app, client, tokens,
                                                                    published):
    from marketplace.challenges.models import Attachment
    with app.app_context():
        need = db.session.scalar(db.select(Challenge).where(Challenge.ref == published))
        for name, confidential in (("brochure.pdf", False), ("process-window.pdf", True)):
            need.attachments.append(Attachment(
                filename=name, storage_key=f"key-{name}", content_type="application/pdf",
                size=2048, sha256="cd" * 32, confidential=confidential))
        db.session.commit()
    public = client.get(f"/api/v1/needs/{published}").get_json()["attachments"]
    assert [a["filename"] for a in public] == ["brochure.pdf"]
    owner = client.get(f"/api/v1/needs/{published}", headers=bearer(tokens.owner)
                       ).get_json()["attachments"]
    assert [(a["filename"], a["confidential"]) for a in owner] == [
        ("brochure.pdf", False), ("process-window.pdf", True)]
