"""An owner's drafts through the API: created and changed by the need form's own rules, with a
write token only, never by anyone else, never once submitted."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.extensions import db
from tests import factories

from .conftest import bearer

DRAFT = {
    "title_zh": "高精度光刻胶国产化", "title_en": "Domestic high-resolution photoresist",
    "summary_zh": "研制ArF光刻胶。", "budget_wan": "3000.5",
    "deadline": "2030-06-30T17:00:00+08:00", "period_months": 24,
    "contact_email": "lab@example.com", "confidential_details": "配方方向见附件。",
    "indicators": [{"name": "分辨率", "name_en": "Resolution", "comparator": "<=",
                    "target": "38", "unit": "nm"}],
}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Challenge.id)))


def test_an_owner_creates_a_draft_with_a_write_token(app, client, people, tokens):
    response = client.post("/api/v1/needs", json=DRAFT, headers=bearer(tokens.owner_write))
    assert response.status_code == 201, response.get_json()
    need = response.get_json()
    assert need["status"] == "draft" and need["ref"].startswith("JB-")
    assert response.headers["Location"].endswith(f"/api/v1/needs/{need['ref']}")
    assert need["budget_wan"] == "3000.5" and need["deadline"] == "2030-06-30T09:00:00+00:00"
    assert need["indicators"] == [{"name": "分辨率", "name_en": "Resolution",
                                   "comparator": "<=", "target": "38", "unit": "nm"}]
    assert need["confidential_details"] == "配方方向见附件。"
    assert need["editable"] is True and set(need["missing_for_submission"]) == {
        "description_zh"}
    with app.app_context():
        stored = db.session.scalar(select(Challenge).where(Challenge.ref == need["ref"]))
        assert stored.organisation_id == people.owner_org_id
        assert stored.created_by_id == people.owner_id
        assert [t.to_status for t in stored.transitions] == [NeedStatus.draft]


def test_the_need_forms_rules_refuse_bad_values_and_store_nothing(app, client, tokens):
    refused = {**DRAFT, "budget_wan": "99999999", "contact_email": "not an address",
               "period_months": 500,
               "indicators": [{"name": "分辨率", "target": "1,5", "unit": "nm"}]}
    response = client.post("/api/v1/needs", json=refused, headers=bearer(tokens.owner_write))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert set(body["errors"]) == {"budget_wan", "contact_email", "period_months",
                                   "indicators.0.target"}
    assert "comma" in body["errors"]["indicators.0.target"][0]
    untitled = client.post("/api/v1/needs", json={"summary_zh": "没有标题"},
                           headers=bearer(tokens.owner_write))
    assert untitled.status_code == 422 and "title_zh" in untitled.get_json()["errors"]
    for body in ({"title_zh": "x", "unknown": 1}, {"title_zh": 7},
                 {"title_zh": "x", "deadline": "2030-06-30T17:00:00"},
                 {"title_zh": "x", "budget_wan": "NaN"}, {"title_zh": "x", "budget_wan": "1e-9"},
                 {"title_zh": "x", "deadline": "0001-01-01T00:00:00+14:00"}):
        answer = client.post("/api/v1/needs", json=body, headers=bearer(tokens.owner_write))
        assert answer.status_code == 422, body
    assert _count(app) == 0


def test_errors_are_in_the_language_asked_for(client, tokens):
    chinese = bearer(tokens.owner_write, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    body = client.post("/api/v1/needs", json={"summary_zh": "没有标题"}, headers=chinese
                       ).get_json()
    assert body["code"] == "validation_failed"
    assert body["errors"]["title_zh"] == ["请填写需求名称（中文或英文）。"]
    english = bearer(tokens.owner_write, **{"Accept-Language": "en-GB,en;q=0.8"})
    body = client.post("/api/v1/needs", json={"summary_zh": "没有标题"}, headers=english
                       ).get_json()
    assert body["errors"]["title_zh"] == ["Give the need a title, in Chinese or in English."]
    # the language cookie of the web pages does not choose the API's language
    client.set_cookie("lang", "zh")
    assert client.post("/api/v1/needs", json={"summary_zh": "没有标题"}, headers=english
                       ).get_json()["errors"]["title_zh"][0].startswith("Give")


def test_only_what_is_sent_changes(app, client, people, tokens):
    ref = client.post("/api/v1/needs", json=DRAFT, headers=bearer(tokens.owner_write)
                      ).get_json()["ref"]
    response = client.patch(f"/api/v1/needs/{ref}", json={"title_en": "ArF photoresist",
                                                          "summary_zh": None},
                            headers=bearer(tokens.owner_write))
    assert response.status_code == 200, response.get_json()
    need = response.get_json()
    assert need["title_en"] == "ArF photoresist" and need["summary_zh"] is None
    assert need["title_zh"] == DRAFT["title_zh"] and need["budget_wan"] == "3000.5"
    assert need["indicators"][0]["target"] == "38"
    assert need["deadline"] == "2030-06-30T09:00:00+00:00"
    replaced = client.patch(f"/api/v1/needs/{ref}", json={"indicators": [
        {"name": "线宽粗糙度", "comparator": "<=", "target": "2.5", "unit": "nm"},
        {"name": "感光度", "comparator": "<=", "target": "30", "unit": "mJ/cm²"}]},
        headers=bearer(tokens.owner_write)).get_json()
    assert [i["name"] for i in replaced["indicators"]] == ["线宽粗糙度", "感光度"]


def test_if_match_guards_against_a_lost_update(client, tokens):
    created = client.post("/api/v1/needs", json=DRAFT, headers=bearer(tokens.owner_write))
    ref, etag = created.get_json()["ref"], created.headers["ETag"]
    first = client.patch(f"/api/v1/needs/{ref}", json={"title_en": "One"},
                         headers=bearer(tokens.owner_write, **{"If-Match": etag}))
    assert first.status_code == 200
    second = client.patch(f"/api/v1/needs/{ref}", json={"title_en": "Two"},
                          headers=bearer(tokens.owner_write, **{"If-Match": etag}))
    assert second.status_code == 412
    assert second.get_json()["code"] == "precondition_failed"
    current = client.get(f"/api/v1/needs/{ref}", headers=bearer(tokens.owner_write))
    assert current.get_json()["title_en"] == "One"
    assert client.patch(f"/api/v1/needs/{ref}", json={"title_en": "Three"},
                        headers=bearer(tokens.owner_write,
                                       **{"If-Match": current.headers["ETag"]})
                        ).status_code == 200


def test_who_may_not_write(app, client, people, tokens, published):
    # a read token, a team, a reviewer, nobody
    cases = [(tokens.owner, 403, "insufficient_scope"), (tokens.solver_write, 403, "owner_only"),
             (None, 401, "token_required")]
    for secret, status, code in cases:
        response = client.post("/api/v1/needs", json=DRAFT,
                               headers=bearer(secret) if secret else {})
        assert (response.status_code, response.get_json()["code"]) == (status, code)
    assert _count(app) == 1
    with app.test_request_context():
        draft = factories.need(people.owner_id).ref
        submitted = factories.need(people.owner_id, NeedStatus.submitted).ref
        db.session.commit()
    # another owner: the draft does not exist for them; the published need is not theirs
    other = bearer(tokens.other_owner_write)
    assert client.patch(f"/api/v1/needs/{draft}", json={"title_en": "x"},
                        headers=other).status_code == 404
    assert client.patch(f"/api/v1/needs/{published}", json={"title_en": "x"},
                        headers=other).get_json()["code"] == "forbidden"
    # the owner: anything submitted or published is no longer a draft
    for ref in (submitted, published):
        response = client.patch(f"/api/v1/needs/{ref}", json={"title_en": "x"},
                                headers=bearer(tokens.owner_write))
        assert (response.status_code, response.get_json()["code"]) == (409, "not_editable")
    assert client.patch(f"/api/v1/needs/{draft}", json={"title_en": "x"},
                        headers=bearer(tokens.owner)).status_code == 403
    with app.app_context():
        assert {n.title_en for n in db.session.scalars(select(Challenge))} == {
            "8-inch GaN-on-Si epitaxy"}


def test_a_session_cookie_alone_never_writes(app, client, auth, people):
    auth.login("owner@example.com")
    assert client.get("/my/needs").status_code == 200          # signed in on the web
    response = client.post("/api/v1/needs", json=DRAFT)
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_required"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/my/needs").status_code == 401
    assert _count(app) == 0


def test_my_needs_lists_the_organisations_needs_drafts_included(app, client, people, tokens):
    with app.test_request_context():
        refs = [factories.need(people.owner_id).ref for _ in range(3)]
        factories.need(people.other_owner_id)
        db.session.commit()
    page = client.get("/api/v1/my/needs?limit=2", headers=bearer(tokens.owner)).get_json()
    assert [n["ref"] for n in page["items"]] == refs[::-1][:2]
    rest = client.get("/api/v1/my/needs", query_string={"cursor": page["next_cursor"]},
                      headers=bearer(tokens.owner)).get_json()
    assert [n["ref"] for n in rest["items"]] == refs[:1] and rest["next_cursor"] is None
    assert client.get("/api/v1/my/needs", headers=bearer(tokens.solver)
                      ).get_json()["code"] == "owner_only"
