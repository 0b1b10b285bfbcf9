"""A complete review round in headless Chromium: a blind panel of 5 (one reviewer recuses and
is replaced), scoring, ranking with a flag, decision, owner confirmation, publicity, an
objection lodged and dismissed, the award final; the audit chain verifies, then fails once a
row is edited in the database."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.review.award_models import Decision
from marketplace.review.models import Assignment, ReviewRound

from ..review import builders
from .browser import log_in

pytestmark = pytest.mark.e2e

BLIND_SECRETS = [name for team in builders.TEAMS for name in team]


def score_every_bid(page, email, outlier=False):
    log_in(page, email)
    page.goto("/review/")
    page.locator("[data-assignment] h2 a").first.click()
    page.wait_for_selector("[data-bid-link]")
    links = page.locator("[data-bid-link]")
    labels = [links.nth(i).get_attribute("data-bid-link") for i in range(links.count())]
    assert labels == ["A", "B", "C"]
    assignment_url = page.url
    for label in labels:
        page.goto(assignment_url)
        page.click(f"[data-bid-link='{label}']")
        page.wait_for_url("**/bids/*")
        page.wait_for_selector("input[name^='score-']")
        content = page.content()
        for secret in BLIND_SECRETS:
            assert secret not in content, (email, label, secret)
        value = {"A": "90", "B": "75", "C": "60"}[label]
        if outlier and label == "C":
            value = "100"
        for field in page.locator("input[name^='score-']").all():
            field.fill(value)
        for field in page.locator("textarea[name^='comment-']").all():
            field.fill("评分依据充分 / well argued")
        assert page.locator("input[name^='score-']").count() == 5
        page.click("[data-submit-sheet-open]")     # submitting locks: asked first
        page.click("[data-submit-sheet]")
        page.wait_for_selector("[data-own-total]")


def test_complete_blind_review_round(app, browser_page, people, runner):
    page = browser_page
    with app.app_context():
        scene = builders.scenario(people, reviewer_count=6)
        db.session.commit()

    # the program office opens review in blind mode and checks every bid
    log_in(page, "admin@example.com")
    page.goto("/admin/review/")
    row = page.locator(f"tr[data-need='{scene.need_id}']")
    row.locator("summary").click()
    assert row.locator("input[name=blind]").is_checked()
    row.locator("[data-open-review]").click()
    page.wait_for_selector("[data-blind]")
    for n in range(3):
        form = page.locator(".formal-form").nth(n)
        form.locator("input[value=yes]").check()
        with page.expect_navigation():
            form.locator("button").click()
    assert page.locator(".formal-check .warn").count() == 0

    # dry run, then a panel of five
    page.click("[data-propose]")
    assert page.locator("input[name=reviewer]:checked").count() == 5
    page.click("[data-apply]")
    page.wait_for_selector("[data-panel-count]")
    page.click("[data-start-scoring]")
    page.wait_for_selector("#progress")
    with app.app_context():
        panel = db.session.scalars(select(Assignment)).all()
        on_panel = {a.reviewer.email for a in panel}
    assert len(on_panel) == 5

    # one reviewer recuses; the admin replaces them from a new proposal
    recusing = sorted(on_panel)[0]
    log_in(page, recusing)
    page.click("[data-nav-reviews]")
    page.locator("[data-assignment] h2 a").first.click()
    page.fill("#recuse-reason", "我与C方案团队有合作项目 / I co-author with team C")
    page.click("[data-recuse]")
    page.wait_for_url("**/review/")
    log_in(page, "admin@example.com")
    with app.app_context():
        round_id = db.session.scalar(select(ReviewRound.id))
    page.goto(f"/admin/review/rounds/{round_id}/propose")
    assert page.locator("input[name=reviewer]:checked").count() == 1
    page.click("[data-apply]")
    page.wait_for_selector("[data-panel-count]")
    assert "5" in page.locator("[data-panel-count]").inner_text()
    with app.app_context():
        active = sorted(a.reviewer.email for a in db.session.scalars(select(Assignment))
                        if a.status.value == "active")
    assert recusing not in active and len(active) == 5

    # the panel scores, blind; one reviewer is far off on bid C
    for n, email in enumerate(active):
        score_every_bid(page, email, outlier=(n == 0))

    # ranking and flags; the admin decides for bid A
    log_in(page, "admin@example.com")
    page.goto(f"/admin/review/rounds/{round_id}")
    labels = page.locator("table.ranking tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.rankLabel)")
    assert labels == ["A", "B", "C"]
    assert page.locator("tr[data-rank-label='C'] [data-flag]").count() == 1
    page.click("[data-decide]")
    page.check("input[name=outcome][value=award]")
    page.check("[data-winner='A']")
    page.fill("#rationale", "A 方案技术路线清晰，综合得分最高。")
    page.fill("#publicity_days", "7")
    page.click("[data-propose-decision]")
    page.wait_for_url("**/decision")

    # the need owner confirms; publicity opens
    log_in(page, "owner@example.com")
    page.goto(f"/needs/{scene.need_id}")
    page.click("[data-owner-confirm]")
    with page.expect_navigation():
        page.click("[data-confirm]")
    with app.app_context():
        assert db.session.get(Challenge, scene.need_id).status == NeedStatus.publicity

    # a signed-in user objects; the admin dismisses with published reasons
    log_in(page, "solver@example.com")
    page.goto(f"/needs/{scene.need_id}/publicity")
    assert page.locator("[data-winner-name]").count() == 1
    page.fill("#reason", "我们认为B方案的指标承诺被低估，请复核。")
    page.click("[data-lodge]")
    page.wait_for_selector("[data-open-objections]")
    log_in(page, "admin@example.com")
    page.goto(f"/admin/review/needs/{scene.need_id}/decision")
    form = page.locator(".resolve-form").first
    form.locator("input[value=dismiss]").check()
    form.locator("textarea[name=resolution]").fill(
        "经专家组复核，评分符合评分细则，异议不成立。")
    form.locator("textarea[name=resolution_en]").fill(
        "The panel checked again: the scores follow the rubric.")
    form.locator("[data-resolve]").click()
    page.wait_for_selector("[data-objection='dismissed']")

    # publicity ends (time passes) with no open objection: the award becomes final
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        decision.publicity_ends_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page.reload()
    with page.expect_navigation():
        page.click("[data-finalise]")
    page.context.clear_cookies()
    page.goto(f"/needs/{scene.need_id}/publicity")
    assert "经专家组复核" in page.content()
    assert page.locator(".badge-decision-final").count() == 1
    with app.app_context():
        assert db.session.get(Challenge, scene.need_id).status == NeedStatus.awarded

    # the audit trail holds every step and verifies; an edited row breaks it
    log_in(page, "admin@example.com")
    page.goto(f"/admin/audit/?need={scene.need_id}")
    # each action is shown in words and keeps its code in data-action
    actions = set(page.locator("table.audit-log td[data-action]").evaluate_all(
        "cells => cells.map(c => c.dataset.action)"))
    for action in ("review.open", "assignment.create", "assignment.recuse", "score.submit",
                   "decision.propose", "decision.confirm", "objection.lodge",
                   "objection.resolve", "decision.final"):
        assert action in actions
    assert "开启评审轮次" in page.locator("table.audit-log").inner_text()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET data = '{}' WHERE action = 'score.submit' "
                          "AND seq = (SELECT min(seq) FROM audit_log WHERE action = "
                          "'score.submit')"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "was changed" in broken.output
    page.goto("/admin/audit/?verify=1")
    assert page.locator("[data-audit-broken]").count() == 1
