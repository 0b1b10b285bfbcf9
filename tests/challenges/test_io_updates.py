"""Re-import by id: only imported needs, only before the review, and every field replaced."""
from datetime import timedelta

from marketplace.bids.models import Bid
from marketplace.challenges.io import DEFAULT_OWNER
from marketplace.challenges.models import IPTerms, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .. import factories
from .io_support import by_ref, export, imported, refused, run_import

FULL = {"id": "U1", "title": "Robot joint", "description": "high torque", "budget_wan": 100,
        "indicators": "扭矩 >= 100 Nm", "period_months": 12, "ip_terms": "exclusive",
        "contact_name": "Li", "requirements": "r", "deadline": "2099-06-01", "owner": "ACME",
        "owner_country": "US", "summary": "sum", "title_zh": "机器人关节"}


def enterprise_need(app, people, status=NeedStatus.published):
    with app.app_context():
        need = factories.need(people.owner_id, status, admin_id=people.admin_id)
        db.session.commit()
        return need.ref, need.title_en


def test_a_need_entered_on_the_platform_is_not_taken_over(runner, app, tmp_path, people):
    ref, title = enterprise_need(app, people)
    draft_ref, _title = enterprise_need(app, people, NeedStatus.draft)
    result = imported(runner, tmp_path, {"id": "NEW-1", "title": "新", "description": "d"},
                      {"id": ref, "title": "Taken over", "description": "d"},
                      {"id": draft_ref, "title": "Taken over", "description": "d"})
    refused(result, f"line 2: id {ref} is the list number of a need entered on the platform; "
                    "use another id", f"line 3: id {draft_ref} is the list number")
    with app.app_context():
        need = by_ref(ref)
        assert need.title_en == title and need.organisation_id == people.owner_org_id
        assert by_ref(draft_ref).status == NeedStatus.draft and by_ref("NEW-1") is None


def test_an_imported_need_under_review_is_not_changed(runner, app, tmp_path):
    imported(runner, tmp_path, FULL)
    with app.app_context():
        by_ref("U1").status = NeedStatus.under_review
        db.session.commit()
    refused(imported(runner, tmp_path, dict(FULL, title="Changed")),
            "line 1: need U1 is under_review; an import may change a need only while it is "
            "published or closed for bids")
    with app.app_context():
        assert by_ref("U1").title_en == "Robot joint"


def test_a_closed_need_is_not_reopened_by_a_later_deadline(runner, app, tmp_path):
    imported(runner, tmp_path, dict(FULL, deadline="2020-01-01"))
    refused(imported(runner, tmp_path, FULL), "line 1: need U1 is closed for bids; an import "
                                              "cannot reopen it (give its deadline, 2020-01-01")
    result = imported(runner, tmp_path, dict(FULL, deadline="2020-01-01", contact_name="Wang"))
    assert "1 updated" in result.output


def test_reimport_replaces_every_field_with_the_record_or_its_default(runner, app, tmp_path):
    assert imported(runner, tmp_path, FULL).exit_code == 0
    result = imported(runner, tmp_path, {"id": "U1", "title": "机器人关节", "description": "高扭矩"})
    assert "(0 new, 1 updated, 0 unchanged)" in result.output
    with app.app_context():
        need = by_ref("U1")
        assert (need.title_zh, need.title_en, need.summary_en, need.requirements,
                need.contact_name, need.budget_wan, need.period_months, need.indicators) == (
            "机器人关节", None, None, None, None, None, None, [])
        assert need.ip_terms == IPTerms.non_exclusive and need.organisation.name == DEFAULT_OWNER
        assert timedelta(days=59) < need.deadline - utcnow() < timedelta(days=61)
        assert need.status == NeedStatus.published


def test_an_unchanged_record_changes_nothing(runner, app, tmp_path, people):
    """Export, then import the same file into the same database: nothing to do."""
    enterprise_need(app, people)
    imported(runner, tmp_path, FULL)
    for fmt in ("jsonl", "csv", "xlsx"):
        result = run_import(runner, export(runner, fmt, tmp_path))
        assert "Imported 2 needs (0 new, 0 updated, 2 unchanged)." in result.output, fmt


def test_unchanged_indicators_keep_the_rows_bids_refer_to(runner, app, tmp_path, people):
    imported(runner, tmp_path, FULL)
    with app.app_context():
        need = by_ref("U1")
        indicator_ids = [row.id for row in need.indicators]
        db.session.add(Bid(challenge_id=need.id, organisation_id=people.owner_org_id))
        db.session.commit()
    assert "1 updated" in imported(runner, tmp_path, dict(FULL, contact_name="Wang")).output
    with app.app_context():
        assert [row.id for row in by_ref("U1").indicators] == indicator_ids
    refused(imported(runner, tmp_path, dict(FULL, indicators="扭矩 >= 120 Nm")),
            "line 1: need U1 has bids already; its indicators cannot change")
