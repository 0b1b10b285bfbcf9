"""Sealed bids: every role on every URL that touches bids, before and after closing."""
import io

import pytest

from marketplace.bids.models import Bid
from marketplace.extensions import db

from .helpers import arena, bid_form, close

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAILS = {
    "team": "solver@example.com", "teammate": "solver-b@example.com",
    "rival": "rival@example.com", "owner": "owner@example.com",
    "other_owner": "other-owner@example.com", "reviewer": "reviewer@example.com",
    "admin": "admin@example.com",
}
ROLES = ["anonymous", *EMAILS]


@pytest.fixture
def sealed(app, client, auth):
    """A submitted bid with a file, plus a later draft-only file, by the first team."""
    a = arena(app)
    auth.login(EMAILS["team"])
    response = client.post(f"/needs/{a.need_id}/bids")
    bid_id = int(response.headers["Location"].rstrip("/").split("/")[-2])
    data = {**bid_form(a, action="submit"), "attachment": (io.BytesIO(PDF), "方案.pdf")}
    assert client.post(f"/bids/{bid_id}/edit", data=data,
                       content_type="multipart/form-data").status_code == 302
    draft_only = {**bid_form(a, action="save"), "attachment": (io.BytesIO(PDF), "draft.pdf")}
    client.post(f"/bids/{bid_id}/edit", data=draft_only, content_type="multipart/form-data")
    auth.logout()
    with app.app_context():
        files = db.session.get(Bid, bid_id).attachments
        assert [f.filename for f in files] == ["方案.pdf", "draft.pdf"]
        return a, bid_id, files[0].id, files[1].id


def _as(auth, role):
    if role != "anonymous":
        auth.login(EMAILS[role])


def _urls(a, bid_id, file_id):
    return {
        "view": f"/bids/{bid_id}",
        "version": f"/bids/{bid_id}/versions/1",
        "file": f"/bids/{bid_id}/attachments/{file_id}",
        "edit": f"/bids/{bid_id}/edit",
        "list": f"/needs/{a.need_id}/bids",
    }


def _expect(status_code, expected):
    if expected == "login":
        return status_code == 302
    return status_code == expected


BEFORE = {  # role -> view, version, file, edit, list
    "anonymous": ("login",) * 5,
    "team": (200, 200, 200, 200, 403),
    "teammate": (200, 200, 200, 200, 403),
    "rival": (404, 404, 404, 404, 403),
    "owner": (404, 404, 404, 404, 403),
    "other_owner": (404, 404, 404, 404, 403),
    "reviewer": (404, 404, 404, 404, 403),
    "admin": (404, 404, 404, 404, 403),
}
AFTER = {
    "anonymous": ("login",) * 5,
    "team": (200, 200, 200, 302, 403),      # edit redirects: bidding has closed
    "teammate": (200, 200, 200, 302, 403),
    "rival": (404, 404, 404, 404, 403),
    "owner": (200, 200, 200, 403, 200),
    "other_owner": (404, 404, 404, 404, 403),
    "reviewer": (404, 404, 404, 404, 403),  # reviewers see bids once assigned (review issue)
    "admin": (200, 200, 200, 403, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("phase", ["before", "after"])
def test_who_sees_a_bid(app, client, auth, sealed, role, phase):
    a, bid_id, file_id, _draft_file = sealed
    if phase == "after":
        close(app, a.need_id)
    _as(auth, role)
    expected = (BEFORE if phase == "before" else AFTER)[role]
    for (name, url), want in zip(_urls(a, bid_id, file_id).items(), expected):
        response = client.get(url)
        body = response.get_data()
        response.close()
        assert _expect(response.status_code, want), (name, url, response.status_code, want)
        if want == "login":
            assert "/account/login" in response.headers["Location"]
        if name == "file" and want == 200:
            assert body == PDF
            assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("role", ["anonymous", "rival", "owner", "other_owner", "admin",
                                  "reviewer"])
@pytest.mark.parametrize("phase", ["before", "after"])
def test_nobody_else_can_change_a_bid(app, client, auth, sealed, role, phase):
    a, bid_id, file_id, _draft_file = sealed
    if phase == "after":
        close(app, a.need_id)
    _as(auth, role)
    # before closing the bid does not exist for them (404); after closing the owner and
    # admins may read it but never change it (403)
    readers = phase == "after" and role in ("owner", "admin")
    for url in (f"/bids/{bid_id}/withdraw", f"/bids/{bid_id}/attachments/{file_id}/remove",
                f"/bids/{bid_id}/edit"):
        response = client.post(url, data=bid_form(a, action="submit"))
        if role == "anonymous":
            assert response.status_code == 302 and "/account/login" in response.location
        else:
            assert response.status_code == (403 if readers else 404), (url, response.status_code)
    with app.app_context():
        bid = db.session.get(Bid, bid_id)
        assert bid.status.value == "submitted" and len(bid.versions) == 1


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_files_never_submitted_stay_with_the_team(app, client, auth, sealed, role):
    a, bid_id, _file_id, draft_file = sealed
    close(app, a.need_id)
    _as(auth, role)
    assert client.get(f"/bids/{bid_id}/attachments/{draft_file}").status_code == 404
    auth.logout()
    auth.login(EMAILS["team"])
    response = client.get(f"/bids/{bid_id}/attachments/{draft_file}")
    response.close()
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_need_page_does_not_reveal_bids_before_closing(app, client, auth, sealed, role):
    a, bid_id, _f, _d = sealed
    _as(auth, role)
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "bid submitted" not in page and "data-bid-count" not in page
    assert f"/bids/{bid_id}" not in page or role in ("team", "teammate")
    assert "Technische Universität Demo" not in page.split("<main", 1)[1] or role in (
        "team", "teammate")


def test_an_admin_may_show_the_count(app, client, auth, sealed):
    a, _bid_id, _f, _d = sealed
    auth.login(EMAILS["admin"])
    assert client.post(f"/needs/{a.need_id}/bids/count", data={"show": "1"}).status_code == 302
    auth.logout()
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "data-bid-count" in page
    auth.login(EMAILS["owner"])
    assert client.post(f"/needs/{a.need_id}/bids/count", data={"show": "0"}).status_code == 403


def test_after_closing_the_owner_sees_every_bid_with_its_history(app, client, auth, sealed):
    a, bid_id, _f, _d = sealed
    from .helpers import submitted
    rival_bid = submitted(app, a, a.rival_id)
    # the first team resubmits: two versions
    auth.login(EMAILS["team"])
    client.post(f"/bids/{bid_id}/edit", data=bid_form(a, action="submit",
                                                       approach="Revised approach, longer text."))
    auth.logout()
    close(app, a.need_id)
    auth.login(EMAILS["owner"])
    listing = client.get(f"/needs/{a.need_id}/bids").get_data(as_text=True)
    assert f"/bids/{bid_id}" in listing and f"/bids/{rival_bid}" in listing
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert "Revised approach" in page and f"/bids/{bid_id}/versions/1" in page
    first = client.get(f"/bids/{bid_id}/versions/1").get_data(as_text=True)
    assert "MOCVD" in first and "Revised approach" not in first


@pytest.mark.parametrize("role", ["team", "rival"])
def test_teams_cannot_change_bids_after_closing(app, client, auth, sealed, role):
    a, bid_id, file_id, _d = sealed
    close(app, a.need_id)
    _as(auth, role)
    expected = 403 if role == "team" else 404
    assert client.post(f"/bids/{bid_id}/withdraw").status_code == expected
    assert client.post(f"/bids/{bid_id}/attachments/{file_id}/remove").status_code == expected
    assert client.post(f"/needs/{a.need_id}/bids").status_code == 302  # refused with a message
    with app.app_context():
        assert db.session.query(Bid).count() == 1
