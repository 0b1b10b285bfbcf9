"""The bid form through the browser's eyes: drafts never lost, late bids refused, profile."""
import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from marketplace.bids.models import Bid, TeamProfile
from marketplace.core.types import utcnow
from marketplace.extensions import db

from .helpers import arena, bid_form, close, set_deadline, start, submitted


def _bid(app, bid_id) -> Bid:
    with app.app_context():
        bid = db.session.get(Bid, bid_id)
        bid.versions, bid.attachments  # load while the session is open
        db.session.expunge(bid)
        return bid


def test_a_half_typed_draft_is_saved_as_typed(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    half = {"approach": "Idea: use a 半绝缘 buffer", "milestones-0-share": "forty",
            "budget-0-amount": "lots", "action": "save"}
    assert client.post(f"/bids/{bid_id}/edit", data=half).status_code == 302
    page = client.get(f"/bids/{bid_id}/edit").get_data(as_text=True)
    assert "Idea: use a 半绝缘 buffer" in page and "forty" in page and "lots" in page


def test_an_invalid_submission_keeps_everything_and_says_what_is_missing(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    data = bid_form(a, action="submit", **{"milestones-1-share": "50", "declaration": None})
    response = client.post(f"/bids/{bid_id}/edit", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "must add up to 100%" in page and "Confirm the declaration" in page
    bid = _bid(app, bid_id)
    assert not bid.versions and bid.status.value == "draft"
    assert ["milestones-1-share", "50"] in bid.draft


def test_every_error_is_reported_in_one_round(app, client, auth):
    """A missing milestone name did hide that the shares do not add up to 100 %."""
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    data = bid_form(a, action="submit", **{"milestones-0-name": "", "milestones-1-share": "50",
                                           "approach": "short"})
    page = client.post(f"/bids/{bid_id}/edit", data=data).get_data(as_text=True)
    assert "Name the milestone." in page and "must add up to 100%" in page
    assert "at least 20 characters" in page


def test_the_summary_says_once_what_each_line_is_about(app, client, auth):
    """One notice, not a flash beside it; four indicators' "Say how the value will be
    verified." each named; the budget message says its unit; every line links to a field."""
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    first, second = a.indicator_ids
    data = bid_form(a, action="submit", **{
        f"indicator-{first}-verification": "", f"indicator-{second}-verification": "",
        "budget-1-amount": "a lot"})
    page = client.post(f"/bids/{bid_id}/edit", data=data).get_data(as_text=True)
    summary = page.split('role="alert"><strong>')[1].split("</div>")[0]
    assert "draft was saved" in summary and page.count("draft was saved") == 1
    lines = re.findall(r'<li><a href="#f-([^"]+)">(.*?)</a></li>', summary)
    verification = [text for _key, text in lines if "will be verified" in text]
    assert len(verification) == 2 and len(set(verification)) == 2
    assert any(text.startswith("Budget item 2: ") and "10,000 CNY" in text
               for _key, text in lines)
    assert [key for key, _text in lines if f'id="f-{key}"' not in page] == []


def test_units_typed_behind_shares_amounts_and_months_are_understood(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    data = bid_form(a, action="submit", **{
        "milestones-0-share": "40%", "milestones-1-share": "60 ％",
        "milestones-0-month": "12个月", "milestones-1-month": "30 months",
        "budget-0-amount": "8000万元", "budget-1-amount": "3000.50 万"})
    assert client.post(f"/bids/{bid_id}/edit", data=data).status_code == 302
    version = _bid(app, bid_id).versions[0]
    assert [m["share"] for m in version.content["milestones"]] == ["40", "60"]
    assert [m["month"] for m in version.content["milestones"]] == [12, 30]
    assert version.content["budget_total"] == "11000.50"


def test_a_decimal_comma_in_a_share_or_an_amount_is_refused_not_read_as_fifteen(
        app, client, auth):
    """"1,5" was read as 15 %: the share added up and the bid paid out ten times more."""
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    data = bid_form(a, action="submit", **{"milestones-0-share": "1,5",
                                           "milestones-1-share": "85",
                                           "budget-0-amount": "8000,5"})
    response = client.post(f"/bids/{bid_id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and not _bid(app, bid_id).versions
    assert page.count("a comma separates thousands") >= 2
    assert "add up to 86.5%" not in page, page[page.find("86.5") - 300:page.find("86.5") + 50]
    # a thousands separator stays one
    data = bid_form(a, action="submit", **{"budget-0-amount": "8,000"})
    assert client.post(f"/bids/{bid_id}/edit", data=data).status_code == 302


def test_submit_edit_and_resubmit_until_the_deadline(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    assert client.post(f"/bids/{bid_id}/edit", data=bid_form(a, action="submit")) \
        .status_code == 302
    client.post(f"/bids/{bid_id}/edit", data=bid_form(
        a, action="submit", approach="Second version of our technical approach."))
    bid = _bid(app, bid_id)
    assert [v.number for v in bid.versions] == [1, 2]
    assert bid.versions[0].submitted_at <= bid.versions[1].submitted_at
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert "Second version" in page


def test_a_bid_one_second_late_is_refused_and_the_draft_kept(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    client.get(f"/bids/{bid_id}/edit")
    set_deadline(app, a.need_id, utcnow() - timedelta(seconds=1))
    data = bid_form(a, action="submit", approach="Typed in the last minute, sent too late.")
    response = client.post(f"/bids/{bid_id}/edit", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Bidding closed at" in page and "your draft is kept" in page
    bid = _bid(app, bid_id)
    assert not bid.versions
    assert ["approach", "Typed in the last minute, sent too late."] in bid.draft


def test_withdrawn_bid_cannot_be_edited(app, client, auth):
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    assert client.post(f"/bids/{bid_id}/withdraw").status_code == 302
    assert client.get(f"/bids/{bid_id}/edit").status_code == 403
    assert _bid(app, bid_id).status.value == "withdrawn"


def test_no_bid_without_accepting_the_terms(app, client, auth):
    a = arena(app, accept=False)
    auth.login("solver@example.com")
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "first accept this need" in page
    response = client.post(f"/needs/{a.need_id}/bids", follow_redirects=True)
    assert "Accept the need" in response.get_data(as_text=True)
    client.post(f"/needs/{a.need_id}/terms")
    assert client.post(f"/needs/{a.need_id}/bids").status_code == 302


def test_owners_cannot_bid_and_closed_needs_take_no_bids(app, client, auth):
    a = arena(app)
    auth.login("owner@example.com")
    assert client.post(f"/needs/{a.need_id}/bids", follow_redirects=True).status_code == 200
    with app.app_context():
        assert db.session.query(Bid).count() == 0
    auth.logout()
    close(app, a.need_id)
    auth.login("rival@example.com")
    client.post(f"/needs/{a.need_id}/bids")
    with app.app_context():
        assert db.session.query(Bid).count() == 0


def test_my_bids_lists_the_team_bids_only(app, client, auth):
    a = arena(app)
    start(app, a)
    auth.login("solver-b@example.com")
    page = client.get("/my/bids").get_data(as_text=True)
    assert "8英寸硅基氮化镓外延片量产" in page or "8-inch GaN" in page
    auth.logout()
    auth.login("rival@example.com")
    assert "8英寸" not in client.get("/my/bids").get_data(as_text=True)


def test_team_profile_is_saved_with_members_and_expertise(app, client, auth):
    a = arena(app)
    auth.login("rival@example.com")
    assert client.get("/team").status_code == 200
    data = {"summary": "Power electronics lab", "keywords": "GaN, 功率器件；SiC",
            "chains_text": "integrated-circuits", "chains": ["integrated-circuits"],
            "achievements": "- 3 patents",
            "members-0-name": "Lee Wei", "members-0-title": "Dr", "members-0-role": "PI",
            "members-0-bio": "MOCVD", "members-0-id": str(a.rival_member_ids[0]),
            "members-1-name": "Tan Mei", "members-1-role": "Process engineer"}
    assert client.post("/team", data=data).status_code == 302
    with app.app_context():
        profile = db.session.query(TeamProfile).filter_by(organisation_id=a.rival_org_id).one()
        assert profile.keywords == ["GaN", "功率器件", "SiC"]
        assert profile.chain_ids == ["integrated-circuits"]
        assert [m.name for m in profile.members] == ["Lee Wei", "Tan Mei"]
        assert profile.members[0].id == a.rival_member_ids[0]
    auth.logout()
    auth.login("owner@example.com")
    assert client.get("/team").status_code == 403


def test_nav_shows_bid_links_and_unread_count_to_solvers(app, client, auth):
    arena(app)
    auth.login("solver@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "/my/bids" in page and "/team" in page and "/notifications" in page


def test_profile_offers_the_taxonomy_chains_when_loaded(app, client, auth):
    from marketplace.taxonomy.models import Chain, Cluster
    arena(app)
    with app.app_context():
        cluster = Cluster(id="next-gen-it", position=0, name_zh="新一代信息技术",
                          name_en="Next-generation IT")
        cluster.chains.append(Chain(id="integrated-circuits", position=0, name_zh="集成电路",
                                    name_en="Integrated circuits"))
        db.session.add(cluster)
        db.session.commit()
    auth.login("solver@example.com")
    page = client.get("/team").get_data(as_text=True)
    box = re.search(r'<input[^>]*value="integrated-circuits"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box and "checked" in box  # the profile's chain is ticked


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_file_is_removed_when_the_draft_is_saved_with_what_was_typed(app, client, auth):
    import io
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    client.post(f"/bids/{bid_id}/edit", data={"approach": "v1", "action": "save",
                                               "attachment": (io.BytesIO(PDF), "plan.pdf")},
                content_type="multipart/form-data")
    file_id = _bid(app, bid_id).attachments[0].id
    page = client.get(f"/bids/{bid_id}/edit").get_data(as_text=True)
    assert f'name="remove_attachment" value="{file_id}"' in page
    client.post(f"/bids/{bid_id}/edit", data={"approach": "typed, then Remove clicked",
                                               "remove_attachment": str(file_id)})
    bid = _bid(app, bid_id)
    assert ["approach", "typed, then Remove clicked"] in bid.draft
    assert [f.in_draft for f in bid.attachments] == [False]


def test_my_bids_shows_when_bidding_has_closed_and_versions_show_symbols(app, client, auth):
    a = arena(app)
    bid_id = submitted(app, a)
    auth.login("solver@example.com")
    assert 'badge-published' in client.get("/my/bids").get_data(as_text=True)
    version = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert "≥ 650 V" in version and "&gt;= 650" not in version
    set_deadline(app, a.need_id, utcnow() - timedelta(minutes=1))
    page = client.get("/my/bids").get_data(as_text=True)
    assert 'badge-closed' in page and "Bidding closed" in page


def test_a_version_whose_commitment_misses_the_target_is_flagged(app, client, auth):
    """The form refuses such commitments; a version that came another way is flagged."""
    from marketplace.bids.models import BidVersion
    a = arena(app)
    bid_id = submitted(app, a)
    auth.login("solver@example.com")
    assert "data-falls-short" not in client.get(f"/bids/{bid_id}").get_data(as_text=True)
    with app.app_context():
        version = db.session.scalar(sa.select(BidVersion).where(BidVersion.bid_id == bid_id))
        content = dict(version.content)
        rows = [dict(row) for row in content["indicators"]]
        rows[0]["committed"] = "600"            # the target is ≥ 650 V
        content["indicators"] = rows
        # versions are immutable through the app; this one "arrived another way" (older data)
        db.session.execute(sa.update(BidVersion.__table__).where(
            BidVersion.__table__.c.id == version.id).values(content=content))
        db.session.commit()
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert page.count("data-falls-short") == 1 and "does not meet the target" in page



def test_budget_amounts_and_total_share_one_number_format(app, client, auth):
    a = arena(app)
    bid_id = submitted(app, a)               # items 8000 and 3000.50
    auth.login("solver@example.com")
    client.set_cookie("lang", "zh")
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert ">8,000\u00a0万元<" in page and ">3,000.5\u00a0万元<" in page
    assert ">11,000.5\u00a0万元<" in page and ">8000<" not in page
    # in English every amount on the page (items, total, the list of versions) reads alike
    client.set_cookie("lang", "en")
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert ">CNY 80 million<" in page and ">CNY 30.005 million<" in page
    assert ">CNY 110.005 million<" in page and "CNY 110.005 million</li>" in page
    assert ">8,000<" not in page and ">11,000.5<" not in page


def test_deadlines_read_in_beijing_time_and_the_readers_zone_alike_everywhere(app, client,
                                                                              auth):
    """My bids, My needs and the need page say a deadline the same way: Beijing time first,
    then the reader's own zone when it differs."""
    a = arena(app)
    start(app, a)
    set_deadline(app, a.need_id, datetime(2031, 3, 1, 9, 0, tzinfo=timezone.utc))
    beijing, amsterdam = "2031-03-01 17:00 UTC+08:00", "2031-03-01 10:00 UTC+01:00"
    client.set_cookie("tz", "Europe/Amsterdam")
    for who, url in (("solver@example.com", "/my/bids"), ("owner@example.com", "/my/needs"),
                     ("solver@example.com", f"/needs/{a.need_id}")):
        auth.login(who)
        page = client.get(url).get_data(as_text=True)
        assert beijing in page and amsterdam in page, url
        assert page.index(beijing) < page.index(amsterdam), url
        auth.logout()
    # one clock (the program's zone, or another zone at +08:00 then): said once
    for zone in ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore"):
        client.set_cookie("tz", zone)
        auth.login("solver@example.com")
        page = client.get("/my/bids").get_data(as_text=True)
        assert "data-your-time" in page and page.split("data-your-time")[1].split(">")[0] \
            .count("hidden") == 1, zone
        auth.logout()


def test_a_double_submit_makes_one_version(app, client, auth):
    """Two clicks on "submit" (or a resend) with nothing changed: one version, one notice."""
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    for _ in range(2):
        assert client.post(f"/bids/{bid_id}/edit", data=bid_form(a, action="submit")) \
            .status_code == 302
    assert [v.number for v in _bid(app, bid_id).versions] == [1]


def test_commitments_are_shown_as_targets_are(app, client, auth):
    """2e18 beside a target of 10¹⁸ reads 2×10¹⁸; text that is no number stays as typed."""
    from marketplace.bids.content import committed_text
    assert committed_text({"committed": "2e18", "unit": "cm-3"}) == "2×10¹⁸"
    assert committed_text({"committed": "≥ 9×10^-10 A", "unit": "A"}) == "9×10⁻¹⁰"
    assert committed_text({"committed": "700", "unit": "V"}) == "700"
    assert committed_text({"committed": "see annex", "unit": "V"}) == "see annex"


def test_a_visitor_on_a_closed_need_is_told_where_the_bids_are(app, client):
    """The sidebar showed an empty "Bids" heading once bidding had closed."""
    a = arena(app)
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    assert "data-bids-closed" not in page and "Bids are sealed" in page
    close(app, a.need_id)
    page = client.get(f"/needs/{a.need_id}").get_data(as_text=True)
    panel = page.split('class="bid-panel"')[1].split("</div>")[0]
    assert "data-bids-closed" in panel


def test_a_submitted_bid_can_be_withdrawn_from_its_own_page(app, client, auth):
    """Withdrawing was only at the bottom of the edit form."""
    a = arena(app)
    bid_id = start(app, a)
    auth.login("solver@example.com")
    client.post(f"/bids/{bid_id}/edit", data=bid_form(a, action="submit"))
    page = client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert "data-withdraw-bid" in page and f'action="/bids/{bid_id}/withdraw"' in page
    assert client.post(f"/bids/{bid_id}/withdraw").status_code == 302
    assert _bid(app, bid_id).status.value == "withdrawn"
    assert "data-withdraw-bid" not in client.get(f"/bids/{bid_id}").get_data(as_text=True)
