"""Decision, owner confirmation, publicity, objections, final award, contract, 验收."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEntry
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.review import decisions, scoring
from marketplace.review.award_models import (DecisionStatus, MilestoneStatus, ObjectionStatus,
                                             Outcome)
from marketplace.review.models import RoundStatus
from marketplace.review.operations import ReviewRefused
from marketplace.review.queries import results

from .conftest import get_user, open_with_panel

SCORES = {"A": "90", "B": "70", "C": "50"}


def score_all(review, overrides=None):
    for n, assignment in enumerate(review.active_assignments):
        reviewer = get_user(assignment.reviewer_id)
        for entry in review.eligible_entries:
            value = (overrides or {}).get((n, entry.label), SCORES[entry.label])
            inputs = {c.id: scoring.ScoreInput(value, "ok") for c in review.criteria}
            scoring.save_sheet(assignment, entry, reviewer, inputs, None, submit=True)


def decided(scene, outcome=Outcome.award, labels=("A",)):
    review = open_with_panel(scene)
    score_all(review)
    winners = [e.id for e in review.entries if e.label in labels]
    decision = decisions.propose_decision(review, get_user(scene.admin_id), outcome=outcome,
                                          winner_entry_ids=winners, rationale="最高分",
                                          publicity_days=7)
    return review, decision


def test_ranking_and_flags_from_submitted_sheets(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review, {(0, "B"): "10"})  # one reviewer far off on B
        ranked = results(review)
        assert ranked.complete
        assert [i.key.label for i in ranked.ranking] == ["A", "B", "C"]
        b = ranked.ranking[1]
        assert b.flagged and b.trimmed_mean == 70 and b.mean == 58


def test_decision_needs_every_sheet_and_reasons(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        admin = get_user(scene.admin_id)
        with pytest.raises(ReviewRefused, match="every sheet"):
            decisions.propose_decision(review, admin, outcome=Outcome.award,
                                       winner_entry_ids=[review.entries[0].id], rationale="x",
                                       publicity_days=7)
        score_all(review)
        with pytest.raises(ReviewRefused):
            decisions.propose_decision(review, admin, outcome=Outcome.award,
                                       winner_entry_ids=[], rationale="x", publicity_days=7)


def test_owner_confirms_publicity_objection_dismissed_award_final(app, scene, people):
    with app.test_request_context():
        review, decision = decided(scene, labels=("A", "B"))  # 赛马: two winners
        need = db.session.get(Challenge, scene.need_id)
        stranger = get_user(people.solver_id)
        with pytest.raises(ReviewRefused):
            decisions.confirm_decision(decision, get_user(people.other_owner_id))
        assert not decision.can_object(stranger)
        decisions.confirm_decision(decision, get_user(scene.owner_id), "同意")
        assert need.status == NeedStatus.publicity and review.status == RoundStatus.closed
        assert len(decision.winners) == 2
        objection = decisions.lodge_objection(decision, stranger, "评分过程有误，请复核。", [])
        with pytest.raises(ReviewRefused):  # publicity not over
            decisions.finalise(decision)
        decision.publicity_ends_at = utcnow() - timedelta(minutes=1)
        assert decisions.finalise_due() == 0  # an objection is open
        decisions.resolve_objection(objection, get_user(scene.admin_id), upheld=False,
                                    resolution="经复核，评分无误。")
        assert objection.status == ObjectionStatus.dismissed
        assert decision.status == DecisionStatus.final and need.status == NeedStatus.awarded
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
        for expected in ("decision.propose", "decision.confirm", "objection.lodge",
                         "objection.resolve", "decision.final"):
            assert expected in actions


def test_finalise_due_after_quiet_publicity(app, scene):
    with app.test_request_context():
        _review, decision = decided(scene)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        assert decisions.finalise_due() == 0
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        assert decisions.finalise_due() == 1 and decision.status == DecisionStatus.final


def test_upheld_objection_reopens_the_decision(app, scene, people):
    with app.test_request_context():
        review, decision = decided(scene)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        objection = decisions.lodge_objection(decision, get_user(people.solver_id),
                                              "A队资质存疑，请核查。", [])
        decisions.resolve_objection(objection, get_user(scene.admin_id), upheld=True,
                                    resolution="异议成立，重新评审。")
        need = db.session.get(Challenge, scene.need_id)
        assert decision.status == DecisionStatus.reopened
        assert need.status == NeedStatus.under_review and review.status == RoundStatus.scoring
        sheet = review.active_assignments[0].sheets[0]
        scoring.reopen_sheet(sheet, get_user(scene.admin_id), "异议成立")
        assert not sheet.submitted


def test_owner_may_decline_and_admin_proposes_again(app, scene):
    with app.test_request_context():
        review, decision = decided(scene)
        with pytest.raises(ReviewRefused):
            decisions.decline_decision(decision, get_user(scene.owner_id), "")
        decisions.decline_decision(decision, get_user(scene.owner_id), "希望赛马")
        again = decisions.propose_decision(
            review, get_user(scene.admin_id), outcome=Outcome.award,
            winner_entry_ids=[e.id for e in review.entries if e.label in "AB"],
            rationale="赛马", publicity_days=5)
        assert again.status == DecisionStatus.proposed and len(again.winners) == 2


def test_no_award_then_republish(app, scene):
    with app.test_request_context():
        _review, decision = decided(scene, outcome=Outcome.no_award, labels=())
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        decisions.finalise(decision)
        need = db.session.get(Challenge, scene.need_id)
        assert need.status == NeedStatus.not_awarded
        # a past date is refused with what to do, not "return the need to its owner"
        with pytest.raises(ReviewRefused) as refused:
            decisions.republish(need, get_user(scene.admin_id), utcnow() - timedelta(days=1))
        assert "new bid deadline in the future" in str(refused.value.message)
        assert need.status == NeedStatus.not_awarded
        decisions.republish(need, get_user(scene.admin_id), utcnow() + timedelta(days=30))
        assert need.status == NeedStatus.published
        db.session.commit()
        # the earlier bids are closed, their teams told; the notices are owed again
        from marketplace.bids.models import Bid, BidStatus
        from marketplace.notifications.models import Notification, NotificationKind, NoticeSent
        bids = db.session.scalars(select(Bid).where(Bid.challenge_id == need.id)).all()
        assert bids and all(b.status == BidStatus.withdrawn for b in bids)
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == NotificationKind.need_republished)))
        assert set(scene.team_user_ids) <= told
        assert db.session.scalar(select(NoticeSent).where(
            NoticeSent.challenge_id == need.id)) is None
        # an earlier bid keeps its result; the need page no longer shows the old verdict
        from marketplace.review.queries import bid_outcome
        assert bid_outcome(bids[0]).code == "no_award"
        from marketplace.review.public_views import need_panel
        assert need_panel(need)["public_decision"] is None


def test_deciding_before_scoring_says_to_start_the_scoring(app, scene):
    from .conftest import open_with_panel
    with app.test_request_context():
        review = open_with_panel(scene, start=False)
        with pytest.raises(ReviewRefused) as refused:
            decisions.propose_decision(review, get_user(scene.admin_id), outcome=Outcome.no_award,
                                       winner_entry_ids=[], rationale="x", publicity_days=7)
        assert "Start the scoring first" in str(refused.value.message)


def test_contract_milestones_report_and_acceptance(app, scene):
    with app.test_request_context():
        _review, decision = decided(scene)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        decisions.finalise(decision)
        need = db.session.get(Challenge, scene.need_id)
        admin, owner = get_user(scene.admin_id), get_user(scene.owner_id)
        rows = decisions.record_contract(need, admin)
        assert need.status == NeedStatus.contracted
        assert [(m.name, m.month) for m in rows] == [("Pilot line", 12), ("Mass production", 30)]
        with pytest.raises(ReviewRefused):
            decisions.accept_project(need, admin)
        decisions.report_milestone(rows[0], owner, MilestoneStatus.met, "100片已交付")
        decisions.report_milestone(rows[1], owner, MilestoneStatus.partially_met, "产能 8k")
        with pytest.raises(ReviewRefused):
            decisions.accept_milestone(rows[0], owner)
        for m in rows:
            decisions.accept_milestone(m, admin)
        decisions.accept_project(need, admin)
        assert need.status == NeedStatus.accepted


def test_winners_are_listed_by_rank_not_by_label(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        # B scores highest, then A
        overrides = {(n, label): value for n in range(len(review.active_assignments))
                     for label, value in (("A", "70"), ("B", "95"), ("C", "50"))}
        score_all(review, overrides)
        chosen = [e.id for e in review.entries if e.label in ("A", "B")]
        decision = decisions.propose_decision(review, get_user(scene.admin_id),
                                              outcome=Outcome.award, winner_entry_ids=chosen,
                                              rationale="赛马", publicity_days=7)
        labels = {e.bid_id: e.label for e in review.entries}
        assert [labels[w.bid_id] for w in decision.winners] == ["B", "A"]


def test_a_rounds_badge_follows_its_decision(app, scene, people):
    """The round is not "Scoring" while its decision waits on the owner or is public."""
    from marketplace.review.queries import round_stage
    with app.test_request_context():
        review = open_with_panel(scene)
        assert round_stage(review) == "scoring"
        score_all(review)
        decision = decisions.propose_decision(
            review, get_user(scene.admin_id), outcome=Outcome.award,
            winner_entry_ids=[e.id for e in review.entries if e.label == "A"],
            rationale="最高分", publicity_days=7)
        assert round_stage(review) == "proposed"
        decisions.decline_decision(decision, get_user(scene.owner_id), "希望赛马")
        assert round_stage(review) == "declined"
        decision = decisions.propose_decision(
            review, get_user(scene.admin_id), outcome=Outcome.award,
            winner_entry_ids=[e.id for e in review.entries if e.label == "A"],
            rationale="最高分", publicity_days=7)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        assert round_stage(review) == "publicity"
        objection = decisions.lodge_objection(decision, get_user(people.solver_id),
                                              "A队资质存疑，请核查。", [])
        decisions.resolve_objection(objection, get_user(scene.admin_id), upheld=True,
                                    resolution="异议成立，重新评审。")
        assert round_stage(review) == "reopened"
        round_id = review.id
        db.session.commit()
    client = app.test_client()
    client.set_cookie("lang", "en")
    client.post("/account/login", data={"email": "admin@example.com",
                                        "password": "correct horse battery"})
    page = client.get(f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    assert 'badge-round-reopened">Reopened after an objection<' in page
    # the withdrawn decision no longer shows a publicity period as if it ran
    page = client.get(f"/admin/review/needs/{scene.need_id}/decision").get_data(as_text=True)
    assert 'data-decision=' in page and "Publicity: " not in page


def test_milestone_reports_and_acceptances_tell_the_team_the_office_and_the_owner(
        app, scene, client, auth):
    """A report paid nobody any attention: the team whose payment depends on it was not
    told, the office only found it on its Waiting page, and the owner kept an answered
    "please confirm" as its only unread notice."""
    from marketplace.notifications.models import Notification, NotificationKind

    def told(kind) -> set[int]:
        return set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == kind)))
    with app.test_request_context():
        _review, decision = decided(scene)
        owner, admin = get_user(scene.owner_id), get_user(scene.admin_id)
        decisions.confirm_decision(decision, owner)
        assert not db.session.scalars(select(Notification).where(
            Notification.user_id == owner.id, Notification.read_at.is_(None),
            Notification.kind == NotificationKind.decision_to_confirm)).all()
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        decisions.finalise(decision)
        need = db.session.get(Challenge, scene.need_id)
        first = decisions.record_contract(need, admin)[0]
        team = {u for u in scene.team_user_ids
                if get_user(u).organisation_id == first.bid.organisation_id}
        decisions.report_milestone(first, owner, MilestoneStatus.partially_met, "产能 8k 片/月")
        assert told(NotificationKind.milestone_reported) == team | {scene.admin_id}
        decisions.accept_milestone(first, admin)
        assert told(NotificationKind.milestone_accepted) == team | {scene.owner_id}
        db.session.commit()
        team_email = get_user(next(iter(team))).email
    # the report is for the team it pays, the owner and the office; not for visitors
    page = client.get(f"/needs/{scene.need_id}").get_data(as_text=True)
    assert "产能 8k 片/月" not in page
    auth.login(team_email)
    page = client.get(f"/needs/{scene.need_id}").get_data(as_text=True)
    assert "产能 8k 片/月" in page and "report accepted" in page
