"""`flask --app wsgi setup [--demo]`: idempotent, loads the demo data into an empty database."""
from collections import Counter

from sqlalchemy import func, select

from marketplace.accounts.models import Role, User
from marketplace.accounts.operations import authenticate
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.demo.loader import DEMO_PASSWORD
from marketplace.extensions import db


def test_setup_demo_loads_a_realistic_data_set_once(runner, app, client):
    import re
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example" in result.output and DEMO_PASSWORD in result.output
    with app.test_request_context():
        needs = db.session.scalars(select(Challenge)).all()
        assert len(needs) >= 40
        statuses = Counter(need.effective_status for need in needs)
        assert statuses[NeedStatus.published] >= 30
        assert statuses[NeedStatus.closed] >= 1 and statuses[NeedStatus.submitted] >= 1
        assert all(need.title_zh and need.title_en for need in needs)
        # bilingual requirements and confidential details sit in their own language's field
        with_requirements = [n for n in needs if n.requirements]
        assert with_requirements and all(n.requirements_en for n in with_requirements)
        assert not any(re.search(r"[A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]{4,}", n.requirements)
                       for n in with_requirements)
        assert all(not n.confidential_details_en or not re.search(
            r"[\u4e00-\u9fff]{6}", n.confidential_details_en) for n in needs)
        published = [n for n in needs if n.status == NeedStatus.published]
        assert all(len(n.indicators) >= 2 and n.budget_wan and n.deadline for n in published)
        users = db.session.scalars(select(User)).all()
        assert {role for user in users for role in user.roles} == set(Role)
        # every demo person has a name that reads on English pages too (not 某某公司 联系人)
        assert all(re.search(r"[A-Za-z]", user.name) for user in users), \
            [u.name for u in users if not re.search(r"[A-Za-z]", u.name)]
        assert authenticate("owner@demo.example", DEMO_PASSWORD, "127.0.0.1") is not None
        count = len(needs)

        # the demo's review round is blind: the bids' text names no team or institution
        from marketplace.bids.models import Bid
        bids = db.session.scalars(select(Bid)).all()
        assert len(bids) >= 3
        for bid in bids:
            text = str(bid.versions[-1].content)
            for name in (bid.organisation.name, bid.organisation.name_en):
                assert not name or name not in text, name
        # and every commitment meets its target, as the bid form demands
        from marketplace.bids.content import falls_short
        assert not [row for bid in bids for row in bid.versions[-1].content["indicators"]
                    if falls_short(row)]

        # one need has been through the whole process: final award, contract, a milestone
        from marketplace.audit.models import AuditEntry
        from marketplace.review.award_models import DecisionStatus, ProjectMilestone
        from marketplace.review.demo import AWARD_NEED_REF
        from marketplace.review.queries import latest_decision
        awarded = db.session.scalar(select(Challenge).where(Challenge.ref == AWARD_NEED_REF))
        assert awarded.status == NeedStatus.contracted
        assert latest_decision(awarded).status == DecisionStatus.final
        milestones = db.session.scalars(select(ProjectMilestone).where(
            ProjectMilestone.challenge_id == awarded.id)).all()
        assert len(milestones) >= 2 and sum(m.accepted_at is not None for m in milestones) == 1
        # its publicity ended before today, and the record of the confirmation says so too
        decision = latest_decision(awarded)
        confirmed = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "decision.confirm", AuditEntry.challenge_id == awarded.id))
        assert decision.publicity_ends_at < decision.finalised_at
        assert confirmed.data["publicity_ends_at"] == decision.publicity_ends_at.isoformat()
    assert f"Awarded and contracted: {AWARD_NEED_REF}" in result.output
    client.post("/account/login", data={"email": "admin@demo.example",
                                         "password": DEMO_PASSWORD})
    # its history reads in the page's language (the system's reason was English)
    client.set_cookie("lang", "zh")
    history = client.get(f"/needs/{awarded.id}").get_data(as_text=True)
    assert "公示期满" in history and "publicity ended" not in history
    # the office cannot accept the project while milestones wait: the button says why
    client.set_cookie("lang", "en")
    page = client.get(f"/admin/review/needs/{awarded.id}/decision").get_data(as_text=True)
    button = page.split("data-accept-project")[1].split(">")[0]
    assert "disabled" in button and "2 milestones still wait" in page

    again = runner.invoke(args=["setup", "--demo"])
    assert again.exit_code == 0, again.output
    assert "not loaded" in again.output and "admin@demo.example" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Challenge.id))) == count


def test_the_demo_round_it_prints_is_there_and_under_way(runner, app):
    """What `setup --demo` says about its review round is what reviewers and admins find."""
    from marketplace.audit.models import AuditEntry
    from marketplace.review.models import RoundStatus
    from marketplace.review.operations import current_round
    from marketplace.review.queries import my_assignments
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Review round on SZ-2025-005: 3 bids in scoring" in result.output
    with app.test_request_context():
        need = db.session.scalar(select(Challenge).where(Challenge.ref == "SZ-2025-005"))
        review = current_round(need)
        assert need.status == NeedStatus.under_review and review.status == RoundStatus.scoring
        assert len(review.eligible_entries) == 3 and len(review.active_assignments) == 6
        submitted = {a.reviewer.email: sum(1 for s in a.sheets if s.submitted)
                     for a in review.active_assignments}
        assert submitted.pop("reviewer@demo.example") == 0
        assert set(submitted.values()) == {3}
        last = db.session.scalar(select(User).where(User.email == "reviewer@demo.example"))
        # beside the finished round of the awarded demo need
        assert review.id in [a.round_id for a in my_assignments(last)]
        actions = Counter(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.challenge_id == need.id)))
        assert actions["review.open"] == 1 and actions["formal_check"] == 3
        assert actions["assignment.create"] == 6 and actions["score.submit"] == 15


def test_setup_without_demo_leaves_the_database_empty(runner, app):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Challenge.id))) == 0


def test_demo_logins_are_not_printed_for_a_database_without_them(runner, app, people):
    result = runner.invoke(args=["setup", "--demo"])     # people: not empty, and no demo
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output and "demo.example" not in result.output


def test_commands_before_setup_say_so_instead_of_failing(tmp_path, app):
    from marketplace import create_app
    empty = create_app({"TESTING": True, "DATA_DIR": str(tmp_path),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                        "ARGON2_PARAMS": app.config["ARGON2_PARAMS"]})
    runner = empty.test_cli_runner()
    for args in (["search", "query", "x", "--json"], ["challenges", "export"],
                 ["audit", "verify"], ["taxonomy", "export"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "run `flask --app wsgi setup` first" in result.output, args
        assert "Traceback" not in result.output
    assert runner.invoke(args=["search", "query", "--help"]).exit_code == 0
    with empty.app_context():
        db.engine.dispose()


def test_setup_leaves_the_demos_mail_to_the_worker(runner, app):
    """No sender thread writes beside the demo load (it hit SQLite's lock after sending):
    the demo's notices wait in the outbox for the worker."""
    from marketplace.notifications.models import EmailStatus, OutboxEmail
    result = runner.invoke(args=["setup", "--demo"])
    assert result.exit_code == 0 and "locked" not in result.output, result.output
    with app.app_context():
        statuses = set(db.session.scalars(select(OutboxEmail.status)))
    assert statuses == {EmailStatus.pending}
