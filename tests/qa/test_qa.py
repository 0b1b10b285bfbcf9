"""Q&A (答疑): public questions and answers, askers hidden from other teams."""
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.notifications.models import Notification, OutboxEmail
from marketplace.qa.models import Question

from ..bids.helpers import arena, close


def _ask(client, auth, a, text="Is a 6-inch pilot result acceptable?"):
    auth.login("solver@example.com")
    response = client.post(f"/needs/{a.need_id}/questions", data={"text": text})
    auth.logout()
    return response


def test_question_and_answer_are_public_but_the_asker_is_not(app, client, auth):
    a = arena(app)
    assert _ask(client, auth, a).status_code == 302
    with app.app_context():
        question_id = db.session.query(Question).one().id
    auth.login("owner@example.com")
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "Is a 6-inch pilot result acceptable?" in page and "solver</" not in page
    assert client.post(f"/questions/{question_id}/answer",
                       data={"answer": "Yes, with a plan for 8 inch."}).status_code == 302
    auth.logout()
    anonymous = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "Yes, with a plan for 8 inch." in anonymous and "Asked by a bidder" in anonymous
    auth.login("rival@example.com")
    rival = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "Asked by a bidder" in rival and "Asked by solver" not in rival
    auth.logout()
    auth.login("solver@example.com")
    own = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "Asked by solver" in own
    with app.app_context():
        notes = {n.kind.value: n for n in db.session.query(Notification).filter(
            Notification.kind.in_(["question_asked", "question_answered"]))}
        assert notes["question_answered"].user_id == a.team_id
        assert notes["question_asked"].user_id == a.owner_id     # the owner learns of it
        email = db.session.scalar(db.select(OutboxEmail).where(
            OutboxEmail.to_address == "owner@example.com",
            OutboxEmail.body.contains("question was asked")))
        assert email and "solver" not in email.body            # the asker stays unnamed


def test_only_owner_or_admin_answers(app, client, auth):
    a = arena(app)
    _ask(client, auth, a)
    with app.app_context():
        question_id = db.session.query(Question).one().id
    for email in ("rival@example.com", "other-owner@example.com", "reviewer@example.com"):
        auth.login(email)
        assert client.post(f"/questions/{question_id}/answer",
                           data={"answer": "No."}).status_code == 403
        auth.logout()
    auth.login("admin@example.com")
    assert client.post(f"/questions/{question_id}/answer",
                       data={"answer": "Admin answer."}).status_code == 302


def test_asking_needs_a_login_and_an_open_need(app, client, auth):
    a = arena(app)
    response = client.post(f"/needs/{a.need_id}/questions", data={"text": "Anonymous?"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    auth.login("owner@example.com")
    assert client.post(f"/needs/{a.need_id}/questions",
                       data={"text": "Own need?"}).status_code == 403
    auth.logout()
    close(app, a.need_id)
    assert _ask(client, auth, a).status_code == 403
    with app.app_context():
        assert db.session.query(Question).count() == 0


def test_a_double_click_asks_a_question_once(app, client, auth):

    a = arena(app)
    auth.login("solver@example.com")
    for _ in range(2):
        client.post(f"/needs/{a.need_id}/questions", data={"text": "能否提供测试样片？"})
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 1
