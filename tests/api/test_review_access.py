"""Bids, review reports, exports and publicity through the API: sealed bids, blind review and
the program office's reports hold as on the web pages."""
from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import load_workbook

from marketplace.bids.models import Bid
from marketplace.challenges.models import Challenge
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.review import decisions
from marketplace.review.award_models import Decision, Outcome
from marketplace.review.models import ReviewRound
from tests.review.conftest import get_user, open_with_panel
from tests.review.test_decisions import score_all

from .conftest import bearer, issue_token


def _team_tokens(app, scene) -> list[str]:
    with app.app_context():
        return [issue_token(user_id) for user_id in scene.team_user_ids]


def test_a_team_reads_its_own_bids_only(app, client, scene, tokens):
    first, second, _third = _team_tokens(app, scene)
    mine = client.get("/api/v1/my/bids", headers=bearer(first)).get_json()["items"]
    assert [bid["id"] for bid in mine] == [scene.bid_ids[0]]
    assert mine[0]["status"] == "submitted" and mine[0]["versions"][0]["number"] == 1
    bid = client.get(f"/api/v1/bids/{scene.bid_ids[0]}", headers=bearer(first)).get_json()
    assert bid["content"]["approach"].startswith("We grow GaN")
    assert bid["team"]["name"] == "清华示范大学"
    # another team's bid does not exist for a team, nor for a token-less caller
    response = client.get(f"/api/v1/bids/{scene.bid_ids[0]}", headers=bearer(second))
    assert (response.status_code, response.get_json()["code"]) == (404, "not_found")
    assert client.get(f"/api/v1/bids/{scene.bid_ids[0]}").status_code == 401
    assert client.get("/api/v1/my/bids", headers=bearer(tokens.owner)
                      ).get_json()["code"] == "team_only"


def test_a_bid_is_sealed_until_bidding_closes(app, client, scene, tokens):
    with app.app_context():
        need = db.session.get(Challenge, scene.need_id)
        bid = db.session.get(Bid, scene.bid_ids[1])
        # the need back before its deadline: the bids are sealed again
        need.status, need.deadline = need.status.published, utcnow() + timedelta(days=2)
        db.session.commit()
        assert not bid.can_view(get_user(scene.owner_id))
    for secret in (tokens.owner, tokens.admin, tokens.reviewer):
        assert client.get(f"/api/v1/bids/{scene.bid_ids[1]}", headers=bearer(secret)
                          ).status_code == 404
    need_page = client.get(f"/api/v1/needs/{need_ref(app, scene)}", headers=bearer(tokens.owner))
    assert need_page.get_json()["bid_count"] is None
    with app.app_context():
        need = db.session.get(Challenge, scene.need_id)
        need.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    for secret in (tokens.owner, tokens.admin):
        assert client.get(f"/api/v1/bids/{scene.bid_ids[1]}", headers=bearer(secret)
                          ).status_code == 200
    assert client.get(f"/api/v1/needs/{need_ref(app, scene)}", headers=bearer(tokens.owner)
                      ).get_json()["bid_count"] == 3
    assert client.get(f"/api/v1/needs/{need_ref(app, scene)}").get_json()["bid_count"] is None


def need_ref(app, scene) -> str:
    with app.app_context():
        return db.session.get(Challenge, scene.need_id).ref


def test_reviewers_of_a_blind_round_never_see_a_bid(app, client, scene):
    with app.test_request_context():
        review = open_with_panel(scene, blind=True)
        db.session.commit()
        reviewer_id = review.active_assignments[0].reviewer_id
        secret = issue_token(reviewer_id)
    for bid_id in scene.bid_ids:
        assert client.get(f"/api/v1/bids/{bid_id}", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/review/rounds", headers=bearer(secret)
                      ).get_json()["code"] == "admin_only"


def test_reviewers_of_an_open_round_see_the_bids_as_on_the_web(app, client, scene):
    with app.test_request_context():
        review = open_with_panel(scene, blind=False)
        db.session.commit()
        secret = issue_token(review.active_assignments[0].reviewer_id)
        outsider = issue_token(scene.reviewer_ids[-1])      # in the pool, not on the panel
    assert client.get(f"/api/v1/bids/{scene.bid_ids[0]}", headers=bearer(secret)
                      ).status_code == 200
    assert client.get(f"/api/v1/bids/{scene.bid_ids[0]}", headers=bearer(outsider)
                      ).status_code == 404


def _scored_round(app, scene) -> int:
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review)
        db.session.commit()
        return review.id


def test_the_program_office_reads_review_reports(app, client, scene, tokens):
    round_id = _scored_round(app, scene)
    rounds = client.get("/api/v1/review/rounds", headers=bearer(tokens.admin)).get_json()
    assert [r["id"] for r in rounds["items"]] == [round_id]
    assert rounds["items"][0]["blind"] is True and rounds["items"][0]["stage"] == "scored"
    report = client.get(f"/api/v1/review/rounds/{round_id}/report",
                        headers=bearer(tokens.admin)).get_json()
    assert report["provisional"] is False and len(report["criteria"]) == 5
    ranking = report["ranking"]
    assert ranking["header"][0] == "Rank" and len(ranking["rows"]) == 3
    # admins are never blind: the report names the teams
    assert {row[2] for row in ranking["rows"]} == {
        "清华示范大学", "Munich Institute of Semiconductors", "上海示范研究院"}
    assert len(report["scores"]["rows"]) == 15 and len(report["panel"]["rows"]) == 5
    csv = client.get(f"/api/v1/review/rounds/{round_id}/report.csv",
                     headers=bearer(tokens.admin))
    assert csv.mimetype == "text/csv" and "清华示范大学" in csv.get_data(as_text=True)
    xlsx = client.get(f"/api/v1/review/rounds/{round_id}/report.xlsx",
                      headers=bearer(tokens.admin))
    assert "Ranking" in load_workbook(io.BytesIO(xlsx.data)).sheetnames


def test_nobody_but_the_program_office_reads_reports_and_exports(app, client, scene, tokens):
    round_id = _scored_round(app, scene)
    with app.app_context():
        on_panel = issue_token(db.session.get(ReviewRound, round_id)
                               .active_assignments[0].reviewer_id)
    paths = [f"/api/v1/review/rounds/{round_id}/report",
             f"/api/v1/review/rounds/{round_id}/report.csv",
             f"/api/v1/review/rounds/{round_id}/report.xlsx", "/api/v1/review/rounds",
             "/api/v1/exports/needs.jsonl", "/api/v1/exports/needs.csv",
             "/api/v1/exports/needs.xlsx"]
    for path in paths:
        assert client.get(path).status_code == 401, path
        for secret in (tokens.owner, tokens.solver, on_panel):
            response = client.get(path, headers=bearer(secret))
            assert (response.status_code, response.get_json()["code"]) == (403, "admin_only")
    assert client.get("/api/v1/review/rounds/999999/report", headers=bearer(tokens.admin)
                      ).status_code == 404


def test_the_needs_export_is_the_clis(app, client, tokens, published):
    lines = client.get("/api/v1/exports/needs.jsonl", headers=bearer(tokens.admin)
                       ).get_data(as_text=True).splitlines()
    record = json.loads(lines[0])
    assert record["id"] == published and record["confidential_details"]
    csv = client.get("/api/v1/exports/needs.csv", headers=bearer(tokens.admin))
    assert csv.get_data(as_text=True).startswith("\ufeffid,status,")
    book = load_workbook(io.BytesIO(client.get("/api/v1/exports/needs.xlsx",
                                               headers=bearer(tokens.admin)).data))
    assert book.active["A2"].value == published


def test_publicity_lists_public_decisions_only(app, client, scene):
    assert client.get("/api/v1/publicity").get_json() == {"items": [], "next_cursor": None}
    with app.test_request_context():
        review = open_with_panel(scene)
        score_all(review)
        winner = next(e for e in review.entries if e.label == "A")
        decision = decisions.propose_decision(review, get_user(scene.admin_id),
                                              outcome=Outcome.award,
                                              winner_entry_ids=[winner.id],
                                              rationale="A 方案综合得分最高。", publicity_days=7)
        db.session.commit()
        decision_id = decision.id
    # proposed, waiting for the owner: not public yet
    assert client.get("/api/v1/publicity").get_json()["items"] == []
    with app.app_context():
        decisions.confirm_decision(db.session.get(Decision, decision_id),
                                   get_user(scene.owner_id))
        db.session.commit()
    items = client.get("/api/v1/publicity").get_json()["items"]
    assert len(items) == 1
    item = items[0]
    assert item["status"] == "publicity" and item["outcome"] == "award"
    with app.app_context():
        winner_team = db.session.get(Decision, decision_id).winners[0].bid.organisation.name
    assert [w["organisation"]["name"] for w in item["winners"]] == [winner_team]
    assert item["winners"][0]["panel_score"]
    assert item["rationale_zh"] == "A 方案综合得分最高。" and item["open_objections"] == 0
    assert item["need"]["status"] == "publicity" and item["url"].endswith("/publicity")
    assert client.get(f"/api/v1/needs/{item['need']['ref']}").get_json()[
        "publicity_url"] == item["url"]
