"""Owner confirmation, the public publicity page, objections with files, milestones."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEntry
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.review import decisions
from marketplace.review.award_models import Decision, Objection, Outcome
from marketplace.review.models import ReviewRound
from marketplace.review.operations import ReviewRefused
from marketplace.review.queries import results

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


def in_publicity(app, scene) -> int:
    """A proposed decision the owner has confirmed: publicity is open."""
    decision_id = proposed(app, scene)
    with app.app_context():
        decisions.confirm_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id))
        db.session.commit()
    return decision_id


def upheld_after_publicity(decision, scene, people) -> None:
    """The owner confirms the decision, an outsider objects and the office upholds it."""
    decisions.confirm_decision(decision, get_user(scene.owner_id))
    objection = decisions.lodge_objection(decision, get_user(people.solver_id),
                                          "评分过程有误，请复核。", [])
    decisions.resolve_objection(objection, get_user(scene.admin_id), upheld=True,
                                resolution="异议成立，重新评审。")


def scored_round(app, scene, label: str) -> tuple[int, int]:
    """A round every reviewer has scored: its id and the entry id of bid `label`."""
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review)
        db.session.commit()
        return review.id, next(e.id for e in review.entries if e.label == label)


def test_admin_decides_through_the_page(app, client, auth, scene):
    round_id, winner = scored_round(app, scene, "A")              # the best-ranked bid
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


def test_each_team_learns_what_the_decision_in_publicity_means_for_it(app, client, auth,
                                                                       scene):
    """Publicity tells the chosen team that it is the proposed winner and the others that
    they are not selected, with the end of publicity; My bids says the same, not "Submitted"
    alone."""
    from marketplace.notifications.models import Notification, NotificationKind
    decision_id = proposed(app, scene)
    auth.login("owner@example.com")
    client.post(f"/review/decisions/{decision_id}/confirm", data={"action": "confirm"})
    auth.logout()
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        winner_org = decision.winners[0].bid.organisation_id
        notes = [n for n in db.session.scalars(select(Notification).where(
            Notification.kind == NotificationKind.decision_published)).all()
            if not n.params.get("office")]
        results = {get_user(n.user_id).organisation_id == winner_org: n.params["result"]
                   for n in notes}
        emails = {get_user(n.user_id).email: get_user(n.user_id).organisation_id == winner_org
                  for n in notes}
    assert results == {True: "won", False: "not_selected"}
    for email, won in emails.items():
        auth.login(email)
        client.set_cookie("lang", "en")
        page = client.get("/my/bids").get_data(as_text=True)
        expected = "proposed_won" if won else "proposed_not_selected"
        assert f'data-bid-result="{expected}"' in page, email
        assert "In publicity until" in page
        bid_id = int(re.search(r'href="/bids/(\d+)"', page).group(1))
        bid_page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
        assert "data-publicity-link" in bid_page and f"/needs/{scene.need_id}/publicity" \
            in bid_page
        listed = client.get("/notifications").get_data(as_text=True)
        assert ("selects your team" in listed) == won
        assert ("does not select your team" in listed) == (not won)
        auth.logout()


def test_a_refused_objection_keeps_its_text_and_says_what_is_wrong_beside_the_field(
        app, client, auth, scene, people):
    decision_id = in_publicity(app, scene)
    auth.login("solver@example.com")
    client.set_cookie("lang", "en")
    url = f"/review/decisions/{decision_id}/objections"
    short = client.post(url, data={"reason": "太短了"})
    text = short.get_data(as_text=True)
    assert short.status_code == 400 and "太短了</textarea>" in text
    assert "has-error" in text.split('name="reason"')[0][-300:]
    # a good file with a bad reason: the page cannot keep the file, and says so
    with_file = client.post(url, data={"reason": "太短了", "files": (io.BytesIO(PDF), "a.pdf")},
                            content_type="multipart/form-data")
    assert with_file.status_code == 400
    assert "Choose your files again" in with_file.get_data(as_text=True)
    typed = "评分过程有误，请复核第三项指标的检测方法。"
    wrong_file = client.post(url, data={"reason": typed, "files": (io.BytesIO(b"plain text"),
                                                                   "note.txt")},
                             content_type="multipart/form-data")
    text = wrong_file.get_data(as_text=True)
    assert wrong_file.status_code == 400 and f"{typed}</textarea>" in text
    assert "PDF, Word, Excel" in text
    with app.app_context():
        assert db.session.scalar(select(Objection)) is None
    assert client.post(url, data={"reason": typed}).status_code == 302
    mine = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "data-my-objection" in mine and typed in mine
    # the time it was lodged, in the reader's zone (a New York reader: UTC-05:00 or -04:00)
    client.set_cookie("tz", "America/New_York")
    mine = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    lodged = mine.split("data-my-objection")[1].split("</p>")[0]
    assert "data-viewer-time" in lodged and "UTC-0" in lodged and "&lt;time" not in lodged


def test_decision_and_confirmation_errors_sit_beside_their_fields(app, client, auth, scene):
    round_id, _winner = scored_round(app, scene, "A")
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.post(f"/admin/review/rounds/{round_id}/decide",
                       data={"outcome": "award", "rationale": "理由", "publicity_days": "7"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    winners = text.split('id="winners"')[1].split("</fieldset>")[0]
    assert "Choose at least one winner" in winners
    # said once, beside the field; the top of the page says where to look
    assert text.count("Choose at least one winner") == 1
    assert "The decision was not proposed: see the marked fields." in text
    page = client.post(f"/admin/review/rounds/{round_id}/decide",
                       data={"outcome": "award", "rationale": "", "publicity_days": "0"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "The decision was not proposed" in text
    # every error in one round: the missing winner with the other fields' errors
    assert "Choose at least one winner" in text.split('id="winners"')[1].split("</fieldset>")[0]
    page = client.post(f"/admin/review/rounds/{round_id}/decide",
                       data={"rationale": "理由", "publicity_days": "7"})
    outcome = page.get_data(as_text=True).split('id="outcome"')[1].split("</fieldset>")[0]
    assert 'class="has-error"' in outcome and 'class="error"' in outcome
    assert not any(text.count(str(m)) > 1 for m in ("This field is required.",))


def test_declining_without_a_reason_says_so_beside_the_note(app, client, auth, scene):
    decision_id = proposed(app, scene)
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    page = client.post(f"/review/decisions/{decision_id}/confirm",
                       data={"action": "decline", "note": "  "})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    note = text.split('name="note"')[1].split("</div>")[0]
    assert "Say why you do not confirm the decision." in note
    assert text.count("Say why you do not confirm the decision.") == 1
    assert "Your answer was not saved: see the marked field." in text
    with app.app_context():
        assert db.session.get(Decision, decision_id).status.value == "proposed"


def test_publicity_publishes_an_anchor_that_the_admin_page_checks(app, client, auth, scene):
    """The anchor on the publicity page verifies; after the log is emptied, it does not."""
    import json

    from marketplace.audit.models import AuditEntry

    from ..audit.test_anchor import _cut_end
    decision_id = proposed(app, scene)
    with app.app_context():
        decisions.confirm_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id))
        db.session.commit()
        anchor = db.session.get(Decision, decision_id).audit_anchor
        confirm_seq = db.session.scalar(select(AuditEntry.seq).where(
            AuditEntry.action == "decision.confirm"))
    assert anchor["seq"] == confirm_seq               # the confirmation itself is anchored
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "data-audit-anchor" in page and anchor["signature"] in page
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    held = client.post("/admin/audit/anchor/check", data={"anchor": json.dumps(anchor)},
                       follow_redirects=True).get_data(as_text=True)
    assert "holds the anchored entry" in held
    download = client.get("/admin/audit/anchor.json")
    assert download.status_code == 200 and json.loads(download.data)["seq"] >= anchor["seq"]
    with app.app_context(), db.engine.begin() as conn:
        _cut_end(conn)
    broken = client.post("/admin/audit/anchor/check", data={"anchor": json.dumps(anchor)},
                         follow_redirects=True).get_data(as_text=True)
    assert "does not match the anchor" in broken and "no longer in the log" in broken
    auth.logout()
    auth.login("owner@example.com")
    assert client.get("/admin/audit/anchor.json").status_code == 403
    assert client.post("/admin/audit/anchor/check",
                       data={"anchor": json.dumps(anchor)}).status_code == 403


def test_after_an_upheld_objection_the_round_is_an_open_re_review(app, client, auth, scene,
                                                                 people):
    """Publicity showed the proposed winner by name next to its label: the round goes on
    blind under new labels (D, E, F), so no label points at a published name, and its pages
    say why; the teams that were never named stay hidden."""
    decision_id = proposed(app, scene)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        upheld_after_publicity(decision, scene, people)
        db.session.commit()
        review = db.session.get(ReviewRound, decision.round_id)
        assert review.blind is True
        assert sorted(e.label for e in review.entries) == ["D", "E", "F"]
        assignment_id = review.active_assignments[0].id
        reviewer_email = review.active_assignments[0].reviewer.email
        team_names = [e.bid.organisation.name for e in review.entries]
        relabelled = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "decision.reopen")).data["relabelled"]
    assert sorted(relabelled) == ["A", "B", "C"] and sorted(relabelled.values()) == ["D", "E",
                                                                                    "F"]
    auth.login(reviewer_email)
    client.set_cookie("lang", "en")
    page = client.get(f"/review/assignments/{assignment_id}").get_data(as_text=True)
    assert "data-open-rereview" in page and not any(name in page for name in team_names)
    auth.logout()
    auth.login("admin@example.com")
    assert "data-open-rereview" in client.get(
        f"/admin/review/rounds/{review.id}").get_data(as_text=True)


def test_steps_that_cannot_be_taken_now_are_not_offered(app, client, auth, scene):
    """During publicity: no decision form (it says why), a disabled "make final" with the
    date it becomes possible; with every sheet in, no reminder button."""
    decision_id = proposed(app, scene)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        round_id = decision.round_id
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.get(f"/admin/review/rounds/{round_id}").get_data(as_text=True)
    assert "data-remind-form" not in page              # every sheet is submitted
    auth.logout()
    auth.login("owner@example.com")
    client.post(f"/review/decisions/{decision_id}/confirm", data={"action": "confirm"})
    auth.logout()
    auth.login("admin@example.com")
    decide = client.get(f"/admin/review/rounds/{round_id}/decide").get_data(as_text=True)
    assert "data-decide-blocked" in decide and "data-propose-decision" not in decide
    panel = client.get(f"/admin/review/needs/{scene.need_id}/decision").get_data(as_text=True)
    button = panel.split("data-finalise")[1].split(">")[0]
    assert "disabled" in button and "Not yet: possible once publicity has ended" in panel


def test_a_double_click_lodges_an_objection_once(app, client, auth, scene, people):
    decision_id = in_publicity(app, scene)
    auth.login("solver@example.com")
    reason = "评分过程有误，请复核第三项。"
    for _ in range(2):
        assert client.post(f"/review/decisions/{decision_id}/objections",
                           data={"reason": reason}).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Objection)).all()) == 1


def test_after_a_decline_or_a_withdrawal_the_next_step_is_shown(app, client, auth, scene,
                                                                 people):
    """A declined decision: the decision page offers to propose again. A decision withdrawn
    after an objection: the teams' bids say so instead of a bare "Submitted"."""
    decision_id = proposed(app, scene)
    with app.app_context():
        decisions.decline_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id), "请补充说明。")
        db.session.commit()
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    page = client.get(f"/admin/review/needs/{scene.need_id}/decision").get_data(as_text=True)
    assert "data-decide-next" in page
    auth.logout()
    # the owner sees what they wrote and what happens next
    auth.login("owner@example.com")
    page = client.get(f"/review/decisions/{decision_id}/confirm").get_data(as_text=True)
    assert "data-owner-note" in page and "请补充说明。" in page
    assert "will propose a decision again" in page
    auth.logout()
    with app.test_request_context():
        review = db.session.get(Decision, decision_id).round
        winner = next(e for e in review.entries if e.label == "B")
        second = decisions.propose_decision(review, get_user(scene.admin_id),
                                            outcome=Outcome.award, winner_entry_ids=[winner.id],
                                            rationale="B 方案更优。", publicity_days=7)
        upheld_after_publicity(second, scene, people)
        db.session.commit()
        team_email = get_user(scene.team_user_ids[0]).email
    auth.login(team_email)
    assert 'data-bid-result="reopened"' in client.get("/my/bids").get_data(as_text=True)


def test_choosing_a_lower_ranked_winner_asks_for_confirmation(app, client, auth, scene):
    """Ticking bid C while A ranks first is a slip or a deliberate choice: the page says which
    bids ranked higher and keeps everything typed; confirmed, the decision is proposed."""
    round_id, lower = scored_round(app, scene, "C")
    with app.app_context():
        ranking = [i.key.label for i in results(db.session.get(ReviewRound, round_id)).ranking]
    auth.login("admin@example.com")
    client.set_cookie("lang", "en")
    data = {"outcome": "award", "winner": str(lower), "rationale": "C 的方案最可行。",
            "publicity_days": "7"}
    page = client.post(f"/admin/review/rounds/{round_id}/decide", data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "not the best-ranked bids" in text
    assert ", ".join(ranking[:ranking.index("C")]) in text and "C 的方案最可行。" in text
    with app.app_context():
        assert db.session.scalar(select(Decision)) is None
    confirmed = client.post(f"/admin/review/rounds/{round_id}/decide",
                            data={**data, "order_confirmed": "y"})
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Decision)) is not None


def test_publicity_gives_its_end_in_the_readers_zone_too(app, client, auth, scene):
    in_publicity(app, scene)
    client.set_cookie("tz", "America/New_York")
    client.set_cookie("lang", "en")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "(Beijing time)" in page and "UTC-05:00" in page


def test_a_dismissed_objection_is_shown_once_to_its_objector_with_its_files(
        app, client, auth, scene, people):
    decision_id = in_publicity(app, scene)
    auth.login("solver@example.com")
    client.set_cookie("lang", "en")
    client.post(f"/review/decisions/{decision_id}/objections", data={
        "reason": "评分细则第三项的理解与公告不一致，请复核。",
        "files": (io.BytesIO(PDF), "说明材料.pdf")}, content_type="multipart/form-data")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert page.count("data-my-objection") == 1 and "说明材料.pdf" in page
    auth.logout()
    auth.login("admin@example.com")
    with app.app_context():
        objection_id = db.session.scalar(select(Objection.id))
    client.post(f"/admin/review/objections/{objection_id}/resolve",
                data={"outcome": "dismiss", "resolution": "经复核，评分符合细则。"})
    auth.logout()
    auth.login("solver@example.com")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    # one entry: the objector's own text, its file, its status and the published answer
    assert page.count("data-my-objection") == 1 and page.count("data-dismissed") == 1
    assert "评分细则第三项" in page and "经复核，评分符合细则。" in page
    assert "data-objection-files" in page and "— dismissed" not in page
    client.set_cookie("lang", "zh")
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "已驳回" in page and "不予采纳" not in page
    auth.logout()
    # the public sees the dismissal and its reasons, never the objector's text or files
    page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
    assert "data-dismissed" in page and "经复核，评分符合细则。" in page
    assert "评分细则第三项" not in page and "说明材料.pdf" not in page


def test_the_owner_sees_how_long_publicity_will_run_before_confirming(app, client, auth,
                                                                      scene):
    decision_id = proposed(app, scene)
    auth.login("owner@example.com")
    client.set_cookie("lang", "en")
    page = client.get(f"/review/decisions/{decision_id}/confirm").get_data(as_text=True)
    assert "<h1>Confirm the decision</h1>" in page
    assert "Publicity: 7 days from the need owner’s confirmation" in page
    client.post(f"/review/decisions/{decision_id}/confirm", data={"action": "confirm"})
    page = client.get(f"/review/decisions/{decision_id}/confirm").get_data(as_text=True)
    assert "<h1>Decision and publicity</h1>" in page and "data-publicity-days" not in page
    assert "Publicity: " in page                  # now with its dates


def test_proposing_again_after_a_decline_starts_from_the_declined_proposal(
        app, client, auth, scene):
    decision_id = proposed(app, scene)
    with app.app_context():
        decisions.decline_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id), "请补充第二名的评分说明。")
        db.session.commit()
        round_id = db.session.get(Decision, decision_id).round_id
        winner_entry = next(e.id for e in db.session.get(Decision, decision_id).round.entries
                            if e.label == "A")
    auth.login("admin@example.com")
    page = client.get(f"/admin/review/rounds/{round_id}/decide").get_data(as_text=True)
    assert "data-declined-note" in page and "请补充第二名的评分说明。" in page
    assert "A 方案综合得分最高。" in page                       # the rationale, to revise
    assert re.search(rf'name="winner" value="{winner_entry}"[^>]*checked', page)


def test_the_office_and_the_owner_answer_objections_and_do_not_lodge_them(
        app, client, auth, scene, people):
    decision_id = in_publicity(app, scene)
    for email in ("admin@example.com", "owner@example.com"):
        auth.login(email)
        page = client.get(f"/needs/{scene.need_id}/publicity").get_data(as_text=True)
        assert "data-lodge" not in page and 'id="object"' not in page, email
        assert client.post(f"/review/decisions/{decision_id}/objections", data={
            "reason": "评分细则第三项的理解与公告不一致，请复核。"}).status_code == 403, email
        auth.logout()
    with app.test_request_context():
        assert db.session.scalar(select(Objection)) is None
        with pytest.raises(ReviewRefused):
            decisions.lodge_objection(db.session.get(Decision, decision_id),
                                      get_user(scene.owner_id), "评分过程有误，请复核。", [])
    auth.login("solver@example.com")                      # anyone else signed in may
    assert 'id="object"' in client.get(f"/needs/{scene.need_id}/publicity").get_data(
        as_text=True)
