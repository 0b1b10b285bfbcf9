"""Cached public pages: never stale after a change, never one person's view for another."""
from __future__ import annotations

from sqlalchemy import text, update

from marketplace.accounts.models import User
from marketplace.challenges import operations
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core import pagecache
from marketplace.extensions import db

from . import factories


def _publish(app, people, title: str) -> int:
    with app.app_context():
        need = factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                              title_zh=title, title_en=title)
        db.session.commit()
        return need.id


def test_a_publish_shows_at_once_on_every_cached_page(app, client, people):
    _publish(app, people, "第一项缓存测试需求")
    for path in ("/needs/", "/", "/industry-map"):
        assert client.get(path).status_code == 200          # now cached
    assert len(pagecache.pages.items) >= 3
    with app.app_context():                                  # an owner submits, an admin
        need = factories.need(people.owner_id, NeedStatus.submitted,  # publishes
                              title_zh="第二项缓存测试需求", title_en="Second cached need")
        db.session.commit()
        operations.publish(need, db.session.get(User, people.admin_id))
        db.session.commit()
    for path in ("/needs/", "/"):
        assert "Second cached need" in client.get(path).get_data(as_text=True), path


def test_a_change_by_another_process_shows_within_the_version_ttl(app, client, people,
                                                                  monkeypatch):
    need_id = _publish(app, people, "另一进程修改的需求")
    client.get(f"/needs/{need_id}")
    with app.app_context(), db.engine.begin() as connection:   # as another server writes
        connection.execute(update(Challenge).where(Challenge.id == need_id)
                           .values(title_en="Renamed elsewhere", title_zh="别处改名"))
        connection.execute(text("UPDATE data_version SET value = value + 1"))
    monkeypatch.setattr(pagecache, "VERSION_TTL", 0.0)     # (0.5 s in production)
    page = client.get(f"/needs/{need_id}").get_data(as_text=True)
    assert "Renamed elsewhere" in page or "别处改名" in page


def test_a_need_taken_back_disappears_from_the_cached_list(app, client, people):
    need_id = _publish(app, people, "将被撤回的需求")
    client.set_cookie("lang", "zh")
    assert "将被撤回的需求" in client.get("/needs/").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(Challenge).where(Challenge.id == need_id).values(
            status=NeedStatus.returned))          # a bulk statement through the session
        db.session.commit()
    assert "将被撤回的需求" not in client.get("/needs/").get_data(as_text=True)
    assert client.get(f"/needs/{need_id}").status_code == 404


def test_languages_and_signed_in_users_get_their_own_pages(app, client, auth, people):
    _publish(app, people, "双语缓存")
    client.set_cookie("lang", "zh")
    chinese = client.get("/needs/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/needs/").get_data(as_text=True)
    assert '<html lang="zh' in chinese and '<html lang="en' in english
    auth.login("solver@example.com")
    signed_in = client.get("/needs/").get_data(as_text=True)
    assert "solver@example.com" in signed_in or "Log out" in signed_in
    assert "Log out" not in english


def test_a_flash_message_is_never_lost_to_a_cached_page(app, client, auth, people):
    client.get("/")                                          # cached for anonymous visitors
    auth.login("solver@example.com")
    auth.logout()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "一条提示")]
    assert "一条提示" in client.get("/").get_data(as_text=True)


def test_the_cache_can_be_turned_off(app, client, people):
    _publish(app, people, "关闭缓存")
    app.config["PAGE_CACHE"] = False
    try:
        pagecache.pages.clear()
        client.get("/needs/")
        assert not pagecache.pages.items
    finally:
        app.config["PAGE_CACHE"] = True


def test_a_visitor_gets_a_need_page_without_a_cookie_and_from_the_cache(app, client, people):
    need_id = _publish(app, people, "访客缓存需求页")
    response = client.get(f"/needs/{need_id}")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert any(key[-1].startswith(f"/needs/{need_id}") for key in pagecache.pages.items)


def test_a_closed_need_page_is_cacheable_for_visitors_too(app, client, people):
    """The review panel of a closed need made forms (and so a CSRF cookie) for everyone."""
    from datetime import timedelta
    from marketplace.challenges.models import Challenge
    from marketplace.challenges.operations import close_expired
    from marketplace.core.types import utcnow
    need_id = _publish(app, people, "已截止需求页")
    with app.test_request_context():
        db.session.get(Challenge, need_id).deadline = utcnow() - timedelta(minutes=1)
        assert close_expired() == 1
        db.session.commit()
    response = client.get(f"/needs/{need_id}")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert any(key[-1].startswith(f"/needs/{need_id}") for key in pagecache.pages.items)
