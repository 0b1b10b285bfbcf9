"""Notifications: in-app list, email outbox with retries, reminders given once."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.notifications import mail
from marketplace.notifications.models import (EmailStatus, Notification, NotificationKind,
                                              OutboxEmail)

from ..bids.helpers import arena, set_deadline, start, submitted


def _notes(app, kind=None):
    with app.app_context():
        query = select(Notification)
        if kind:
            query = query.where(Notification.kind == kind)
        return db.session.scalars(query).all()


def _emails(app, since: int = 0):
    with app.app_context():
        return db.session.scalars(select(OutboxEmail).where(OutboxEmail.id > since)
                                  .order_by(OutboxEmail.id)).all()


def _last_email_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(OutboxEmail.id))) or 0


def test_bid_received_is_notified_in_app_and_written_to_the_mail_folder(app, client, auth):
    a = arena(app)
    since = _last_email_id(app)        # publishing the need told its owner
    submitted(app, a)
    notes = _notes(app, NotificationKind.bid_received)
    assert len(notes) == 2  # both members of the team
    emails = _emails(app, since)
    assert {e.to_address for e in emails} == {"solver@example.com", "solver-b@example.com"}
    assert all(e.status == EmailStatus.sent for e in emails)
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob(f"*-{emails[0].id}.eml"))
    assert files and "solver@example.com" in files[0].read_text()
    # a standard message: dated, and its subject reads whole once decoded
    from email import message_from_bytes, policy
    from email.utils import parsedate_to_datetime
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsedate_to_datetime(parsed["Date"]).tzinfo is not None
    assert parsed["Subject"] == emails[0].subject and not parsed["Subject"].startswith(" ")
    auth.login("solver@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "data-unread-count>1<" in page
    assert "data-menu-unread>1<" in page          # on a phone, on the menu button
    listing = client.get("/notifications").get_data(as_text=True)
    assert "was received" in listing or "已收到" in listing
    assert 'class="notification unread"' in listing          # new since the last visit
    # opening the list counts what it showed as read
    assert "data-unread-count" not in client.get("/").get_data(as_text=True)
    assert "data-menu-unread" not in client.get("/").get_data(as_text=True)
    assert 'class="notification unread"' not in client.get("/notifications").get_data(
        as_text=True)


def test_failed_sends_are_retried_with_backoff_and_shown_to_admins(app, client, auth,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # discard port: connection refused
    a = arena(app)
    submitted(app, a)  # the request succeeds even though sending fails
    emails = _emails(app)
    assert all(e.status == EmailStatus.pending and e.attempts == 1 for e in emails)
    assert all(e.next_attempt_at > utcnow() for e in emails)
    with app.app_context():
        for attempt in range(mail.MAX_ATTEMPTS):
            mail.deliver_due(db.session, app.config, now=utcnow() + timedelta(days=1 + attempt))
    assert all(e.status == EmailStatus.failed for e in _emails(app))
    auth.login("admin@example.com")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "solver@example.com" in page and "failed" in page
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    client.post(f"/admin/outbox/{emails[0].id}/retry")
    assert _emails(app)[0].status == EmailStatus.sent
    auth.logout()
    auth.login("owner@example.com")
    assert client.get("/admin/outbox").status_code == 403


def test_reminders_go_once_to_teams_with_drafts(app, runner):
    a = arena(app)
    start(app, a)                      # the first team has a draft
    submitted(app, a, a.rival_id)      # the rival submitted: no reminder
    set_deadline(app, a.need_id, utcnow() + timedelta(days=2))
    for _ in range(2):
        result = runner.invoke(args=["notifications", "remind"])
        assert result.exit_code == 0, result.output
    reminders = _notes(app, NotificationKind.deadline_3d)
    assert {n.user_id for n in reminders} == {a.team_id, a.teammate_id}
    set_deadline(app, a.need_id, utcnow() + timedelta(hours=20))
    runner.invoke(args=["notifications", "remind"])
    runner.invoke(args=["notifications", "remind"])
    assert len(_notes(app, NotificationKind.deadline_1d)) == 2
    assert len(_notes(app, NotificationKind.deadline_3d)) == 2


def test_closing_is_notified_to_bidders_and_owner_once(app, client, runner):
    a = arena(app)
    submitted(app, a)
    set_deadline(app, a.need_id, utcnow() - timedelta(minutes=1))
    runner.invoke(args=["notifications", "remind"])
    runner.invoke(args=["worker", "--once"])  # the worker runs the same, idempotently
    closed = _notes(app, NotificationKind.need_closed)
    assert {n.user_id for n in closed} == {a.team_id, a.teammate_id, a.owner_id}


def test_a_reminder_says_the_time_really_left(app, runner):
    from flask_babel import force_locale
    from marketplace.notifications.events import describe
    a = arena(app)
    start(app, a)
    set_deadline(app, a.need_id, utcnow() + timedelta(days=2, hours=5, minutes=30))
    runner.invoke(args=["notifications", "remind"])
    (note, *_rest) = _notes(app, NotificationKind.deadline_3d)
    with app.test_request_context():
        with force_locale("en"):
            text = describe(note.kind, note.params, "en")
        assert "closes in 2 days 5 hours" in text and "3 days" not in text
        with force_locale("zh"):
            assert "2 天 5 小时" in describe(note.kind, note.params, "zh")
    with app.app_context():
        email = db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.to_address == "solver@example.com").order_by(OutboxEmail.id.desc())).first()
        assert "2 days 5 hours" in email.subject or "2 天 5 小时" in email.subject


def test_send_command_delivers_what_is_due(app, runner, monkeypatch):
    a = arena(app)
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", "off")
    since = _last_email_id(app)
    submitted(app, a)
    assert all(e.status == EmailStatus.pending for e in _emails(app, since))
    result = runner.invoke(args=["notifications", "send"])
    assert "sent 2" in result.output
    assert all(e.status == EmailStatus.sent for e in _emails(app))


def test_the_worker_sends_reminders_and_no_request_does(app, client, runner):
    a = arena(app)
    start(app, a)
    set_deadline(app, a.need_id, utcnow() + timedelta(hours=30))
    client.get("/")                          # periodic work never rides on a request
    assert _notes(app, NotificationKind.deadline_3d) == []
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "reminders 2" in result.output, result.output
    assert {n.user_id for n in _notes(app, NotificationKind.deadline_3d)} == {
        a.team_id, a.teammate_id}


def test_need_owners_hear_when_their_need_is_returned_or_published(app, client, auth, people):
    from marketplace.accounts.models import User
    from marketplace.challenges import operations
    from marketplace.challenges.models import Challenge, NeedStatus
    from tests import factories
    with app.app_context():
        need_id = factories.need(people.owner_id, NeedStatus.submitted).id
        db.session.commit()
    auth.login("admin@example.com")
    client.post(f"/admin/needs/{need_id}/return", data={"reason": "请补充测试方法。"})
    auth.logout()
    returned = _notes(app, NotificationKind.need_returned)
    assert [n.user_id for n in returned] == [people.owner_id]   # not the other enterprise
    email = _emails(app)[-1]
    assert email.to_address == "owner@example.com" and "请补充测试方法。" in email.body
    auth.login("owner@example.com")
    assert client.get(returned[0].link).status_code == 200       # the edit page
    auth.logout()
    with app.app_context():                                      # the owner resubmits
        operations.submit(db.session.get(Challenge, need_id),
                          db.session.get(User, people.owner_id))
        db.session.commit()
    auth.login("admin@example.com")
    client.post(f"/admin/needs/{need_id}/publish", data={"confirm": "publish"})
    auth.logout()
    published = _notes(app, NotificationKind.need_published)
    assert [n.user_id for n in published] == [people.owner_id]
    auth.login("owner@example.com")
    assert client.get(published[0].link).status_code == 200


def test_two_senders_at_once_send_each_email_exactly_once(app, monkeypatch):
    """Two processes (gunicorn workers, worker machines) deliver from one outbox at the same
    moment: every email goes out once, on SQLite as on PostgreSQL (the claim is an UPDATE,
    not a row lock SQLite ignores)."""
    import threading
    import time as clock
    from sqlalchemy.orm import Session
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", "off")   # only the two senders
    with app.app_context():
        db.session.add_all([OutboxEmail(to_address=f"t{i}@example.com", subject="s",
                                        body="b") for i in range(120)])
        db.session.commit()
    sent, start_together = [], threading.Barrier(2)

    def record(email, config):
        sent.append(email.id)
        clock.sleep(0.002)                        # an SMTP round trip, shortened
    monkeypatch.setattr(mail, "transmit", record)

    def sender():
        with app.app_context(), Session(db.engine) as session:
            start_together.wait()
            for _round in range(8):                 # 4 rounds of 30 would do for one sender
                mail.deliver_due(session, app.config, limit=30)
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(sent) == 120 and len(set(sent)) == 120
    with app.app_context():
        assert {e.status for e in _emails(app)} == {EmailStatus.sent}
        assert {e.attempts for e in _emails(app)} == {1}


def test_an_email_whose_sender_died_is_sent_after_its_claim_runs_out(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", "off")
    with app.app_context():
        db.session.add(OutboxEmail(to_address="late@example.com", subject="s", body="b"))
        db.session.commit()

    def die(email, config):
        raise KeyboardInterrupt                   # the process is killed mid-send
    monkeypatch.setattr(mail, "transmit", die)
    with app.app_context():
        try:
            mail.deliver_due(db.session, app.config)
        except KeyboardInterrupt:
            db.session.rollback()
    monkeypatch.setattr(mail, "transmit", lambda email, config: None)
    with app.app_context():
        assert mail.deliver_due(db.session, app.config)["sent"] == 0        # still claimed
        later = utcnow() + mail.SENDING_LEASE + timedelta(seconds=1)
        assert mail.deliver_due(db.session, app.config, now=later)["sent"] == 1
        assert _emails(app)[0].status == EmailStatus.sent
