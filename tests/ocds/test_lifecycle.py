"""A need through review, award, contract and acceptance: the releases that the lifecycle
writes, their tags, and the record's compiled release."""
from __future__ import annotations

import json
from datetime import timedelta

import ocdsmerge
import pytest

from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.ocds.packages import record_package, release_package
from marketplace.review import decisions
from marketplace.review.award_models import MilestoneStatus, Outcome

from . import builders
from .validation import assert_valid, release_schema


@pytest.fixture(scope="module")
def merger():
    """ocdsmerge, the OCDS reference implementation of merging, with the rules of the vendored
    1.1.5 schema (and the bids extension): the oracle for our own merge."""
    return ocdsmerge.Merger(schema=release_schema())


def tags(releases) -> list[list[str]]:
    return [r["tag"] for r in releases]


def assert_record(ocid: str, merger) -> dict:
    package = record_package(ocid)
    assert_valid(package, "record")
    [record] = package["records"]
    assert record["ocid"] == ocid
    dates = [r["date"] for r in record["releases"]]
    assert dates == sorted(dates)
    assert record["compiledRelease"] == merger.create_compiled_release(record["releases"])
    return record["compiledRelease"]


def test_two_winners_racing_through_contract_milestones_and_acceptance(ctx, people, merger):
    life = builders.closed(people)
    decision = builders.in_publicity(life, labels=("A", "B"))       # 赛马
    chosen = [w.bid.organisation.name for w in decision.winners]
    [loser] = set(life.team_names()) - set(chosen)
    releases = builders.releases_of(life.ocid)
    assert tags(releases) == [["tender"], ["tenderUpdate"], ["award"]]
    awards = releases[-1]["awards"]
    assert [a["status"] for a in awards] == ["pending", "pending"]
    winners = [a["suppliers"][0]["name"] for a in awards]
    assert winners == chosen                          # in the ranking's order
    assert awards[0]["description"] == "综合得分最高。"
    assert awards[0]["description_en"] == "Highest panel score."
    assert awards[0]["documents"][0]["documentType"] == "awardNotice"
    parties = {p["name"]: p["roles"] for p in releases[-1]["parties"]}
    assert all(parties[name] == ["tenderer", "supplier"] for name in winners)
    assert loser not in json.dumps(releases, ensure_ascii=False)   # never named by default
    assert "value" not in awards[0]                 # what a bid asked for stays unpublished

    decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
    decisions.finalise(decision, life.admin)
    final = builders.releases_of(life.ocid)[-1]
    assert final["tag"] == ["tenderUpdate", "awardUpdate"]
    assert final["tender"]["status"] == "complete"
    assert [a["status"] for a in final["awards"]] == ["active", "active"]

    milestones = decisions.record_contract(life.need, life.admin)
    contract = builders.releases_of(life.ocid)[-1]
    assert contract["tag"] == ["contract"]
    assert [c["status"] for c in contract["contracts"]] == ["active", "active"]
    assert {c["awardID"] for c in contract["contracts"]} == {a["id"] for a in final["awards"]}
    first = contract["contracts"][0]
    assert first["dateSigned"] == first["period"]["startDate"]
    planned = first["implementation"]["milestones"]
    assert [(m["title"], m["status"], m["type"]) for m in planned] == [
        ("Pilot line", "scheduled", "delivery"), ("Mass production", "scheduled", "delivery")]
    assert "10k wafers" not in json.dumps(contract)      # deliverables are not public

    owner = life.owner
    decisions.report_milestone(milestones[0], owner, MilestoneStatus.met, "100片样品交付")
    decisions.report_milestone(milestones[1], owner, MilestoneStatus.partially_met, "部分完成")
    after = builders.releases_of(life.ocid)
    assert tags(after)[-2:] == [["implementation"], ["implementationUpdate"]]
    reported = after[-1]["contracts"][0]["implementation"]["milestones"]
    assert [m["status"] for m in reported] == ["met", "partiallyMet"]
    assert "dateMet" in reported[0] and "dateMet" not in reported[1]
    assert "100片样品交付" not in json.dumps(after, ensure_ascii=False)   # reports stay private

    for milestone in milestones:
        decisions.report_milestone(milestone, owner, MilestoneStatus.met, "完成") \
            if milestone.status != MilestoneStatus.met else None
        decisions.accept_milestone(milestone, life.admin)
    decisions.accept_project(life.need, life.admin)
    releases = builders.releases_of(life.ocid)
    assert releases[-1]["tag"] == ["contractTermination"]
    assert {c["status"] for c in releases[-1]["contracts"]} == {"terminated"}
    assert len({r["id"] for r in releases}) == len(releases)
    assert_valid(release_package())
    compiled = assert_record(life.ocid, merger)
    assert compiled["tag"] == ["compiled"] and compiled["tender"]["status"] == "complete"
    assert len(compiled["awards"]) == 2 and len(compiled["contracts"]) == 2
    assert compiled["bids"]["statistics"][0]["value"] == 3


def test_no_award_is_an_unsuccessful_award_and_republication_reopens_the_tender(
        ctx, people, merger):
    life = builders.closed(people)
    builders.final(life, Outcome.no_award, labels=())
    releases = builders.releases_of(life.ocid)
    assert tags(releases) == [["tender"], ["tenderUpdate"], ["award"],
                              ["tenderUpdate", "awardUpdate"]]
    assert releases[2]["awards"][0]["status"] == "pending"
    [award] = releases[-1]["awards"]
    assert award["status"] == "unsuccessful" and "suppliers" not in award
    assert award["title"] == "流榜" and award["title_en"] == "No award"
    assert releases[-1]["tender"]["status"] == "unsuccessful"
    assert "tenderers" not in releases[-1]["tender"]

    deadline = utcnow() + timedelta(days=30)
    decisions.republish(life.need, life.admin, deadline)
    releases = builders.releases_of(life.ocid)
    again = releases[-1]
    assert again["id"] == f"{life.ocid}-tender-2" and again["tag"] == ["tenderUpdate"]
    assert again["tender"]["status"] == "active"
    assert again["tender"]["tenderPeriod"]["endDate"] == deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert again["awards"][0]["status"] == "unsuccessful"      # the first period's outcome
    assert [s["id"] for s in again["bids"]["statistics"]] == ["bids-1"]
    # the second period's bids are counted at its own deadline, apart from the first's
    life.need.deadline = utcnow() - timedelta(seconds=1)
    db.session.flush()
    statistics = builders.releases_of(life.ocid)[-1]["bids"]["statistics"]
    assert [(s["id"], s["value"]) for s in statistics] == [("bids-1", 3), ("bids-2", 0)]
    assert_valid(release_package())
    assert assert_record(life.ocid, merger)["tender"]["status"] == "active"


def test_an_upheld_objection_cancels_the_award(ctx, people, merger):
    life = builders.closed(people)
    decision = builders.in_publicity(life)
    objection = decisions.lodge_objection(decision, db.session.get(
        type(life.admin), people.solver_id), "评分有误，请复核。", [])
    decisions.resolve_objection(objection, life.admin, upheld=True, resolution="异议成立。")
    releases = builders.releases_of(life.ocid)
    assert releases[-1]["id"] == f"{life.ocid}-award-{decision.id}-withdrawn"
    assert releases[-1]["tag"] == ["awardCancellation"]
    assert releases[-1]["awards"][0]["status"] == "cancelled"
    assert releases[-1]["tender"]["status"] == "active"
    assert_record(life.ocid, merger)


def test_every_team_is_named_once_final_where_the_office_publishes_them(
        ctx, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "OCDS_NAME_ALL_TENDERERS", True)
    life = builders.closed(people)
    decision = builders.in_publicity(life)
    during = builders.releases_of(life.ocid)[-1]
    assert len(during["tender"]["tenderers"]) == 1            # the winner, from publicity on
    decision.publicity_ends_at = utcnow() - timedelta(seconds=1)
    decisions.finalise(decision, life.admin)
    final = builders.releases_of(life.ocid)[-1]
    assert sorted(t["name"] for t in final["tender"]["tenderers"]) == sorted(life.team_names())
    assert_valid(release_package())


def test_releases_keep_their_ids_from_one_export_to_the_next(ctx, people):
    life = builders.closed(people)
    builders.in_publicity(life)
    first = release_package()
    second = release_package()
    assert first == second
    ids = [r["id"] for r in first["releases"]]
    assert len(ids) == len(set(ids))
    assert all(r["id"].startswith(r["ocid"] + "-") for r in first["releases"])
    assert first["publishedDate"] == max(r["date"] for r in first["releases"])
