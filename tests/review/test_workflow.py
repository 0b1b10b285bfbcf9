"""The review round through its operations: opening, rubric, formal check, panel, scoring."""
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.models import AuditEntry
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.extensions import db
from marketplace.review import operations, scoring
from marketplace.review.models import (AssignmentStatus, RoundStatus, ScoreSheet,
                                       SheetStatus)
from marketplace.review.operations import CriterionRow, ReviewRefused

from .conftest import get_user, open_with_panel


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def full_scores(review, value="80") -> dict:
    return {c.id: scoring.ScoreInput(value, "solid work") for c in review.criteria}


def test_opening_review_moves_the_need_and_labels_bids(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene, start=False)
        need = db.session.get(Challenge, scene.need_id)
        assert need.status == NeedStatus.under_review
        assert sorted(e.label for e in review.entries) == ["A", "B", "C"]
        assert review.weight_total == 100 and [c.weight for c in review.criteria] == [
            40, 25, 15, 10, 10]
        assert review.blind and review.min_panel == 5
        assert actions()[:4] == ["need.submit", "need.publish", "need.close", "review.open"]
        assert actions().count("assignment.create") == 5


def test_review_opens_only_after_bidding_closed(app, people):
    from tests import factories
    with app.test_request_context():
        need = factories.need(people.owner_id, NeedStatus.published, people.admin_id)
        with pytest.raises(ReviewRefused):
            operations.open_review(need, get_user(people.admin_id))


def test_rubric_weights_must_sum_to_100_and_lock_when_scoring_starts(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene, start=False)
        admin = get_user(scene.admin_id)
        with pytest.raises(ReviewRefused):
            operations.set_rubric(review, [CriterionRow("技术", 60), CriterionRow("团队", 30)],
                                  admin)
        operations.set_rubric(review, [CriterionRow("技术", 70, comment_required=True),
                                       CriterionRow("团队", 30, Decimal(0), Decimal(10))], admin)
        assert [c.weight for c in review.criteria] == [70, 30]
        operations.start_scoring(review, admin)
        with pytest.raises(ReviewRefused):
            operations.set_rubric(review, [CriterionRow("技术", 100)], admin)


def test_ineligible_bid_needs_reasons(app, scene):
    with app.test_request_context():
        admin = get_user(scene.admin_id)
        review = operations.open_review(db.session.get(Challenge, scene.need_id), admin)
        with pytest.raises(ReviewRefused):
            operations.formal_check(review.entries[0], admin, False, "  ")
        operations.formal_check(review.entries[0], admin, False, "缺少资质证明")
        assert review.entries[0].eligible is False


def test_scoring_needs_the_minimum_panel_and_a_complete_formal_check(app, scene):
    with app.test_request_context():
        admin = get_user(scene.admin_id)
        review = open_with_panel(scene, panel=4, start=False)
        with pytest.raises(ReviewRefused, match="at least 5"):
            operations.start_scoring(review, admin)
        operations.assign(review, get_user(scene.reviewer_ids[4]), admin)
        review.entries[0].eligible = None
        with pytest.raises(ReviewRefused):
            operations.start_scoring(review, admin)


def test_recusal_needs_a_reason_and_the_reviewer_is_replaced(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        admin = get_user(scene.admin_id)
        first = review.active_assignments[0]
        reviewer = get_user(first.reviewer_id)
        with pytest.raises(ReviewRefused):
            operations.recuse(first, reviewer, " ")
        operations.recuse(first, reviewer, "我曾与B队合作")
        assert first.status == AssignmentStatus.recused
        with pytest.raises(ReviewRefused):  # a recused reviewer does not come back
            operations.assign(review, reviewer, admin)
        operations.assign(review, get_user(scene.reviewer_ids[5]), admin)
        assert len(review.active_assignments) == 5
        assert "assignment.recuse" in actions()


def test_draft_then_submit_locks_the_sheet_and_only_an_admin_reopens(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        assignment = review.active_assignments[0]
        reviewer = get_user(assignment.reviewer_id)
        entry = review.eligible_entries[0]
        partial = {review.criteria[0].id: scoring.ScoreInput("75", "")}
        sheet = scoring.save_sheet(assignment, entry, reviewer, partial, "draft")
        assert sheet.status == SheetStatus.draft
        with pytest.raises(scoring.SheetIncomplete) as incomplete:
            scoring.save_sheet(assignment, entry, reviewer, partial, None, submit=True)
        assert f"score-{review.criteria[1].id}" in incomplete.value.errors
        assert f"comment-{review.criteria[0].id}" in incomplete.value.errors  # required
        with pytest.raises(scoring.SheetIncomplete) as out_of_range:
            scoring.save_sheet(assignment, entry, reviewer,
                               {review.criteria[0].id: scoring.ScoreInput("101", "x")}, None)
        message = str(out_of_range.value.errors[f"score-{review.criteria[0].id}"][0])
        assert "from 0 to 100" in message and "E+" not in message
        scoring.save_sheet(assignment, entry, reviewer, full_scores(review), None, submit=True)
        assert sheet.submitted and scoring.sheet_total(sheet) == Decimal(80)
        with pytest.raises(ReviewRefused):
            scoring.save_sheet(assignment, entry, reviewer, full_scores(review, "90"), None)
        with pytest.raises(ReviewRefused):
            scoring.reopen_sheet(sheet, reviewer, "typo")
        with pytest.raises(ReviewRefused):
            scoring.reopen_sheet(sheet, get_user(scene.admin_id), "")
        scoring.reopen_sheet(sheet, get_user(scene.admin_id), "评分笔误")
        assert sheet.status == SheetStatus.draft
        assert actions()[-2:] == ["score.submit", "score.reopen"]


def test_one_score_sheet_per_reviewer_and_bid(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        assignment = review.active_assignments[0]
        db.session.add(ScoreSheet(assignment_id=assignment.id, bid_id=scene.bid_ids[0]))
        db.session.add(ScoreSheet(assignment_id=assignment.id, bid_id=scene.bid_ids[0]))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_unassigned_or_removed_reviewer_cannot_score(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        assignment = review.active_assignments[0]
        stranger = get_user(scene.reviewer_ids[5])
        assert not assignment.can_score(stranger)
        with pytest.raises(ReviewRefused):
            scoring.save_sheet(assignment, review.eligible_entries[0], stranger,
                               full_scores(review), None)
        operations.remove_assignment(assignment, get_user(scene.admin_id))
        assert not assignment.can_score(get_user(assignment.reviewer_id))


def test_round_status_gates_viewing(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene, start=False)
        assignment = review.active_assignments[0]
        reviewer = get_user(assignment.reviewer_id)
        assert review.status == RoundStatus.formal_check and not assignment.can_view(reviewer)
        operations.start_scoring(review, get_user(scene.admin_id))
        assert assignment.can_view(reviewer) and assignment.can_score(reviewer)


def test_defence_round_for_a_shortlist_keeps_labels_and_rubric(app, scene):
    from .test_decisions import score_all
    with app.test_request_context():
        review = open_with_panel(scene)
        admin = get_user(scene.admin_id)
        with pytest.raises(ReviewRefused):  # not every sheet submitted yet
            operations.open_defence_round(review, admin, [e.id for e in review.entries])
        score_all(review)
        shortlist = [e.id for e in review.entries if e.label in ("A", "B")]
        defence = operations.open_defence_round(review, admin, shortlist)
        assert review.status == RoundStatus.closed and defence.number == 2
        assert defence.kind.value == "defence" and defence.blind
        assert sorted(e.label for e in defence.entries) == ["A", "B"]
        assert all(e.eligible for e in defence.entries)
        assert [c.weight for c in defence.criteria] == [c.weight for c in review.criteria]
        assert operations.current_round(db.session.get(Challenge, scene.need_id)) is defence
        assert actions()[-1] == "review.shortlist"
