"""A visitor's very first page shows times in the browser's own zone, not only Beijing time
(the server learns the zone from a cookie only on the next request)."""
import re
from datetime import datetime, timezone

import pytest

from marketplace.challenges.models import NeedStatus
from marketplace.extensions import db

from .. import factories

pytestmark = pytest.mark.e2e


def test_first_page_shows_the_deadline_in_the_browsers_zone(app, browser_page, people):
    with app.test_request_context():
        deadline = datetime(2099, 1, 15, 9, 30, tzinfo=timezone.utc)    # 17:30 in Beijing
        need_id = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                                 deadline=deadline).id
        db.session.commit()
    page = browser_page                                 # Europe/Berlin, no cookie yet
    page.goto(f"/needs/{need_id}")
    your_time = page.locator("[data-your-time]")
    your_time.wait_for(state="visible")
    assert re.search(r"2099-01-15 10:30 UTC\+01:00", your_time.inner_text())
    assert "2099-01-15 17:30 UTC+08:00" in page.locator(".keyfacts").inner_text()
    assert page.locator("[data-viewer-zone]").inner_text() == "Europe/Berlin"   # the footer too
    # the next request tells the server the zone (a cookie), for pages without the script
    assert "tz=Europe/Berlin" in "; ".join(f"{c['name']}={c['value']}"
                                           for c in page.context.cookies())


def test_a_browser_on_the_programs_clock_is_not_told_the_time_twice(app, browser,
                                                                   live_server, people):
    """Hong Kong reads as Beijing: no "Your time" line that repeats the deadline."""
    with app.test_request_context():
        need_id = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                                 deadline=datetime(2099, 1, 15, 9, 30, tzinfo=timezone.utc)).id
        db.session.commit()
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Hong_Kong")
    page = context.new_page()
    page.goto(f"/needs/{need_id}")
    page.wait_for_function("document.querySelector('[data-viewer-zone]').textContent"
                           " === 'Asia/Hong_Kong'")
    assert not page.locator("[data-your-time]").first.is_visible()
    context.close()


def test_the_phone_menu_works_from_the_keyboard_and_is_announced(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 800},
                                  locale="en-GB")
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.new_page()
    page.goto("/")
    toggle = page.get_by_role("checkbox", name="Menu")     # in the accessibility tree
    assert toggle.count() == 1
    assert not page.locator("#site-navs").is_visible()
    toggle.focus()
    page.keyboard.press("Space")
    assert page.locator("#site-navs").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
