"""`flask --app wsgi ocds export [--records] [-o FILE]`, on a small database and on the demo data
with its review round taken on to an award and a contract."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.challenges.models import NeedStatus
from marketplace.core.types import utcnow
from marketplace.demo.loader import DEMO_LOGINS
from marketplace.extensions import db
from marketplace.review import decisions
from marketplace.review.award_models import Outcome
from marketplace.review.demo import LAST_REVIEWER, REVIEW_NEED_REF
from marketplace.review.operations import current_round
from marketplace.review.queries import results
from marketplace.review.scoring import ScoreInput, save_sheet

from .. import factories
from . import builders
from .validation import assert_valid


def test_export_writes_a_release_package_to_stdout_or_a_file(app, runner, people, tmp_path):
    with app.app_context():
        factories.need(people.owner_id, NeedStatus.published, people.admin_id)
        factories.need(people.owner_id, NeedStatus.draft)
        db.session.commit()
    result = runner.invoke(args=["ocds", "export"])
    assert result.exit_code == 0, result.output
    package = json.loads(result.stdout)
    assert len(package["releases"]) == 1
    assert "1" in result.stderr                         # how many releases were written
    assert_valid(package)
    target = tmp_path / "releases.json"
    result = runner.invoke(args=["ocds", "export", "-o", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == package
    records = runner.invoke(args=["ocds", "export", "--records"])
    assert records.exit_code == 0
    assert_valid(json.loads(records.stdout), "record")


def test_export_to_a_path_it_cannot_write_says_so(runner, app, tmp_path):
    result = runner.invoke(args=["ocds", "export", "-o", str(tmp_path / "missing" / "x.json")])
    assert result.exit_code != 0 and "x.json" in result.output


def _award_and_contract_the_demo_round() -> str:
    """What the demo's program office does next: the last reviewer scores, the office
    proposes the best bid, the owner confirms, publicity passes, the contract is recorded."""
    need = builders.need_by_ref(REVIEW_NEED_REF)
    admin = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[0][0]))
    owner = db.session.get(User, need.created_by_id)
    review = current_round(need)
    reviewer = db.session.scalar(select(User).where(User.email == LAST_REVIEWER))
    assignment = next(a for a in review.active_assignments if a.reviewer_id == reviewer.id)
    for entry in review.eligible_entries:
        save_sheet(assignment, entry, reviewer,
                   {c.id: ScoreInput("80", "方案可行。A workable plan.") for c in review.criteria},
                   None, submit=True)
    best = results(review).ranking[0].key
    decision = decisions.propose_decision(
        review, admin, outcome=Outcome.award, winner_entry_ids=[best.id],
        rationale="综合得分第一。", rationale_en="Best panel score.", publicity_days=7)
    decisions.confirm_decision(decision, owner)
    decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
    decisions.finalise(decision, admin)
    decisions.record_contract(need, admin)
    db.session.commit()
    return best.bid.organisation.name


def test_the_demo_data_exports_a_valid_package_with_the_awarded_need(app, runner, tmp_path):
    assert runner.invoke(args=["setup", "--demo"]).exit_code == 0
    with app.test_request_context():
        winner = _award_and_contract_the_demo_round()
        ocid = app.config["OCID_PREFIX"] + REVIEW_NEED_REF
    target = tmp_path / "demo-releases.json"
    result = runner.invoke(args=["ocds", "export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    assert_valid(package)
    assert len({r["ocid"] for r in package["releases"]}) >= 38     # the published demo needs
    awarded = [r for r in package["releases"] if r["ocid"] == ocid]
    assert [r["tag"] for r in awarded] == [["tender"], ["tenderUpdate"], ["award"],
                                           ["tenderUpdate", "awardUpdate"], ["contract"]]
    last = awarded[-1]
    assert [a["suppliers"][0]["name"] for a in last["awards"]] == [winner]
    assert last["awards"][0]["status"] == "active"
    [contract] = last["contracts"]
    assert contract["awardID"] == last["awards"][0]["id"] and contract["status"] == "active"
    assert contract["implementation"]["milestones"]
    assert last["bids"]["statistics"][0]["value"] == 3
    records = runner.invoke(args=["ocds", "export", "--records"])
    assert records.exit_code == 0
    record_package = json.loads(records.stdout)
    assert_valid(record_package, "record")
    [record] = [r for r in record_package["records"] if r["ocid"] == ocid]
    assert record["compiledRelease"]["contracts"][0]["id"] == contract["id"]
