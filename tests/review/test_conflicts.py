"""Conflicts of interest are never proposed and never assignable; proposals balance load."""
import pytest

from marketplace.accounts.models import OrgType, Role
from marketplace.challenges.models import Challenge
from marketplace.extensions import db
from marketplace.review import operations
from marketplace.review.conflicts import conflict_reasons
from marketplace.review.models import AssignmentStatus, ConflictKind
from marketplace.review.operations import ReviewRefused
from marketplace.review.proposals import propose

from .. import factories
from .builders import closed_need
from .conftest import get_user, open_with_panel


def reviewer_in(org_id: int, email: str):
    from marketplace.accounts.models import Organisation
    from marketplace.accounts.operations import create_user
    return create_user(email, email.split("@")[0], factories.PASSWORD, {Role.reviewer},
                       organisation=db.session.get(Organisation, org_id))


def test_same_organisation_as_owner_or_team_is_never_proposed_nor_assignable(app, scene):
    with app.test_request_context():
        need = db.session.get(Challenge, scene.need_id)
        from_owner = reviewer_in(need.organisation_id, "insider@example.com")
        from_team = reviewer_in(scene.team_org_ids[1], "teammate@example.com")
        review = operations.open_review(need, get_user(scene.admin_id))
        proposal = propose(review)
        proposed = {c.reviewer.id for c in proposal.candidates}
        excluded = {x.reviewer.id: x.reasons for x in proposal.excluded}
        assert from_owner.id not in proposed and from_team.id not in proposed
        assert "need owner" in str(excluded[from_owner.id][0])
        assert "bidding team" in str(excluded[from_team.id][0])
        for conflicted in (from_owner, from_team):
            with pytest.raises(ReviewRefused, match="conflict"):
                operations.assign(review, conflicted, get_user(scene.admin_id))


def test_declared_conflicts_with_an_organisation_or_person_exclude(app, scene):
    with app.test_request_context():
        need = db.session.get(Challenge, scene.need_id)
        by_org, by_person, by_text = (get_user(i) for i in scene.reviewer_ids[:3])
        operations.declare_conflict(by_org, by_org, kind=ConflictKind.organisation,
                                    organisation_id=scene.team_org_ids[2], text="前同事")
        operations.declare_conflict(by_person, by_person, kind=ConflictKind.person,
                                    person_name="dr. beta müller")
        operations.declare_conflict(by_text, by_text, kind=ConflictKind.other,
                                    text="I consult for a GaN start-up")
        assert conflict_reasons(by_org, need) and conflict_reasons(by_person, need)
        assert not conflict_reasons(by_text, need)  # shown, but excludes nobody by itself
        review = operations.open_review(need, get_user(scene.admin_id))
        assert {x.reviewer.id for x in propose(review).excluded} == {by_org.id, by_person.id}
        with pytest.raises(ReviewRefused):
            operations.assign(review, by_person, get_user(scene.admin_id))


def test_declaring_a_conflict_on_a_panel_recuses_the_reviewer(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        assignment = review.active_assignments[0]
        reviewer = get_user(assignment.reviewer_id)
        operations.declare_conflict(reviewer, reviewer, kind=ConflictKind.organisation,
                                    organisation_id=scene.team_org_ids[0])
        assert assignment.status == AssignmentStatus.recused
        assert not assignment.can_score(reviewer)


def test_conflict_arising_later_blocks_scoring(app, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        assignment = review.active_assignments[0]
        reviewer = get_user(assignment.reviewer_id)
        reviewer.organisation_id = scene.team_org_ids[0]  # moved to a bidding team
        db.session.flush()
        assert not assignment.can_view(reviewer) and not assignment.can_score(reviewer)


def test_proposal_fills_the_minimum_panel_and_prefers_the_least_loaded(app, scene, people):
    with app.test_request_context():
        busy = get_user(scene.reviewer_ids[0])
        other_need, _bids, _solvers = closed_need(
            people.other_owner_id, people.admin_id,
            teams=[("Another University", "Dr. Omega", "omega.pdf")])
        other_review = operations.open_review(other_need, get_user(scene.admin_id))
        operations.assign(other_review, busy, get_user(scene.admin_id))
        review = operations.open_review(db.session.get(Challenge, scene.need_id),
                                        get_user(scene.admin_id))
        proposal = propose(review)
        assert proposal.needed == 5 and len(proposal.proposed) == 5
        assert proposal.candidates[-1].reviewer.id == busy.id
        assert busy.id not in {c.reviewer.id for c in proposal.proposed}


def test_proposal_ranks_by_expertise_fit(app, scene):
    from marketplace.matching.operations import save_profile
    with app.test_request_context():
        expert = get_user(scene.reviewer_ids[4])
        save_profile(expert, [], "氮化镓, GaN, epitaxy")
        review = operations.open_review(db.session.get(Challenge, scene.need_id),
                                        get_user(scene.admin_id))
        first = propose(review).candidates[0]
        assert first.reviewer.id == expert.id and first.fit == 1.0


def test_only_reviewers_can_be_assigned(app, scene):
    with app.test_request_context():
        solver = factories.user("lonely-solver@example.com", {Role.solver}, "Solo Lab",
                                OrgType.company)
        review = operations.open_review(db.session.get(Challenge, scene.need_id),
                                        get_user(scene.admin_id))
        with pytest.raises(ReviewRefused):
            operations.assign(review, solver, get_user(scene.admin_id))
