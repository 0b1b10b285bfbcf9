"""Errors on /api/ paths are JSON with a stable code and a translated message; the web pages
keep their HTML errors; the OpenAPI document and its documentation page."""
from __future__ import annotations

import re

from .conftest import bearer


def test_unknown_api_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json()["code"] == "not_found"
    refused = client.delete("/api/v1/needs")
    assert refused.status_code == 405 and refused.get_json()["code"] == "method_not_allowed"
    assert set(refused.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_web_pages_keep_their_html_errors(client):
    page = client.get("/needs/2147483647")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert client.get("/no-such-page").mimetype == "text/html"


def test_messages_follow_accept_language(client):
    chinese = client.get("/api/v1/me", headers={"Authorization": "Basic x",
                                                "Accept-Language": "zh-CN"}).get_json()
    english = client.get("/api/v1/me", headers={"Authorization": "Basic x",
                                                "Accept-Language": "en-US"}).get_json()
    assert chinese["code"] == english["code"] == "invalid_token"
    assert english["message"].startswith("This API token is not valid")
    refused = client.get("/api/v1/needs?limit=0", headers={"Accept-Language": "zh"})
    assert refused.get_json()["code"] == "validation_failed"
    assert refused.get_json()["errors"]["limit"]


def test_text_that_cannot_be_stored_is_refused(client, tokens):
    for text in ("标题\x00", "bad \ud800 surrogate"):
        response = client.post("/api/v1/needs", data='{"title_zh": %s}' % _json(text),
                               content_type="application/json",
                               headers=bearer(tokens.owner_write))
        assert response.status_code == 400
        assert response.get_json()["code"] == "unstorable_text"
    assert client.post("/api/v1/needs", data="{not json", content_type="application/json",
                       headers=bearer(tokens.owner_write)).status_code == 400
    form = client.post("/api/v1/needs", data={"title_zh": "x"},
                       headers=bearer(tokens.owner_write))
    assert form.status_code == 415 and form.get_json()["code"] == "unsupported_media_type"


def _json(text: str) -> str:
    return '"' + "".join(c if " " <= c < "\x7f" else f"\\u{ord(c):04x}" for c in text) + '"'


def test_the_openapi_document_describes_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {
        "/api/v1/needs", "/api/v1/needs/{ref}", "/api/v1/taxonomy", "/api/v1/industry-map",
        "/api/v1/publicity", "/api/v1/me", "/api/v1/my/needs", "/api/v1/my/bids",
        "/api/v1/bids/{bid_id}", "/api/v1/review/rounds",
        "/api/v1/review/rounds/{round_id}/report", "/api/v1/exports/needs.jsonl",
        "/api/v1/ocds/releases", "/api/v1/ocds/records/{ocid}"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"}
    operations = [op for path in spec["paths"].values() for method, op in path.items()
                  if method in ("get", "post", "patch")]
    assert all(op.get("summary") and "default" in op["responses"] for op in operations)


def test_the_documentation_page_uses_only_this_servers_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html       # nothing inline (CSP)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") or s.startswith("#") for s in sources), sources
    for source in sources:
        if source.startswith("/api/v1/docs/"):
            with client.get(source) as asset:
                assert asset.status_code == 200, source
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/api/v1/docs/assets/../../wsgi.py").status_code == 404
    assert client.get("/api/v1/docs/assets/index.css").status_code == 404


def test_the_api_is_rate_limited_per_address_with_a_json_answer(make_limited_app):
    limited_app = make_limited_app(RATE_LIMIT_API="3 per minute")
    from marketplace.search import engine
    engine.ensure_index(limited_app.config["INDEX_DIR"])
    client = limited_app.test_client()
    for path in ("/api/v1/needs", "/api/v1/taxonomy", "/api/v1/industry-map"):
        assert client.get(path).status_code == 200
    refused = client.get("/api/v1/needs", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"
    assert "Retry-After" in refused.headers
    other = client.get("/api/v1/needs", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    # the site's pages are not counted against the API's limit
    assert client.get("/needs/").status_code == 200


def test_a_failure_is_a_json_500_on_the_api_and_a_page_on_the_web(app, client, monkeypatch):
    def broken():
        raise RuntimeError("a bug")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr("marketplace.api.open_data.industry_map", broken)
    monkeypatch.setattr("marketplace.taxonomy.views.industry_map", broken)
    response = client.get("/api/v1/industry-map")
    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
    assert "a bug" not in response.get_data(as_text=True)
    page = client.get("/industry-map")
    assert page.status_code == 500 and page.mimetype == "text/html"


def test_a_change_made_meanwhile_is_a_409(app, client, tokens, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError
    ref = client.post("/api/v1/needs", json={"title_zh": "草稿"},
                      headers=bearer(tokens.owner_write)).get_json()["ref"]

    def raced(*_args):
        raise StaleDataError("changed by another request")
    monkeypatch.setattr("marketplace.challenges.operations.update_draft", raced)
    response = client.patch(f"/api/v1/needs/{ref}", json={"title_en": "x"},
                            headers=bearer(tokens.owner_write))
    assert response.status_code == 409
    assert response.get_json()["code"] == "changed_meanwhile"


def test_json_nested_without_end_is_a_400(client, tokens):
    deep = '{"title_zh": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/v1/needs", data=deep, content_type="application/json",
                           headers=bearer(tokens.owner_write))
    assert response.status_code in (400, 422)
    assert response.is_json


def test_writes_are_limited_per_token(make_limited_app):
    from marketplace.api.models import TokenScope
    from marketplace.extensions import db
    from tests import factories

    from .conftest import issue_token
    limited_app = make_limited_app(RATE_LIMIT_API_WRITE="2 per hour")
    with limited_app.test_request_context():
        people = factories.people()
        db.session.commit()
        first, second = (issue_token(people.owner_id, TokenScope.write) for _ in range(2))
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/api/v1/needs", json={"title_zh": "草稿"},
                           headers=bearer(first)).status_code == 201
    refused = client.post("/api/v1/needs", json={"title_zh": "草稿"}, headers=bearer(first))
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert client.post("/api/v1/needs", json={"title_zh": "草稿"},
                       headers=bearer(second)).status_code == 201
