"""Every step that waits on somebody tells them, and shows on their dashboard and on the
program office's "waiting" page."""
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.notifications.models import Notification, NotificationKind, OutboxEmail
from marketplace.review import decisions
from marketplace.review.award_models import Decision, Objection, Outcome

from .conftest import get_user
from .test_publicity_views import in_publicity, proposed


def _told(app, kind) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == kind)))


def test_a_proposed_decision_tells_the_owner_and_waits_on_their_dashboard(app, client, auth,
                                                                         scene, people):
    decision_id = proposed(app, scene)
    assert _told(app, NotificationKind.decision_to_confirm) == {scene.owner_id}
    with app.app_context():
        owner_email = get_user(scene.owner_id).email
        assert db.session.scalar(select(OutboxEmail).where(
            OutboxEmail.to_address == owner_email,
            OutboxEmail.subject.contains("confirm")))
    auth.login("owner@example.com")
    dashboard = client.get("/my/needs").get_data(as_text=True)
    assert "data-waiting-decisions" in dashboard
    assert f"/review/decisions/{decision_id}/confirm" in dashboard
    assert client.get("/admin/waiting").status_code == 403      # not the program office's page
    auth.logout()
    auth.login("admin@example.com")
    page = client.get("/admin/waiting").get_data(as_text=True)
    owner_section = page.split('data-waiting-on="owner"')[1].split("</section>")[0]
    assert "Confirm the proposed decision" in owner_section
    with app.app_context():                   # organisations in the page's language
        org = get_user(scene.owner_id).organisation
        org.name_en = "Suzhou GaN Technology Co., Ltd."
        db.session.commit()
    owner_section = client.get("/admin/waiting").get_data(as_text=True).split(
        'data-waiting-on="owner"')[1].split("</section>")[0]
    assert "Suzhou GaN Technology Co., Ltd." in owner_section
    reviewer_section = page.split('data-waiting-on="reviewer"')[1].split("</section>")[0]
    assert "Nothing is waiting here." in reviewer_section          # every sheet is in
    # once confirmed, it waits on nobody
    with app.app_context():
        decisions.confirm_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id))
        db.session.commit()
    page = client.get("/admin/waiting").get_data(as_text=True)
    assert "Confirm the proposed decision" not in page
    auth.logout()
    auth.login("owner@example.com")
    assert "data-waiting-decisions" not in client.get("/my/needs").get_data(as_text=True)


def test_a_closed_need_without_a_review_waits_on_the_program_office(app, client, auth, scene):
    auth.login("admin@example.com")
    office = client.get("/admin/waiting").get_data(as_text=True).split(
        'data-waiting-on="office"')[1].split("</section>")[0]
    assert "Bidding has closed: open the review" in office
    with app.test_request_context():
        from .conftest import open_with_panel
        open_with_panel(scene, start=False)
        db.session.commit()
    office = client.get("/admin/waiting").get_data(as_text=True).split(
        'data-waiting-on="office"')[1].split("</section>")[0]
    assert "Bidding has closed: open the review" not in office


def test_a_declined_decision_tells_the_program_office(app, client, auth, scene, people):
    decision_id = proposed(app, scene)
    auth.login("owner@example.com")
    stage = client.get("/my/needs").get_data(as_text=True).split("data-review-stage>")[1]
    assert stage.split("</span>")[0].endswith("Decision awaiting the owner")
    with app.app_context():
        decisions.decline_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id), "请补充第二名的评分说明。")
        db.session.commit()
    assert scene.admin_id in _told(app, NotificationKind.decision_declined)
    stage = client.get("/my/needs").get_data(as_text=True).split("data-review-stage>")[1]
    assert "Decision declined by the owner" in stage.split("</td>")[0]
    # proposed again: the owner has one "please confirm" to answer, the new one
    with app.test_request_context():
        old = db.session.get(Decision, decision_id)
        again = decisions.propose_decision(
            old.round, get_user(scene.admin_id), outcome=Outcome.award,
            winner_entry_ids=[e.id for e in old.round.entries if e.label == "A"],
            rationale="已补充第二名的评分说明。", publicity_days=7)
        db.session.commit()
        unread = db.session.scalars(select(Notification).where(
            Notification.user_id == scene.owner_id, Notification.read_at.is_(None),
            Notification.kind == NotificationKind.decision_to_confirm)).all()
        assert [n.link for n in unread] == [f"/review/decisions/{again.id}/confirm"]


def test_objections_tell_the_office_and_an_upheld_one_tells_owner_and_bidders(
        app, client, auth, scene, people):
    decision_id = in_publicity(app, scene)
    auth.login("solver@example.com")
    client.post(f"/review/decisions/{decision_id}/objections",
                data={"reason": "评分细则第三项的理解与公告不一致，请复核。"})
    auth.logout()
    lodged = _told(app, NotificationKind.objection_lodged)
    assert scene.admin_id in lodged
    # the owner and the proposed winner learn the award waits (never who objected)
    assert scene.owner_id in lodged and people.solver_id not in lodged
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        winner_orgs = {w.bid.organisation_id for w in decision.winners}
        winner_users = {u for u in scene.team_user_ids
                        if get_user(u).organisation_id in winner_orgs}
        losers = set(scene.team_user_ids) - winner_users
        owner_note = db.session.scalar(select(Notification).where(
            Notification.kind == NotificationKind.objection_lodged,
            Notification.user_id == scene.owner_id))
        assert owner_note.params.get("party") and "/publicity" in owner_note.link
    assert winner_users and winner_users <= lodged and not (losers & lodged)
    auth.login("admin@example.com")
    assert "Resolve the objection" in client.get("/admin/waiting").get_data(as_text=True)
    with app.app_context():
        objection_id = db.session.scalar(select(Objection.id))
    client.post(f"/admin/review/objections/{objection_id}/resolve",
                data={"outcome": "uphold", "resolution": "异议成立，重新评审。"})
    reopened = _told(app, NotificationKind.decision_reopened)
    assert scene.owner_id in reopened and set(scene.team_user_ids) <= reopened
    assert people.solver_id not in reopened     # the objector hears it with the resolution
    assert people.solver_id in _told(app, NotificationKind.objection_resolved)
    # the public page still exists and says what happened
    auth.logout()
    page = client.get(f"/needs/{scene.need_id}/publicity")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "data-review-continues" in text and "data-withdrawn-decisions" in text
    assert "异议成立，重新评审。" in text and "data-lodge" not in text
    client.set_cookie("lang", "zh")                 # Chinese punctuation in Chinese text
    heading = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True).split(
        "<h1>")[1].split("</h1>")[0]
    assert heading.startswith("公示：") and ":" not in heading


def test_a_team_learns_its_bid_was_not_eligible_and_sees_it_on_my_bids(app, client, auth,
                                                                      scene):
    from marketplace.review import operations
    from marketplace.review.models import ReviewRound
    from .conftest import open_with_panel
    with app.test_request_context():
        review = open_with_panel(scene, start=False)
        entry = review.entries[0]
        operations.formal_check(entry, get_user(scene.admin_id), False, "缺少资质证明")
        db.session.commit()
        team_user = next(u for u in (get_user(i) for i in scene.team_user_ids)
                         if u.organisation_id == entry.bid.organisation_id)
        email, team_id = team_user.email, team_user.id
    assert team_id in _told(app, NotificationKind.bid_ineligible)
    assert len(_told(app, NotificationKind.bid_ineligible)) == 1      # only that team
    from ..factories import PASSWORD
    auth.login(email, PASSWORD)
    page = client.get("/my/bids").get_data(as_text=True)
    assert 'data-bid-result="ineligible"' in page and "缺少资质证明" in page


def test_every_team_learns_the_final_result(app, client, auth, scene):
    from datetime import timedelta
    from marketplace.core.types import utcnow
    decision_id = proposed(app, scene)        # bid A is the winner
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    with app.test_request_context():
        decisions.finalise(db.session.get(Decision, decision_id))
        db.session.commit()
        winner_bid = db.session.get(Decision, decision_id).winners[0].bid_id
        notes = db.session.scalars(select(Notification).where(
            Notification.kind == NotificationKind.award_final)).all()
        results = {}
        for note in notes:
            results[get_user(note.user_id).organisation_id] = note.params["result"]
        from marketplace.bids.models import Bid
        winner_org = db.session.get(Bid, winner_bid).organisation_id
        assert results.pop(winner_org) == "won"
        assert results and set(results.values()) == {"not_selected"}
        loser = next(get_user(i) for i in scene.team_user_ids
                     if get_user(i).organisation_id != winner_org)
        loser_email = loser.email
    from ..factories import PASSWORD
    auth.login(loser_email, PASSWORD)
    assert 'data-bid-result="not_selected"' in client.get("/my/bids").get_data(as_text=True)


def test_an_upheld_objections_finding_can_be_recorded_and_the_bid_leaves_the_ranking(
        app, client, auth, scene, people):
    from marketplace.review import operations
    from marketplace.review.operations import ReviewRefused
    from marketplace.review.queries import results
    decision_id = proposed(app, scene)
    with app.test_request_context():
        decision = db.session.get(Decision, decision_id)
        admin = get_user(scene.admin_id)
        entry = next(e for e in decision.round.entries if e.label == "A")   # the winner
        winner_bid = entry.bid_id
        # while the decision stands, the formal check stays closed
        try:
            operations.formal_check(entry, admin, False, "资质证明系伪造")
            raise AssertionError("the formal check was open during scoring")
        except ReviewRefused:
            db.session.rollback()
        decision = db.session.get(Decision, decision_id)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        objection = decisions.lodge_objection(decision, get_user(people.solver_id),
                                              "中标方资质证明存疑，请核查。", [])
        decisions.resolve_objection(objection, admin, upheld=True, resolution="经核查属实。")
        db.session.commit()
        round_id = decision.round_id
    auth.login("admin@example.com")
    page = client.get(f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    assert "data-recheck" in page
    with app.test_request_context():
        decision = db.session.get(Decision, decision_id)
        # the same bid, now under a new label (publicity had shown "A" by name)
        entry = next(e for e in decision.round.entries if e.bid_id == winner_bid)
        assert entry.label != "A"
        operations.formal_check(entry, get_user(scene.admin_id), False, "资质证明系伪造")
        db.session.commit()
        ranked = [item.key.bid_id for item in results(decision.round).ranking]
        assert winner_bid not in ranked and ranked


def _waiting_page(client, auth) -> str:
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.get("/admin/waiting").get_data(as_text=True)
    auth.logout()
    return page


def test_a_fully_scored_round_tells_the_office_to_decide_and_waits_until_it_does(
        app, client, auth, scene):
    """The last sheet in: the office is told (in-app and email) and the step shows on the
    waiting page and as the round's badge, until a decision is proposed."""
    from marketplace.review.queries import round_stage
    from .conftest import open_with_panel
    from .test_decisions import score_all
    with app.test_request_context():
        review = open_with_panel(scene)
        assert round_stage(review) == "scoring"
        score_all(review)
        assert round_stage(review) == "scored"
        round_id = review.id
        db.session.commit()
    assert _told(app, NotificationKind.round_complete) == {scene.admin_id}
    with app.app_context():
        assert db.session.scalar(select(OutboxEmail).where(
            OutboxEmail.to_address == "admin@example.com",
            OutboxEmail.subject.startswith("Scoring complete: decision due")))
    assert "Every score sheet is in: propose the decision (round 1)" in _waiting_page(client,
                                                                                  auth)
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    assert "Scoring complete: decision due" in client.get(
        f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    auth.logout()
    with app.test_request_context():
        from marketplace.review.models import ReviewRound
        review = db.session.get(ReviewRound, round_id)
        winner = next(e for e in review.entries if e.label == "A")
        decisions.propose_decision(review, get_user(scene.admin_id), outcome=Outcome.award,
                                   winner_entry_ids=[winner.id], rationale="最高分",
                                   publicity_days=7)
        db.session.commit()
    assert "propose the decision" not in _waiting_page(client, auth)


def test_a_declined_decision_waits_only_until_the_office_proposes_again(app, client, auth,
                                                                      scene):
    decision_id = proposed(app, scene)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        decisions.decline_decision(decision, get_user(scene.owner_id), "希望赛马")
        db.session.commit()
    assert "The owner declined the decision: propose again" in _waiting_page(client, auth)
    with app.test_request_context():
        review = db.session.get(Decision, decision_id).round
        decisions.propose_decision(review, get_user(scene.admin_id), outcome=Outcome.award,
                                   winner_entry_ids=[review.entries[0].id], rationale="赛马",
                                   publicity_days=5)
        db.session.commit()
    page = _waiting_page(client, auth)
    assert "The owner declined the decision" not in page
    assert "Confirm the proposed decision" in page


def test_an_unanswered_decision_is_reminded_once_per_proposal(app, client, auth, scene,
                                                              people):
    from datetime import timedelta

    from marketplace.core.types import utcnow
    from marketplace.notifications import events
    decision_id = proposed(app, scene)
    with app.test_request_context():
        assert events.remind_decisions() == 0                 # not yet three days
        later = utcnow() + timedelta(days=4)
        assert events.remind_decisions(later) == 1
        assert events.remind_decisions(later) == 0            # once, however often it runs
        db.session.commit()
    assert _told(app, NotificationKind.decision_reminder) == {scene.owner_id}
    with app.app_context():
        email = db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.to_address == get_user(scene.owner_id).email)
            .order_by(OutboxEmail.id.desc())).first()
        assert email.subject.startswith("Reminder: decision to confirm")
        assert "waited 4 days" in email.body and f"/review/decisions/{decision_id}/confirm" \
            in email.body
    # declined and proposed again: the new proposal is reminded again
    with app.test_request_context():
        decisions.decline_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id), "请补充第二名的评分说明。")
        db.session.commit()
    with app.test_request_context():
        first = db.session.get(Decision, decision_id)
        again = decisions.propose_decision(
            first.round, get_user(scene.admin_id), outcome=Outcome.award,
            winner_entry_ids=[e.id for e in first.round.entries if e.label == "A"],
            rationale="补充说明后再次提出。", publicity_days=7)
        db.session.commit()
        assert again.id != decision_id
        assert events.remind_decisions(utcnow() + timedelta(days=4)) == 1
        db.session.commit()


def test_an_organisation_to_verify_waits_on_the_office_and_a_double_click_verifies_once(
        app, client, auth, people):
    from marketplace.accounts.models import Organisation
    from marketplace.audit.models import AuditEntry
    auth.login("admin@example.com")
    office = client.get("/admin/waiting").get_data(as_text=True).split(
        'data-waiting-on="office"')[1].split("</section>")[0]
    assert "Verify the organisation" in office and "苏州氮化镓科技有限公司" in office
    url = f"/admin/organisations/{people.owner_org_id}/verify"
    for _click in range(2):
        assert client.post(url, data={"verified": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, people.owner_org_id).verified is True
        assert db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("organisation.%"))).all() == ["organisation.verify"]
    office = client.get("/admin/waiting").get_data(as_text=True).split(
        'data-waiting-on="office"')[1].split("</section>")[0]
    assert "苏州氮化镓科技有限公司" not in office
