"""Owner confirmation, the public publicity page, objections with files, milestones."""
import io
from datetime import timedelta

from sqlalchemy import select

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.review import decisions
from marketplace.review.award_models import Decision, Objection, Outcome
from marketplace.review.models import ReviewRound

from .conftest import get_user, open_with_panel
from .test_decisions import score_all

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def proposed(app, scene) -> int:
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review)
        winner = next(e for e in review.entries if e.label == "A")
        decision = decisions.propose_decision(review, get_user(scene.admin_id),
                                              outcome=Outcome.award, winner_entry_ids=[winner.id],
                                              rationale="A 方案综合得分最高。", publicity_days=7)
        db.session.commit()
        return decision.id


def scored_round(app, scene, label: str) -> tuple[int, int]:
    """A round every reviewer has scored: its id and the entry id of bid `label`."""
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review)
        db.session.commit()
        return review.id, next(e.id for e in review.entries if e.label == label)


def test_admin_decides_through_the_page(app, client, auth, scene):
    round_id, winner = scored_round(app, scene, "B")
    auth.login("admin@example.com")
    assert client.get(f"/admin/review/rounds/{round_id}/decide").status_code == 200
    client.post(f"/admin/review/rounds/{round_id}/decide",
                data={"outcome": "award", "winner": str(winner), "rationale": "赛马",
                      "publicity_days": "10"})
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert decision.publicity_days == 10 and decision.winners[0].bid.id is not None


def test_a_refused_decision_keeps_what_the_admin_typed_and_ticked(app, client, auth, scene):
    round_id, winner = scored_round(app, scene, "B")
    auth.login("admin@example.com")
    rationale = "B 方案在关键指标上全面领先，建议授予。"
    # no award with a winner ticked: refused by the rules, not by the form
    response = client.post(f"/admin/review/rounds/{round_id}/decide", data={
        "outcome": "no_award", "winner": str(winner), "rationale": rationale,
        "publicity_days": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "A no-award decision has no winners." in page
    assert rationale in page and 'value="12"' in page
    assert f'value="{winner}" data-winner="B" checked' in page
    assert 'checked id="outcome-1" name="outcome" required type="radio" value="no_award"' in page
    # a form error (no reasons) keeps the ticks and the days too
    response = client.post(f"/admin/review/rounds/{round_id}/decide", data={
        "outcome": "award", "winner": str(winner), "rationale": "", "publicity_days": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="12"' in page
    assert f'value="{winner}" data-winner="B" checked' in page
    with app.app_context():
        assert db.session.scalar(select(Decision)) is None


def test_owner_confirms_and_the_public_sees_publicity(app, client, auth, scene, people):
    decision_id = proposed(app, scene)
    assert client.get(f"/needs/{scene.need_id}/publicity").status_code == 404  # not public yet
    auth.login("other-owner@example.com")
    assert client.get(f"/review/decisions/{decision_id}/confirm").status_code == 403
    auth.logout()
    auth.login("owner@example.com")
    assert "data-owner-confirm" in client.get(f"/needs/{scene.need_id}").get_data(as_text=True)
    client.post(f"/review/decisions/{decision_id}/confirm", data={"action": "confirm"})
    auth.logout()
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "清华示范大学" in page or "A 方案综合得分最高" in page
    assert "data-lodge" not in page  # anonymous visitors cannot object
    assert client.post(f"/review/decisions/{decision_id}/objections",
                       data={"reason": "x" * 20}).status_code == 302  # to the login page
    with app.app_context():
        assert db.session.scalar(select(Objection)) is None


def test_objection_with_a_file_then_dismissal_is_published(app, client, auth, scene, people):
    decision_id = proposed(app, scene)
    with app.app_context():
        decisions.confirm_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id))
        db.session.commit()
    auth.login("solver@example.com")
    response = client.post(f"/review/decisions/{decision_id}/objections", data={
        "reason": "我方认为技术方案评分有误，附说明材料。",
        "files": (io.BytesIO(PDF), "说明材料.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        objection = db.session.scalar(select(Objection))
        assert objection.files[0].filename == "说明材料.pdf"
        file_id, objection_id = objection.files[0].id, objection.id
    with client.get(f"/review/objection-files/{file_id}") as download:
        assert download.status_code == 200 and download.data == PDF
    auth.logout()
    auth.login("owner@example.com")
    assert client.get(f"/review/objection-files/{file_id}").status_code == 404
    auth.logout()
    auth.login("admin@example.com")
    client.post(f"/admin/review/objections/{objection_id}/resolve",
                data={"outcome": "dismiss", "resolution": "经复核，评分符合细则。"})
    auth.logout()
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "经复核，评分符合细则。" in page
    assert "我方认为" not in page and "solver@example.com" not in page


def test_award_final_then_contract_and_owner_reports(app, client, auth, scene):
    decision_id = proposed(app, scene)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    auth.login("admin@example.com")
    client.post(f"/admin/review/decisions/{decision_id}/finalise")
    client.post(f"/admin/review/needs/{scene.need_id}/contract")
    with app.app_context():
        need = db.session.get(Challenge, scene.need_id)
        assert need.status == NeedStatus.contracted
        from marketplace.review.queries import milestones
        first = milestones(need)[0].id
    auth.logout()
    auth.login("owner@example.com")
    client.post(f"/review/milestones/{first}/report", data={"status": "met", "report": "已完成"})
    page = client.get(f"/needs/{scene.need_id}").get_data(as_text=True)
    assert "data-progress" in page


def test_round_page_shows_ranking_and_flags(app, client, auth, scene):
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review, {(0, "C"): "100"})
        db.session.commit()
        round_id = review.id
    auth.login("admin@example.com")
    page = client.get(f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    assert 'data-rank-label="A"' in page and "data-flag" in page and "data-decide" in page
    with app.app_context():
        assert db.session.get(ReviewRound, round_id).status.value == "scoring"


def test_reasons_and_answers_in_the_readers_language(app, client, auth, scene, people):
    round_id, winner = scored_round(app, scene, "A")
    auth.login("admin@example.com")
    client.post(f"/admin/review/rounds/{round_id}/decide", data={
        "outcome": "award", "winner": str(winner), "rationale": "A 方案综合得分最高。",
        "rationale_en": "Bid A scored highest overall.", "publicity_days": "7"})
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        decisions.confirm_decision(decision, get_user(scene.owner_id))
        objection = decisions.lodge_objection(decision, get_user(people.solver_id),
                                              "评分细则第三项理解有误，请复核。", [])
        db.session.commit()
        objection_id = decision.objections[0].id
    client.post(f"/admin/review/objections/{objection_id}/resolve", data={
        "outcome": "dismiss", "resolution": "经复核，评分符合细则。",
        "resolution_en": "Checked again: the scores follow the rubric."})
    auth.logout()
    client.set_cookie("lang", "en")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "Bid A scored highest overall." in page and "A 方案综合得分最高" not in page
    assert "Checked again: the scores follow the rubric." in page and "经复核" not in page
    client.set_cookie("lang", "zh")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "A 方案综合得分最高。" in page and "经复核，评分符合细则。" in page
