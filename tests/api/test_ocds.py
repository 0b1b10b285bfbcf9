"""OCDS through the API: the release package and each contracting process's record package,
as `flask --app wsgi ocds export` makes them (their content is tested in tests/ocds)."""
from __future__ import annotations

from urllib.parse import quote

from marketplace.extensions import db
from tests import factories


def test_the_release_package_lists_every_published_need(app, client, people, published):
    with app.test_request_context():
        draft = factories.need(people.owner_id).ref
        db.session.commit()
    prefix = app.config["OCID_PREFIX"]
    response = client.get("/api/v1/ocds/releases")
    assert response.status_code == 200 and response.is_json
    package = response.get_json()
    assert package["version"] == "1.1" and package["releases"]
    assert {release["ocid"] for release in package["releases"]} == {prefix + published}
    assert client.get("/api/v1/ocds/releases",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    record = client.get(f"/api/v1/ocds/records/{quote(prefix + published, safe='')}")
    assert record.status_code == 200
    assert [r["ocid"] for r in record.get_json()["records"]] == [prefix + published]
    for unknown in (prefix + draft, prefix + "JB-1999-99999", "not-an-ocid"):
        missing = client.get(f"/api/v1/ocds/records/{unknown}")
        assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
