"""A need's card is rendered once per process (core/fragments.py) and reused by signed-in
readers too, whom the page cache never serves: it must change as soon as anything it shows
changes, and stay each language's own."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from marketplace.accounts.models import Organisation
from marketplace.challenges.models import Challenge, NeedStatus
from marketplace.core.fragments import fragments
from marketplace.core.types import utcnow
from marketplace.extensions import db
from tests import factories


def _published(app, people, **values) -> int:
    with app.app_context():
        need = factories.need(people.owner_id, NeedStatus.published, admin_id=people.admin_id,
                              **values)
        db.session.commit()
        return need.id


def test_a_card_changes_with_its_need_its_organisation_and_its_deadline(client, auth, people,
                                                                      app):
    need_id = _published(app, people, title_en="Old card title")
    auth.login("solver@example.com")
    client.set_cookie("lang", "en")
    assert "Old card title" in client.get("/needs/").get_data(as_text=True)
    assert len(fragments.items) > 0                        # the card was kept

    with app.app_context():
        db.session.get(Challenge, need_id).title_en = "New card title"
        db.session.commit()
    page = client.get("/needs/").get_data(as_text=True)
    assert "New card title" in page and "Old card title" not in page

    with app.app_context():
        db.session.get(Organisation, people.owner_org_id).name_en = "Renamed Enterprise Co"
        db.session.commit()
    assert "Renamed Enterprise Co" in client.get("/needs/").get_data(as_text=True)

    # the deadline passes with no write at all: the card says closed
    with app.app_context():
        db.session.execute(update(Challenge).where(Challenge.id == need_id).values(
            deadline=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    page = client.get("/needs/?status=all").get_data(as_text=True)
    assert 'class="badge badge-closed"' in page and 'badge-published' not in page


def test_each_language_has_its_own_card(client, people, app):
    _published(app, people, title_en="English card title", title_zh="中文卡片标题",
               budget_wan=5000)
    client.set_cookie("lang", "en")
    english = client.get("/needs/").get_data(as_text=True)
    client.set_cookie("lang", "zh")
    chinese = client.get("/needs/").get_data(as_text=True)
    assert "English card title" in english and "CNY 50 million" in english
    assert "中文卡片标题" in chinese and "5,000\u00a0万元" in chinese
    assert "English card title" not in chinese and "中文卡片标题" not in english
