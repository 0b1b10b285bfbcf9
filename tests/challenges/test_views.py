"""Needs through the browser's eyes: drafting, screening, permissions, safe rendering."""
import io
import zipfile
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.challenges.models import Challenge, Indicator, NeedStatus, TermsAcceptance
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories

FORM = {
    "title_zh": "碳化硅外延设备国产化", "title_en": "Domestic SiC epitaxy reactor",
    "summary_zh": "研制8英寸碳化硅外延设备。", "summary_en": "An 8-inch SiC epitaxy reactor.",
    "description_zh": "## 背景\n依赖进口。", "description_en": "## Background\nImported today.",
    "indicators-0-name": "厚度均匀性", "indicators-0-name_en": "Thickness uniformity",
    "indicators-0-comparator": "<=", "indicators-0-target": "2", "indicators-0-unit": "%",
    "indicators-1-name": "产能", "indicators-1-comparator": ">=", "indicators-1-target": "12",
    "indicators-1-unit": "片/小时",
    "indicators-2-name": "", "indicators-2-target": "", "indicators-2-unit": "",
    "budget_wan": "8000", "deadline": "2099-06-30T17:00", "period_months": "30",
    "ip_terms": "exclusive", "contact_email": "liu@example.com", "contact_name": "刘工",
}


def make(app, owner_id, status=NeedStatus.draft, admin_id=None, **overrides) -> int:
    with app.app_context():
        need = factories.need(owner_id, status, admin_id=admin_id, **overrides)
        db.session.commit()
        return need.id


def count_needs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Challenge.id)))


def test_owner_drafts_and_submits_through_the_form(client, auth, people, app):
    auth.login("owner@example.com")
    response = client.post("/needs/new", data={**FORM, "action": "save"})
    assert response.status_code == 302
    with app.app_context():
        need = db.session.scalar(select(Challenge))
        assert need.status == NeedStatus.draft
        assert [(i.name, i.comparator.value, i.target_value, i.unit) for i in need.indicators] \
            == [("厚度均匀性", "<=", Decimal("2"), "%"), ("产能", ">=", Decimal("12"), "片/小时")]
        # 17:00 Beijing time is 09:00 UTC
        assert need.deadline.hour == 9 and need.deadline.utcoffset() == timedelta(0)
        need_id = need.id
    response = client.post(f"/needs/{need_id}/edit", data={**FORM, "action": "submit"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Challenge, need_id).status == NeedStatus.submitted


def test_invalid_input_changes_nothing_and_keeps_what_was_typed(client, auth, people, app):
    auth.login("owner@example.com")
    bad = {**FORM, "budget_wan": "lots", "indicators-1-target": "high", "action": "save"}
    response = client.post("/needs/new", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "碳化硅外延设备国产化" in page and "high" in page
    assert count_needs(app) == 0


@pytest.mark.parametrize("budget", ["10000000.01", "1e30", "Infinity"])
def test_a_budget_above_the_limit_is_refused(client, auth, people, app, budget):
    auth.login("owner@example.com")
    response = client.post("/needs/new", data={**FORM, "budget_wan": budget, "action": "save"})
    assert response.status_code == 400
    assert "Enter a budget from 0 to 10,000,000 (×10k CNY)." in response.get_data(as_text=True)
    assert count_needs(app) == 0
    response = client.post("/needs/new", data={**FORM, "budget_wan": "10000000", "action": "save"})
    assert response.status_code == 302


def test_incomplete_submit_keeps_the_draft(client, auth, people, app):
    auth.login("owner@example.com")
    partial = {"title_zh": "只写了标题", "indicators-0-name": "", "action": "submit"}
    response = client.post("/needs/new", data=partial)
    assert response.status_code == 302
    with app.app_context():
        need = db.session.scalar(select(Challenge))
        assert need.title_zh == "只写了标题" and need.status == NeedStatus.draft


def test_admin_publishes_and_it_appears_on_the_public_list(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    assert b"8-inch GaN-on-Si" not in client.get("/needs/", headers={"Cookie": "lang=en"}).data
    auth.login("admin@example.com")
    # one stray click on the screening page publishes nothing: the button asks first
    response = client.post(f"/admin/needs/{need_id}/publish")
    assert response.status_code == 302 and "#need-" in response.headers["Location"]
    assert b"8-inch GaN-on-Si" not in client.get("/needs/").data
    assert 'value="publish"' in client.get("/admin/screening").get_data(as_text=True)
    assert client.post(f"/admin/needs/{need_id}/publish",
                       data={"confirm": "publish"}).status_code == 302
    auth.logout()
    client.set_cookie("lang", "en")
    assert b"8-inch GaN-on-Si" in client.get("/needs/").data
    client.set_cookie("lang", "zh")
    assert "8英寸硅基氮化镓外延片量产" in client.get("/needs/").get_data(as_text=True)


def test_admin_returns_with_reasons_shown_to_owner(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    auth.login("admin@example.com")
    client.post(f"/admin/needs/{need_id}/return", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Challenge, need_id).status == NeedStatus.submitted
    client.post(f"/admin/needs/{need_id}/return", data={"reason": "预算依据不足"})
    auth.logout()
    auth.login("owner@example.com")
    page = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert "预算依据不足" in page


@pytest.mark.parametrize("who", [None, "solver@example.com", "other-owner@example.com",
                                 "reviewer@example.com"])
def test_drafts_are_private(client, auth, people, app, who):
    need_id = make(app, people.owner_id)
    if who:
        auth.login(who)
    # the same answer as for a need that does not exist: nothing tells that the draft exists
    assert client.get(f"/needs/{need_id}").status_code == 404
    assert client.get("/needs/999999").status_code == 404
    assert client.get(f"/needs/{need_id}/edit").status_code in (302, 403)
    response = client.post(f"/needs/{need_id}/edit", data={**FORM, "action": "save"})
    assert response.status_code in (302, 403)
    with app.app_context():
        assert db.session.get(Challenge, need_id).title_zh == "8英寸硅基氮化镓外延片量产"


@pytest.mark.parametrize("who", ["owner@example.com", "solver@example.com",
                                 "reviewer@example.com"])
def test_only_admins_screen(client, auth, people, app, who):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    auth.login(who)
    assert client.get("/admin/screening").status_code == 403
    assert client.post(f"/admin/needs/{need_id}/publish",
                       data={"confirm": "publish"}).status_code == 403
    assert client.post(f"/admin/needs/{need_id}/return", data={"reason": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(Challenge, need_id).status == NeedStatus.submitted


def test_owner_cannot_edit_after_submission(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    auth.login("owner@example.com")
    assert client.get(f"/needs/{need_id}/edit").status_code == 403
    assert client.post(f"/needs/{need_id}/edit", data={**FORM, "action": "save"}).status_code \
        == 403


def test_solver_cannot_create_needs(client, auth, people):
    auth.login("solver@example.com")
    assert client.get("/needs/new").status_code == 403
    assert client.get("/my/needs").status_code == 403


def test_markdown_is_rendered_without_scripts(client, auth, people, app):
    evil = ("# Title\n<script>alert(1)</script>\n[x](javascript:alert(2)) "
            "<img src=x onerror=alert(3)>\n\n**bold**")
    need_id = make(app, people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                   description_zh=evil)
    client.set_cookie("lang", "zh")
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<img src=x onerror" not in page and 'onerror="' not in page


def test_confidential_details_need_accepted_terms(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.published, admin_id=people.admin_id)
    secret = "当前良率 62%"
    assert secret not in client.get(f"/needs/{need_id}").get_data(as_text=True)
    auth.login("solver@example.com")
    assert secret not in client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert client.post(f"/needs/{need_id}/terms").status_code == 302
    assert secret in client.get(f"/needs/{need_id}").get_data(as_text=True)
    with app.app_context():
        acceptance = db.session.scalar(select(TermsAcceptance))
        assert acceptance.user_id == people.solver_id and acceptance.accepted_at is not None


def test_terms_cannot_be_accepted_on_a_draft(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("solver@example.com")
    assert client.post(f"/needs/{need_id}/terms").status_code == 403


def test_list_filters_and_sorting(client, people, app):
    with app.app_context():
        small = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                               title_en="Small one", budget_wan=Decimal(500),
                               deadline=utcnow() + timedelta(days=5))
        big = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                             title_en="Big one", budget_wan=Decimal(20000),
                             deadline=utcnow() + timedelta(days=60))
        closed = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                                title_en="Closed one")
        closed.deadline = utcnow() - timedelta(days=1)
        db.session.commit()
        del small, big
    client.set_cookie("lang", "en")

    def titles(query):
        page = client.get("/needs/" + query).get_data(as_text=True)
        return [t for t in ("Small one", "Big one", "Closed one") if t in page]

    assert titles("") == ["Small one", "Big one"]
    assert titles("?budget=ge10000") == ["Big one"]
    assert titles("?budget=lt1000") == ["Small one"]
    assert titles("?deadline=7") == ["Small one"]
    assert titles("?status=closed") == ["Closed one"]
    page = client.get("/needs/?sort=budget").get_data(as_text=True)
    assert page.index("Big one") < page.index("Small one")


def test_list_paginates(client, people, app):
    with app.app_context():
        for i in range(15):
            factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                           title_en=f"Need number {i:02d}")
        db.session.commit()
    client.set_cookie("lang", "en")
    first = client.get("/needs/").get_data(as_text=True)
    second = client.get("/needs/?page=2").get_data(as_text=True)
    on_first = {i for i in range(15) if f"Need number {i:02d}" in first}
    on_second = {i for i in range(15) if f"Need number {i:02d}" in second}
    assert len(on_first) == 12 and len(on_second) == 3 and not on_first & on_second
    # past the end, or numbers no list reaches (an OFFSET beyond 64 bits was a 500)
    for page in ("3", "0", "-1", "abc", "99999999999999999999"):
        assert client.get(f"/needs/?page={page}").status_code == 404, page


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, need_id, data: bytes, name: str, confidential=False):
    form = {"file": (io.BytesIO(data), name)}
    if confidential:
        form["confidential"] = "y"
    return client.post(f"/needs/{need_id}/attachments", data=form,
                       content_type="multipart/form-data")


def test_attachments_checked_by_content_and_downloaded_safely(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    upload(client, need_id, b"<html><script>alert(1)</script></html>", "report.pdf")
    upload(client, need_id, PDF, "技术方案.pdf")
    with app.app_context():
        need = db.session.get(Challenge, need_id)
        assert [a.filename for a in need.attachments] == ["技术方案.pdf"]
        attachment = need.attachments[0]
        assert attachment.content_type == "application/pdf"
        assert attachment.storage_key not in attachment.filename
        url = f"/needs/{need_id}/attachments/{attachment.id}"
    with client.get(url) as response:
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()
    assert client.get(url).status_code == 404  # the need is still a draft
    auth.login("solver@example.com")
    assert client.get(url).status_code == 403


def test_attachment_size_limit(client, auth, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1024)
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    upload(client, need_id, PDF + b"0" * 2048, "big.pdf")
    with app.app_context():
        assert db.session.get(Challenge, need_id).attachments == []


def test_confidential_attachment_needs_terms(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    upload(client, need_id, PDF, "secret.pdf", confidential=True)
    with app.app_context():
        need = db.session.get(Challenge, need_id)
        attachment_id = need.attachments[0].id
        from marketplace.challenges import operations
        from marketplace.accounts.models import User
        operations.submit(need, db.session.get(User, people.owner_id))
        operations.publish(need, db.session.get(User, people.admin_id))
        db.session.commit()
    auth.logout()
    url = f"/needs/{need_id}/attachments/{attachment_id}"
    assert client.get(url).status_code == 404
    auth.login("solver@example.com")
    assert client.get(url).status_code == 403
    client.post(f"/needs/{need_id}/terms")
    with client.get(url) as response:
        assert response.status_code == 200 and response.data == PDF


def test_indicator_rows_are_stored_in_order(app, people, ctx):
    need = factories.need(people.owner_id)
    rows = db.session.scalars(select(Indicator).where(Indicator.challenge_id == need.id)
                              .order_by(Indicator.position)).all()
    assert [r.name for r in rows] == ["击穿电压", "翘曲度"]
    assert rows[0].comparator.symbol == "≥"


def test_removed_attachment_file_is_deleted_after_commit(client, auth, people, app):
    from pathlib import Path
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    upload(client, need_id, PDF, "old.pdf")
    with app.app_context():
        attachment = db.session.get(Challenge, need_id).attachments[0]
        path = Path(app.config["UPLOAD_DIR"]) / attachment.storage_key
        attachment_id = attachment.id
    assert path.exists()
    client.post(f"/needs/{need_id}/attachments/{attachment_id}/delete")
    assert not path.exists()


def test_file_of_a_failed_request_is_not_left_behind(client, auth, people, app, monkeypatch):
    from pathlib import Path
    from marketplace.challenges import views
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    before = set(Path(app.config["UPLOAD_DIR"]).glob("*"))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(views, "Attachment", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert upload(client, need_id, PDF, "lost.pdf").status_code == 500
    assert set(Path(app.config["UPLOAD_DIR"]).glob("*")) == before


def _with_file(data: dict, content: bytes, name: str) -> dict:
    return {**data, "new_file": (io.BytesIO(content), name)}


def test_a_file_is_saved_together_with_what_was_typed(client, auth, people, app):
    auth.login("owner@example.com")
    response = client.post("/needs/new", data=_with_file({**FORM, "action": "save"}, PDF,
                                                         "方案.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        need = db.session.scalar(select(Challenge))
        assert need.title_en == FORM["title_en"]
        assert [a.filename for a in need.attachments] == ["方案.pdf"]
        need_id, attachment_id = need.id, need.attachments[0].id
    page = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and f'value="{attachment_id}"' in page
    # typed changes and a removal in one save
    response = client.post(f"/needs/{need_id}/edit", data={
        **FORM, "title_en": "Renamed", "remove_attachment": str(attachment_id),
        "action": "save"}, content_type="multipart/form-data")
    with app.app_context():
        need = db.session.get(Challenge, need_id)
        assert need.title_en == "Renamed" and need.attachments == []


def test_a_refused_file_keeps_the_typed_changes_and_does_not_submit(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    response = client.post(f"/needs/{need_id}/edit", data=_with_file(
        {**FORM, "title_en": "Typed before the upload", "action": "submit"},
        b"<html>not a pdf</html>", "fake.pdf"), content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("#files")
    with app.app_context():
        need = db.session.get(Challenge, need_id)
        assert need.title_en == "Typed before the upload"
        assert need.status == NeedStatus.draft and need.attachments == []
    page = client.get(response.location).get_data(as_text=True)
    assert "The file was not attached" in page and "Your other changes were saved." in page


def test_a_need_with_no_budget_committed_cannot_be_submitted(client, auth, people, app):
    """A budget of 0 万元 was submitted and published ("CNY 0" on the need page)."""
    auth.login("owner@example.com")
    response = client.post("/needs/new", data={**FORM, "budget_wan": "0", "action": "submit"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "saved but not submitted" in page and "more than 0" in page
    with app.app_context():
        assert db.session.scalar(select(Challenge)).status == NeedStatus.draft


def test_missing_items_are_listed_once(client, auth, people, app):
    auth.login("owner@example.com")
    response = client.post("/needs/new", data={"title_zh": "只写了标题", "action": "submit"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "saved but not submitted" in page
    from markupsafe import escape
    from marketplace.challenges import operations
    with app.test_request_context():
        need = db.session.scalar(select(Challenge))
        missing = {name: str(escape(m)) for name, m in operations.missing_fields(need).items()}
    notice = page.split('<div class="notice">')[1].split("</div>")[0]
    assert missing and all(notice.count(m) == 1 for m in missing.values())
    # each item links to its field, and the field itself is marked with it
    assert 'href="#budget_wan"' in notice and 'href="#indicator-table"' in notice
    form_part = page.split('<div class="notice">')[1].split("</div>", 1)[1]
    for name in ("budget_wan", "deadline", "contact_email", "title_en"):
        assert form_part.count(missing[name]) == 1, name
    assert "data-indicators-missing" in form_part          # the indicator section too


def test_a_refused_form_lists_every_marked_field_in_its_summary(client, auth, people, app):
    """Typing errors and missing items alike: as many summary lines as marked fields."""
    auth.login("owner@example.com")
    response = client.post("/needs/new", data={
        "title_zh": "只写了标题", "budget_wan": "-5", "period_months": "0",
        "indicators-0-name": "效率", "indicators-0-comparator": "ge",
        "indicators-0-target": "40%", "action": "submit"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    notice = page.split('<div class="notice" role="alert">')[1].split("</div>")[0]
    form_part = page.split('<div class="notice" role="alert">')[1].split("</div>", 1)[1]
    marked = re.findall(r'<p class="error"[^>]*>(.*?)</p>', form_part)
    listed = re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', notice)
    assert len(listed) == len(marked) >= 6, (listed, marked)
    anchors = {anchor for anchor, _message in listed}
    assert {"budget_wan", "period_months", "indicators-0-target"} <= anchors
    assert all(f'id="{anchor}"' in page for anchor in anchors)
    assert any("Indicator 1:" in message and "40%" in message for _a, message in listed)
    with app.app_context():
        assert db.session.scalar(select(Challenge)) is None        # nothing was saved


def test_the_published_message_names_the_need_in_the_page_language(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.post(f"/admin/needs/{need_id}/publish", data={"confirm": "publish"},
                       follow_redirects=True)
    assert "Published: 8-inch GaN-on-Si epitaxy" in page.get_data(as_text=True)


# -- the owner withdraws a submitted need, deletes a junk draft --------------------------------
def test_the_owner_withdraws_a_submitted_need_and_edits_it_again(client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.submitted)
    auth.login("owner@example.com")
    assert "data-withdraw" in client.get("/my/needs").get_data(as_text=True)
    assert client.post(f"/needs/{need_id}/withdraw").status_code == 302
    with app.app_context():
        need = db.session.get(Challenge, need_id)
        assert need.status == NeedStatus.draft
        assert need.transitions[-1].reason == "withdrawn"
    assert client.get(f"/needs/{need_id}/edit").status_code == 200
    auth.logout()
    auth.login("admin@example.com")
    assert "8英寸硅基氮化镓" not in client.get("/admin/screening").get_data(as_text=True)


def test_only_the_owner_withdraws_and_only_from_screening(client, auth, people, app):
    submitted = make(app, people.owner_id, NeedStatus.submitted)
    published = make(app, people.owner_id, NeedStatus.published, people.admin_id)
    auth.login("other-owner@example.com")
    assert client.post(f"/needs/{submitted}/withdraw").status_code == 403
    auth.logout()
    auth.login("owner@example.com")
    assert client.post(f"/needs/{published}/withdraw").status_code == 403
    with app.app_context():
        assert db.session.get(Challenge, published).status == NeedStatus.published


def test_the_owner_deletes_a_draft_after_confirming(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    assert "data-delete-draft" in client.get("/my/needs").get_data(as_text=True)
    client.post(f"/needs/{need_id}/delete")                 # no confirmation: nothing happens
    with app.app_context():
        assert db.session.get(Challenge, need_id) is not None
    response = client.post(f"/needs/{need_id}/delete", data={"confirm": "delete"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Challenge, need_id) is None
        assert db.session.scalar(select(func.count(Indicator.id))) == 0


def test_a_need_ever_published_or_of_another_owner_is_never_deleted(client, auth, people, app):
    published = make(app, people.owner_id, NeedStatus.published, people.admin_id)
    other = make(app, people.owner_id)
    auth.login("other-owner@example.com")
    assert client.post(f"/needs/{other}/delete", data={"confirm": "delete"}).status_code == 403
    auth.logout()
    auth.login("owner@example.com")
    assert client.post(f"/needs/{published}/delete",
                       data={"confirm": "delete"}).status_code == 403
    with app.app_context():
        assert db.session.get(Challenge, published) is not None
        assert db.session.get(Challenge, other) is not None


def test_requirements_terms_and_confidential_details_in_the_readers_language(
        client, auth, people, app):
    need_id = make(app, people.owner_id, NeedStatus.published, people.admin_id,
                   requirements="具有氮化镓外延量产经验", requirements_en="GaN epitaxy in volume",
                   terms_text="成果归属按协议", terms_text_en="Results as agreed",
                   confidential_details="当前良率 62%", confidential_details_en="Yield now 62%")
    auth.login("solver@example.com")
    client.post(f"/needs/{need_id}/terms")
    client.set_cookie("lang", "en")
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "GaN epitaxy in volume" in page and "Yield now 62%" in page
    assert "具有氮化镓外延量产经验" not in page and "当前良率" not in page
    assert "Results as agreed" in page                     # terms stay in view once accepted
    client.set_cookie("lang", "zh")
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "具有氮化镓外延量产经验" in page and "当前良率 62%" in page
    assert "成果归属按协议" in page
    # the owner, the admin and a visitor read the further terms too
    for who in ("owner@example.com", "admin@example.com", None):
        auth.logout()
        if who:
            auth.login(who)
        assert "成果归属按协议" in client.get(f"/needs/{need_id}").get_data(as_text=True), who
    # a need with only one language shows it in both
    other = make(app, people.owner_id, NeedStatus.published, people.admin_id,
                 requirements="仅中文要求", requirements_en=None)
    client.set_cookie("lang", "en")
    assert "仅中文要求" in client.get(f"/needs/{other}").get_data(as_text=True)


def test_the_owner_writes_both_languages_in_the_form(client, auth, people, app):
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    form = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    for name in ("requirements_en", "terms_text_en", "confidential_details_en"):
        assert f'name="{name}"' in form


def test_return_reasons_keep_their_line_breaks_and_my_needs_shows_units(client, auth, people,
                                                                        app):
    with app.test_request_context():
        from marketplace.accounts.models import User
        need = factories.need(people.owner_id, NeedStatus.submitted)
        from marketplace.challenges import operations as ops
        ops.return_to_owner(need, db.session.get(User, people.admin_id),
                            "1. 补充测试方法\n2. 说明预算构成")
        db.session.commit()
        need_id = need.id
    auth.login("owner@example.com")
    page = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert '<span class="pre-line">1. 补充测试方法\n2. 说明预算构成</span>' in page
    client.set_cookie("lang", "zh")
    assert "12,000\u00a0万元" in client.get("/my/needs").get_data(as_text=True)


def test_examples_in_empty_fields_say_they_are_examples(client, auth, people, app):
    """A placeholder such as "650" or "V" reads as a value already typed in: every one on the
    need form (and the audit filter) starts with "e.g." / "例如"."""
    need_id = make(app, people.owner_id)
    for lang, prefix in (("en", "e.g. "), ("zh", "例如")):
        client.set_cookie("lang", lang)
        auth.login("owner@example.com")
        pages = [client.get(f"/needs/{need_id}/edit").get_data(as_text=True)]
        auth.logout()
        auth.login("admin@example.com")
        pages.append(client.get("/admin/audit/").get_data(as_text=True))
        auth.logout()
        placeholders = [p for page in pages for p in re.findall(r'placeholder="([^"]*)"', page)]
        assert len(placeholders) >= 5
        assert all(p.startswith(prefix) for p in placeholders), placeholders


def test_a_refused_submission_names_everything_at_once(client, auth, people, app):
    """A typing error and missing fields: all of them are marked in the first answer, not
    the missing ones only after the typing error is fixed."""
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    typed = {**FORM, "title_en": "", "period_months": "", "contact_email": "",
             "budget_wan": "-5", "action": "submit"}
    response = client.post("/needs/new", data=typed)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter a budget from 0", "Title (English) is required.",
                    "The project period is required.", "A contact email is required."):
        assert message in text, message
    assert count_needs(app) == 0                        # and nothing was stored
    assert 'value="碳化硅外延设备国产化"' in text          # what was typed stays


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_archives_are_checked_inside_and_downloads_name_their_real_type(client, auth, people,
                                                                       app):
    """A zip bomb, a program inside a ZIP and a path climbing out are refused; a PDF named
    .exe downloads as .exe.pdf."""
    need_id = make(app, people.owner_id)
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    bomb = _zip({f"part{i}.txt": b"\0" * (60 * 1024 * 1024) for i in range(4)})   # 240 MB
    refused = {
        "bomb.zip": (bomb, "unpacks to more than"),
        "tools.zip": (_zip({"docs/readme.pdf": PDF, "setup.exe": b"MZ" + b"\0" * 64}),
                      "program or script"),
        "climb.zip": (_zip({"../../etc/cron.d/x": b"* * * * * root true"}), "outside its"),
    }
    for name, (data, reason) in refused.items():
        page = upload(client, need_id, data, name)
        assert reason in client.get(f"/needs/{need_id}/edit").get_data(as_text=True) or \
            reason in page.get_data(as_text=True), name
    assert upload(client, need_id, _zip({"specs/sheet.pdf": PDF}), "specs.zip")
    upload(client, need_id, PDF, "invoicefdp.exe")
    with app.app_context():
        files = {a.filename: a.id for a in db.session.get(Challenge, need_id).attachments}
    assert set(files) == {"specs.zip", "invoicefdp.exe"}
    with client.get(f"/needs/{need_id}/attachments/{files['invoicefdp.exe']}") as download:
        assert 'filename=invoicefdp.exe.pdf' in download.headers["Content-Disposition"]


def test_the_list_follows_needs_through_review_publicity_and_award(client, people, app):
    """A visitor can list the needs under review, in publicity (公示) and awarded."""
    stages = {"Reviewed one": NeedStatus.under_review, "Public one": NeedStatus.publicity,
              "Awarded one": NeedStatus.awarded, "Contracted one": NeedStatus.contracted,
              "Open one": NeedStatus.published}
    with app.app_context():
        for title, status in stages.items():
            need = factories.need(people.owner_id, NeedStatus.published,
                                  admin_id=people.admin_id, title_en=title)
            need.status = status
        db.session.commit()
    client.set_cookie("lang", "en")

    def titles(query):
        page = client.get("/needs/" + query).get_data(as_text=True)
        return sorted(t for t in stages if t in page)

    assert titles("?status=under_review") == ["Reviewed one"]
    assert titles("?status=publicity") == ["Public one"]
    assert titles("?status=awarded") == ["Awarded one", "Contracted one"]
    assert titles("?status=open") == ["Open one"]
    page = client.get("/needs/?status=publicity").get_data(as_text=True)
    assert '<option value="publicity" selected>' in page


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_need_without_any_title_is_refused_with_a_message_not_a_500(client, auth, people, app,
                                                                     action):
    """Both title fields empty gave a 500 (the database's title check) and lost the form."""
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    response = client.post("/needs/new", data={
        "title_zh": "  ", "title_en": "", "summary_zh": "高能量密度钠离子电池正极材料。",
        "budget_wan": "800", "action": action})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    # once in the summary at the top, once beside the field
    assert text.count("Give the need a title, in Chinese or in English.") == 2
    summary = text.split('<div class="notice" role="alert">')[1].split("</div>")[0]
    assert "Give the need a title, in Chinese or in English." in summary
    assert "高能量密度钠离子电池正极材料。" in text                     # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count(Challenge.id))) == 0


def test_blank_reasons_questions_and_answers_are_refused_with_a_message(client, auth, people,
                                                                       app):
    """Text of spaces passed the browser and InputRequired: a 500 on returning a need, and an
    empty question posted publicly (and emailed to the owner)."""
    from marketplace.qa.models import Question
    from tests import factories
    with app.app_context():
        submitted = factories.need(people.owner_id, NeedStatus.submitted).id
        published = factories.need(people.owner_id, NeedStatus.published).id
        db.session.commit()
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    response = client.post(f"/admin/needs/{submitted}/return", data={"reason": "   \n  "},
                           follow_redirects=True)
    assert response.status_code == 400
    # said beside that need's box, which is marked (not only at the top of a long queue)
    form = response.get_data(as_text=True).split(f'id="return-{submitted}"')[1].split(
        "</form>")[0]
    assert "Give the reasons for returning the need." in form and 'aria-invalid="true"' in form
    auth.logout()
    auth.login("solver@example.com")
    response = client.post(f"/needs/{published}/questions", data={"text": "  \n "},
                           follow_redirects=True)
    assert "Write your question." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Challenge, submitted).status == NeedStatus.submitted
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_each_summary_line_names_its_field_when_the_message_does_not(client, auth, people):
    auth.login("owner@example.com")
    page = client.post("/needs/new", data={**FORM, "contact_email": "not-an-address",
                                           "action": "save"}).get_data(as_text=True)
    notice = page.split('<div class="notice" role="alert">')[1].split("</div>")[0]
    assert "Contact email: Enter a valid email address, e.g. name@example.com." in notice


def test_a_reader_is_told_when_the_need_is_only_in_the_other_language(client, people, app):
    with app.app_context():
        need_id = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                                 description_en=None).id
        db.session.commit()
    client.set_cookie("lang", "en")
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "wrote this need in Chinese only" in page and 'class="prose" lang="zh-CN"' in page
    client.set_cookie("lang", "zh")
    assert "data-other-language" not in client.get(f"/needs/{need_id}").get_data(as_text=True)
