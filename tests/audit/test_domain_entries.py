"""The acts the audit log records by subscribing to the domains' events: a need submitted,
published, returned and closed at its deadline; taxonomy imports; organisations verified;
roles changed. Each is done as a user does it (a page or a command); a refused act, or one
rolled back, leaves no entry."""
import re
from datetime import datetime, timedelta
from io import BytesIO

import yaml
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, Role, User
from marketplace.audit.models import AuditEntry
from marketplace.audit.operations import verify
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.timefmt import format_in_zone, program_zone
from marketplace.core.types import utcnow
from marketplace.extensions import db
from tests import factories
from tests.search.helpers import load_taxonomy

NEED_FORM = {
    "title_zh": "碳化硅外延设备国产化", "title_en": "Domestic SiC epitaxy reactor",
    "summary_zh": "研制8英寸碳化硅外延设备。", "summary_en": "An 8-inch SiC epitaxy reactor.",
    "description_zh": "## 背景\n依赖进口。", "description_en": "## Background\nImported today.",
    "indicators-0-name": "厚度均匀性", "indicators-0-name_en": "Thickness uniformity",
    "indicators-0-comparator": "<=", "indicators-0-target": "2", "indicators-0-unit": "%",
    "budget_wan": "8000", "deadline": "2099-06-30T17:00", "period_months": "30",
    "ip_terms": "exclusive", "contact_email": "liu@example.com", "contact_name": "刘工",
}
TINY = {"version": "tiny", "clusters": [{"id": "semis", "zh": "半导体", "en": "Semiconductors",
        "chains": [{"id": "wide-bandgap-semiconductors", "zh": "第三代半导体",
                    "en": "Wide-bandgap semiconductors",
                    "keywords": {"pairs": [{"zh": "碳化硅", "en": "silicon carbide"}]}}]}]}


def entries(app, action: str | None = None) -> list[dict]:
    """The log's entries (of one action), oldest first, as plain values."""
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.seq)
        if action:
            query = query.where(AuditEntry.action == action)
        return [{"action": e.action, "actor": e.actor_label, "actor_id": e.actor_id,
                 "need_id": e.challenge_id, "data": e.data}
                for e in db.session.scalars(query)]


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)))


def make_need(app, people, status: NeedStatus) -> int:
    with app.app_context():
        need = factories.need(people.owner_id, status, admin_id=people.admin_id)
        db.session.commit()
        return need.id


def log_page(client, lang: str = "en", **args) -> str:
    """The admin's audit page, only its table of entries."""
    client.set_cookie("lang", lang)
    page = client.get("/admin/audit/", query_string=args)
    assert page.status_code == 200
    return page.get_data(as_text=True).split('class="list audit-log stack"')[1]


def assert_reads_as_words(table: str) -> None:
    """The details cells: no Python representations, no raw timestamps."""
    cells = re.findall(r'<td class="audit-data"[^>]*>(.*?)</td>', table, re.S)
    assert cells
    for python in ("{'", "['", "None", "True", "False", "+00:00"):
        assert not [cell for cell in cells if python in cell], python


# -- a need through screening ---------------------------------------------------------------
def test_a_need_submitted_through_the_form_is_recorded_with_its_owner(app, client, auth,
                                                                      people):
    auth.login("owner@example.com")
    # incomplete: the draft is saved but not submitted, and nothing is recorded
    incomplete = {**NEED_FORM, "title_en": "", "action": "submit"}
    assert client.post("/needs/new", data=incomplete).status_code == 302
    with app.app_context():
        need = db.session.scalar(select(Challenge))
        assert need.status == NeedStatus.draft
    assert count(app) == 0
    response = client.post(f"/needs/{need.id}/edit", data={**NEED_FORM, "action": "submit"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Challenge, need.id).status == NeedStatus.submitted
    [entry] = entries(app)
    assert entry == {"action": "need.submit", "actor": "owner@example.com",
                     "actor_id": people.owner_id, "need_id": need.id, "data": {}}


def test_publishing_is_recorded_with_the_officer_and_the_bid_deadline(app, client, auth,
                                                                      people):
    need_id = make_need(app, people, NeedStatus.submitted)
    auth.login("admin@example.com")
    before = count(app)
    # the button behind "Publish…" was not pressed: nothing happens, nothing is recorded
    client.post(f"/admin/needs/{need_id}/publish")
    assert count(app) == before
    assert client.post(f"/admin/needs/{need_id}/publish",
                       data={"confirm": "publish"}).status_code == 302
    [entry] = entries(app, "need.publish")
    with app.app_context():
        deadline = db.session.get(Challenge, need_id).deadline
    assert entry["actor"] == "admin@example.com" and entry["actor_id"] == people.admin_id
    assert entry["need_id"] == need_id
    assert datetime.fromisoformat(entry["data"]["bid_deadline"]) == deadline
    table = log_page(client, action="need.publish")
    assert "Need published" in table and "Bid deadline" in table
    with app.app_context():
        assert format_in_zone(deadline, program_zone()) in table   # in the program's zone
    assert_reads_as_words(table)


def test_a_need_past_its_deadline_cannot_be_published_and_nothing_is_recorded(app, client,
                                                                              auth, people):
    need_id = make_need(app, people, NeedStatus.submitted)
    with app.app_context():
        db.session.get(Challenge, need_id).deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    auth.login("admin@example.com")
    client.post(f"/admin/needs/{need_id}/publish", data={"confirm": "publish"})
    assert entries(app, "need.publish") == []


def test_a_return_is_recorded_with_its_reason_and_the_resubmission_after_it(app, client,
                                                                            auth, people):
    need_id = make_need(app, people, NeedStatus.submitted)
    before = count(app)
    auth.login("admin@example.com")
    for reason in ("", "   "):                          # refused: no reasons given
        client.post(f"/admin/needs/{need_id}/return", data={"reason": reason})
    assert count(app) == before
    with app.app_context():
        assert db.session.get(Challenge, need_id).status == NeedStatus.submitted
    client.post(f"/admin/needs/{need_id}/return", data={"reason": "请补充测试方法。"})
    [entry] = entries(app, "need.return")
    assert entry["actor"] == "admin@example.com" and entry["need_id"] == need_id
    assert entry["data"] == {"reason": "请补充测试方法。"}
    table = log_page(client, action="need.return")
    assert "Need returned to its owner" in table and "请补充测试方法。" in table
    assert "<strong>理由</strong>" in log_page(client, "zh", action="need.return")
    # the owner revises and submits again: recorded as a submission after a return
    auth.logout()
    auth.login("owner@example.com")
    response = client.post(f"/needs/{need_id}/edit", data={**NEED_FORM, "action": "submit"})
    assert response.status_code == 302
    last = entries(app, "need.submit")[-1]
    assert last["actor"] == "owner@example.com" and last["data"] == {"after_return": True}


def test_closing_at_the_deadline_is_recorded_once_by_the_system(app, runner, people):
    from tests.review.builders import submitted_bid
    with app.app_context():
        need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id)
        submitted_bid(need, "清华大学", "张三", "plan.pdf")
        need.deadline = utcnow() - timedelta(minutes=5)
        db.session.commit()
        need_id, deadline = need.id, need.deadline
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0   # nothing closes twice
    [entry] = entries(app, "need.close")
    assert entry["actor"] == "system" and entry["actor_id"] is None
    assert entry["need_id"] == need_id
    assert entry["data"] == {"bid_deadline": deadline.isoformat(), "bids_received": 1}
    with app.app_context():
        assert db.session.get(Challenge, need_id).status == NeedStatus.closed
        assert verify().ok


def test_republishing_records_one_entry_of_its_own(app, client, auth, people):
    """Published again after no award: the review's "need.republish", not a second
    "need.publish" for the same act."""
    need_id = make_need(app, people, NeedStatus.published)
    with app.app_context():
        db.session.get(Challenge, need_id).status = NeedStatus.not_awarded
        db.session.commit()
    auth.login("admin@example.com")
    response = client.post(f"/admin/review/needs/{need_id}/republish",
                           data={"deadline": "2099-01-15T17:00"})
    assert response.status_code == 302
    assert [e["action"] for e in entries(app)][-1] == "need.republish"
    assert len(entries(app, "need.publish")) == 1       # the first publication only


# -- the taxonomy ---------------------------------------------------------------------------
def test_a_taxonomy_uploaded_by_an_officer_is_recorded(app, client, auth, people):
    with app.app_context():
        load_taxonomy()                                  # what setup does: by the system
    [shipped] = entries(app, "taxonomy.import")
    assert shipped["actor"] == "system" and shipped["data"]["chains"] == 30
    auth.login("admin@example.com")
    document = yaml.safe_load(client.get("/admin/taxonomy/export").get_data(as_text=True))
    before = count(app)
    # not a taxonomy: refused, nothing recorded
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(b"clusters: not a list\n"), "official.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and count(app) == before
    # a file that drops a chain is held back until the removal is confirmed: nothing yet
    dropped = document["clusters"][0]["chains"].pop()
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(body), "official-2026.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 400 and count(app) == before
    response = client.post("/admin/taxonomy/import", data={
        "file": (BytesIO(body), "official-2026.yaml"), "remove_chains": "yes"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    entry = entries(app, "taxonomy.import")[-1]
    assert entry["actor"] == "admin@example.com" and entry["actor_id"] == people.admin_id
    assert entry["data"] == {
        "version": 2, "file": "official-2026.yaml", "version_name": str(document["version"]),
        "clusters": len(document["clusters"]), "chains": 29,
        "removed_chains": [{"zh": dropped["zh"], "en": dropped["en"]}]}
    table = log_page(client, action="taxonomy.import")
    assert "Taxonomy imported" in table and "official-2026.yaml" in table
    assert dropped["en"] in table and dropped["zh"] not in table
    assert_reads_as_words(table)
    assert dropped["zh"] in log_page(client, "zh", action="taxonomy.import")


def test_a_taxonomy_imported_from_the_command_line_is_recorded(app, runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("clusters: []\n", encoding="utf-8")
    assert runner.invoke(args=["taxonomy", "import", str(bad)]).exit_code == 1
    assert count(app) == 0
    good = tmp_path / "tiny.yaml"
    good.write_text(yaml.safe_dump(TINY, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["taxonomy", "import", str(good)])
    assert result.exit_code == 0, result.output
    [entry] = entries(app)
    assert entry["action"] == "taxonomy.import"
    assert entry["actor"] == "system" and entry["actor_id"] is None
    assert entry["data"] == {"version": 1, "file": "tiny.yaml", "version_name": "tiny",
                             "clusters": 1, "chains": 1, "removed_chains": []}


# -- organisations and roles ----------------------------------------------------------------
def test_verifying_an_organisation_and_taking_it_back_are_recorded(app, client, auth, people):
    url = f"/admin/organisations/{people.owner_org_id}/verify"
    auth.login("owner@example.com")
    assert client.post(url).status_code == 403          # refused: not an officer
    auth.logout()
    assert count(app) == 0
    auth.login("admin@example.com")
    client.post(url)
    client.post(url)
    verified, removed = entries(app)
    assert verified["action"] == "organisation.verify"
    assert removed["action"] == "organisation.unverify"
    for entry in (verified, removed):
        assert entry["actor"] == "admin@example.com" and entry["actor_id"] == people.admin_id
        assert entry["data"] == {"organisation": {"name": "苏州氮化镓科技有限公司",
                                                  "name_en": None}}
    with app.app_context():
        assert db.session.get(Organisation, people.owner_org_id).verified is False
    table = log_page(client)
    assert "Organisation verified" in table and "Organisation’s verification removed" in table
    assert "苏州氮化镓科技有限公司" in table
    assert_reads_as_words(table)


def test_a_change_of_roles_is_recorded_with_what_was_given_and_taken(app, client, auth,
                                                                     people):
    auth.login("admin@example.com")
    # refused: an officer cannot take their own administrator role; nothing recorded
    client.post(f"/admin/users/{people.admin_id}/roles", data={"roles": ["owner"]})
    # the same roles again: nothing changed, nothing recorded
    client.post(f"/admin/users/{people.solver_id}/roles", data={"roles": ["solver"]})
    assert count(app) == 0
    client.post(f"/admin/users/{people.solver_id}/roles", data={"roles": ["reviewer", "admin"]})
    [entry] = entries(app)
    assert entry["action"] == "user.roles" and entry["actor"] == "admin@example.com"
    assert entry["actor_id"] == people.admin_id
    assert entry["data"] == {"user": "solver@example.com", "granted": ["admin", "reviewer"],
                             "revoked": ["solver"], "roles": ["admin", "reviewer"]}
    with app.app_context():
        assert db.session.get(User, people.solver_id).roles == {Role.reviewer, Role.admin}
    table = log_page(client)
    assert "Roles changed" in table and "Roles taken away" in table
    assert "Solver team" in table and "Administrator, Reviewer" in table
    assert "solver</span>" in table and "solver@example.com</span>" not in table  # by name
    assert_reads_as_words(table)
    zh = log_page(client, "zh")
    assert "揭榜方" in zh and "管理员、评审专家" in zh


# -- a rollback takes the entry with it -----------------------------------------------------
def test_an_act_rolled_back_leaves_no_entry(app, people):
    from marketplace.accounts.operations import set_user_roles, set_verified
    from marketplace.challenges import operations
    with app.test_request_context():
        admin = db.session.get(User, people.admin_id)
        need = factories.need(people.owner_id, NeedStatus.submitted)
        set_verified(db.session.get(Organisation, people.owner_org_id), True, admin)
        set_user_roles(db.session.get(User, people.solver_id), {Role.owner}, admin)
        operations.return_to_owner(need, admin, "请补充。")
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 4
        db.session.rollback()
    assert count(app) == 0
    with app.app_context():
        assert verify().ok
