"""Needs matched to a team's expertise, and reviewers whose expertise fits a need."""
from __future__ import annotations

import re

from marketplace.accounts.models import Role, User
from marketplace.extensions import db
from marketplace.matching import operations
from marketplace.matching.queries import matched_needs, reviewers_for
from tests import factories
from tests.search.helpers import BATTERY, ROBOT, SIC, publish


def test_needs_matched_to_a_profile_are_ranked_and_explained(ctx, people, taxonomy):
    sic = publish(people, **SIC)
    publish(people, **ROBOT)
    battery = publish(people, **BATTERY)
    solver = db.session.get(User, people.solver_id)
    profile = operations.save_profile(solver, ["wide-bandgap-semiconductors", "no-such-chain"],
                                      "固态电池，sulfide electrolyte")
    assert profile.chain_ids == ["wide-bandgap-semiconductors"]
    matches = matched_needs(profile)
    assert {m.need.id for m in matches} == {sic.id, battery.id}
    by_need = {m.need.id: m for m in matches}
    assert by_need[sic.id].chains == ["wide-bandgap-semiconductors"]
    assert set(by_need[battery.id].keywords) == {"固态电池", "sulfide electrolyte"}


def test_matches_page_and_profile_form(client, auth, people, taxonomy, app):
    with app.app_context():
        publish(people, **ROBOT)
    auth.login("solver@example.com")
    empty = client.get("/my/matches").get_data(as_text=True)
    assert "/my/expertise" in empty
    response = client.post("/my/expertise", data={"chain_ids": ["robotics"],
                                                  "keywords_text": "humanoid robot"})
    assert response.status_code == 302
    page = client.get("/my/matches").get_data(as_text=True)
    assert ROBOT["title_zh"] in page and "<mark>humanoid robot</mark>" in page
    auth.logout()
    auth.login("owner@example.com")
    assert client.get("/my/expertise").status_code == 403


def test_my_expertise_starts_from_the_team_profile_with_the_same_checkboxes(
        client, auth, people, taxonomy, app):
    from marketplace.bids.models import TeamProfile
    with app.app_context():
        solver = db.session.get(User, people.solver_id)
        db.session.add(TeamProfile(organisation_id=solver.organisation_id,
                                   chain_ids=["robotics"], keywords=["humanoid robot"]))
        db.session.commit()
    auth.login("solver@example.com")
    page = client.get("/my/expertise").get_data(as_text=True)
    assert 'type="checkbox"' in page and "<select" not in page.split("expertise-form")[1]
    assert 'checked id="chain_ids-' in page or re.search(
        r'<input checked[^>]*value="robotics"', page)
    assert "humanoid robot" in page and 'href="/team"' in page


def test_reviewer_fit_ranks_by_declared_expertise(ctx, people, taxonomy):
    need = publish(people, **SIC)
    expert = factories.user("sic-expert@example.com", {Role.reviewer}, "宽禁带研究所")
    other = factories.user("robot-expert@example.com", {Role.reviewer}, "机器人研究所")
    insider = factories.user("insider@example.com", {Role.reviewer})
    insider.organisation_id = need.organisation_id              # the owner's own colleague
    operations.save_profile(expert, ["wide-bandgap-semiconductors"], "silicon carbide")
    operations.save_profile(other, ["robotics"], "谐波减速器")
    operations.save_profile(insider, ["wide-bandgap-semiconductors"], "碳化硅")
    reviewer = db.session.get(User, people.reviewer_id)
    operations.save_profile(reviewer, [], "衬底")
    fits = reviewers_for(need)
    assert [f.user.email for f in fits] == ["sic-expert@example.com", "reviewer@example.com"]
    assert fits[0].chains == ["wide-bandgap-semiconductors"]
    assert fits[0].keywords == ["silicon carbide"]


def test_reviewer_fit_is_for_admins_only(client, auth, people, taxonomy, app):
    with app.app_context():
        need_id = publish(people, **SIC).id
    for email in ("owner@example.com", "reviewer@example.com", "solver@example.com"):
        auth.login(email)
        assert client.get(f"/admin/needs/{need_id}/reviewers").status_code == 403
        assert "/reviewers" not in client.get(f"/needs/{need_id}").get_data(as_text=True)
        auth.logout()
    assert client.get(f"/admin/needs/{need_id}/reviewers").status_code == 302  # to login
    auth.login("admin@example.com")
    assert client.get(f"/admin/needs/{need_id}/reviewers").status_code == 200
    assert f"/admin/needs/{need_id}/reviewers" in client.get(f"/needs/{need_id}").get_data(
        as_text=True)


def test_team_profile_expertise_feeds_needs_matched_to_you(client, auth, people, taxonomy, app):
    from marketplace.bids.models import TeamProfile
    with app.app_context():
        publish(people, **ROBOT)
        sic = publish(people, **SIC)
        solver = db.session.get(User, people.solver_id)
        db.session.add(TeamProfile(organisation_id=solver.organisation_id,
                                   chain_ids=["wide-bandgap-semiconductors"], keywords=[]))
        db.session.commit()
        sic_title = sic.title_zh
    auth.login("solver@example.com")  # no personal expertise profile at all
    client.set_cookie("lang", "zh")
    page = client.get("/my/matches").get_data(as_text=True)
    assert sic_title in page and ROBOT["title_zh"] not in page
