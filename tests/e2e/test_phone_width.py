"""At 390 px no page of any journey is wider than the phone (users' defects issue: the score
sheet and the row editors overflowed), in both languages."""
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.bids.operations import start_bid
from marketplace.challenges.operations import accept_terms
from marketplace.challenges.models import NeedStatus
from marketplace.extensions import db
from marketplace.review.models import Assignment

from .. import factories
from ..review import builders
from ..review.conftest import open_with_panel
from .browser import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def journey_data(app, people):
    """A published need, a draft, a closed need under review with bids and a panel."""
    with app.test_request_context():
        published = factories.need(people.owner_id, NeedStatus.published,
                                   people.admin_id)
        draft = factories.need(people.owner_id)
        solver = db.session.get(User, people.solver_id)
        accept_terms(published, solver)
        open_bid = start_bid(published, solver)     # a draft bid: its editor is the row form
        scene = builders.scenario(people)
        db.session.commit()
        review = open_with_panel(scene)
        db.session.commit()
        assignment = db.session.scalar(select(Assignment).where(
            Assignment.round_id == review.id).order_by(Assignment.id))
        reviewer = db.session.get(User, assignment.reviewer_id)
        team = db.session.get(User, scene.team_user_ids[0])
        return {
            "published": published.id, "draft": draft.id, "need": scene.need_id,
            "round": review.id, "bid": scene.bid_ids[0], "assignment": assignment.id,
            "entry": review.entries[0].id, "reviewer": reviewer.email, "team": team.email,
            "open_bid": open_bid.id,
        }


def _pages(d):
    anonymous = ["/", "/needs/", f"/needs/{d['published']}", "/search?q=GaN",
                 "/industry-map", "/account/login", "/account/register"]
    owner = ["/my/needs", "/needs/new", f"/needs/{d['draft']}/edit", "/account/settings",
             "/account/organisation", "/notifications", f"/needs/{d['need']}/bids"]
    admin = ["/admin/", "/admin/waiting", "/admin/screening", "/admin/organisations",
             "/admin/users", "/admin/review/", f"/admin/review/rounds/{d['round']}",
             f"/admin/review/rounds/{d['round']}/report", "/admin/audit/",
             f"/admin/review/rounds/{d['round']}/propose"]
    team = ["/my/bids", f"/bids/{d['bid']}"]
    solver = ["/my/bids", "/account/organisation", f"/bids/{d['open_bid']}/edit"]
    reviewer = ["/review/", f"/review/assignments/{d['assignment']}",
                f"/review/assignments/{d['assignment']}/bids/{d['entry']}"]
    return [(None, anonymous), ("owner@example.com", owner), ("admin@example.com", admin),
            (d["team"], team), ("solver@example.com", solver), (d["reviewer"], reviewer)]


def _width(page, path) -> int:
    page.goto(path)
    return page.evaluate("document.documentElement.scrollWidth")


# controls that must be at least 24 px tall to tap (WCAG 2.2 target size, minimum)
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'button, .button, summary, .subnav a, .lang-switch a, .pagination a, select,'
    + ' input:not([type=hidden]):not([type=checkbox]):not([type=radio])'))
  .filter(el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
                  return r.width > 1 && r.height > 1 && s.visibility !== 'hidden'
                         && r.height < 24; })
  .slice(0, 5).map(el => el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30)
                        + ' ' + Math.round(el.getBoundingClientRect().height))"""

# table cells squeezed until their text runs one or two characters per line
CRAMPED = """() => Array.from(document.querySelectorAll('td, th'))
  .filter(c => { const r = c.getBoundingClientRect(); const t = c.innerText.trim();
                 return r.width > 0 && r.width < 56 && t.length > 4 && r.height > 60; })
  .slice(0, 5).map(c => c.innerText.trim().slice(0, 30) + ' ' + Math.round(
                        c.getBoundingClientRect().width) + 'px')"""


@contextmanager
def phone(browser, live_server, who=None, lang=None):
    """A 390 px browser page, signed in as `who` (or a visitor), in `lang` if given."""
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, who, lang)
        yield page
    finally:
        context.close()


def sign_in(page, live_server, who, lang=None) -> None:
    if who:
        log_in(page, who)               # a clean session: the language cookie goes too
    if lang:
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])


def fits_the_phone(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] + box["width"] <= PHONE["width"]


def test_no_page_of_any_journey_is_wider_than_a_phone(app, browser, live_server, journey_data):
    too_wide, too_small, cramped = {}, {}, {}
    for who, paths in _pages(journey_data):
        for lang in ("zh", "en"):
            with phone(browser, live_server, who, lang) as page:
                for path in paths:
                    width = _width(page, path)
                    if width > PHONE["width"]:
                        too_wide[f"{lang} {path}"] = width
                    small = page.evaluate(SMALL_TARGETS)
                    if small:
                        too_small[f"{lang} {path}"] = small
                    squeezed = page.evaluate(CRAMPED)
                    if squeezed:
                        cramped[f"{lang} {path}"] = squeezed
    assert not too_wide, too_wide
    assert not too_small, too_small
    assert not cramped, cramped


def test_the_owners_bid_list_stacks_on_a_phone(app, browser, live_server, journey_data):
    """Its last column was cut off inside a sideways-scrolling frame at 390 px."""
    with phone(browser, live_server, "owner@example.com", "zh") as page:
        page.goto(f"/needs/{journey_data['need']}/bids")
        frame = page.locator("[data-bid-list]").evaluate(
            "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
        assert frame[0] <= frame[1], frame


def test_row_editors_keep_their_labels_on_a_phone(app, browser, live_server, journey_data):
    """Milestone, budget and indicator rows were stacked blank boxes at 390 px."""
    with phone(browser, live_server, "solver@example.com", "en") as page:
        page.goto(f"/bids/{journey_data['open_bid']}/edit")

        def label_before(selector):
            return page.locator(selector).first.evaluate(
                "el => getComputedStyle(el.closest('td'), '::before').content")
        assert label_before("[name='milestones-0-name']") == '"Milestone"'
        assert label_before("[name='budget-0-amount']") == '"Amount (10,000 CNY)"'
        sign_in(page, live_server, "owner@example.com", "en")
        page.goto(f"/needs/{journey_data['draft']}/edit")
        assert label_before("[name='indicators-0-target']") == '"Target value"'


def test_my_bids_actions_are_reachable_without_sideways_scrolling(app, browser, live_server,
                                                                 journey_data):
    with phone(browser, live_server, "solver@example.com") as page:
        page.goto("/my/bids")
        assert fits_the_phone(page, f"a[href='/bids/{journey_data['open_bid']}/edit']")


def test_my_needs_actions_are_reachable_without_sideways_scrolling(app, browser, live_server,
                                                                  journey_data):
    with phone(browser, live_server, "owner@example.com") as page:
        page.goto("/my/needs")
        assert fits_the_phone(page, f"a[href='/needs/{journey_data['draft']}/edit']")


def test_the_sticky_save_bar_leaves_room_for_the_field_scrolled_to(app, browser, live_server,
                                                                   journey_data):
    with phone(browser, live_server, "solver@example.com") as page:
        page.goto(f"/bids/{journey_data['open_bid']}/edit#f-milestones")
        bar = page.locator(".sticky-actions").first.bounding_box()
        padding = page.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom)")
        assert bar is not None and padding >= bar["height"]


def test_the_need_pages_side_card_scrolls_with_the_page_on_a_phone(app, browser, live_server,
                                                                  journey_data):
    """Pinned, the card covered the terms and their "I accept" button at 390 px."""
    with phone(browser, live_server, "solver@example.com") as page:
        page.goto(f"/needs/{journey_data['published']}")
        assert page.locator(".need-side").evaluate(
            "el => getComputedStyle(el).position") != "sticky"
