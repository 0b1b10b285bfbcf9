"""Small pages every deployment needs: health check, favicon, security headers."""


def test_health_check_touches_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.location.endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def test_english_pages_set_latin_faces_first(client):
    with client.get("/static/css/app.css") as response:
        css = response.get_data(as_text=True)
    english = css[css.index(":root:lang(en)"):]
    assert english.index("Arial") < english.index("Noto Sans CJK SC")
    client.set_cookie("lang", "en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_budgets_read_as_each_language_counts_money(app):
    from decimal import Decimal

    from marketplace.core.web import format_budget
    assert format_budget(Decimal("5000"), "zh") == "5,000\u00a0万元"  # never wraps before the unit
    assert format_budget(Decimal("5000"), "en") == "CNY 50 million"
    assert format_budget(Decimal("120000"), "en") == "CNY 1.2 billion"
    assert format_budget(Decimal("12.5"), "en") == "CNY 125,000"
    assert format_budget(Decimal("1850"), "en") == "CNY 18.5 million"
    assert format_budget(None, "en") == ""


def test_need_cards_show_the_budget_in_the_page_language(client, app, people):
    from marketplace.challenges.models import NeedStatus
    from marketplace.extensions import db
    from tests import factories
    with app.app_context():
        factories.need(people.owner_id, NeedStatus.published, people.admin_id)  # 12,000 万元
        db.session.commit()
    client.set_cookie("lang", "zh")
    assert "12,000\u00a0万元" in client.get("/needs/").get_data(as_text=True)
    client.set_cookie("lang", "en")
    page = client.get("/needs/").get_data(as_text=True)
    assert "CNY 120 million" in page and "×10k" not in page


def test_the_home_page_total_reads_as_people_say_it(app, client, people):
    """It showed "43.57 / 100 million CNY of budgets" in English."""
    from decimal import Decimal

    from marketplace.challenges.models import NeedStatus
    from marketplace.core.web import format_budget_headline
    from marketplace.extensions import db
    from tests import factories
    assert format_budget_headline(Decimal("99999"), "en") == "CNY 1 billion"
    assert format_budget_headline(Decimal("4357"), "zh") == "4,357\u00a0万元"
    with app.app_context():
        for budget in ("300000", "135700"):
            factories.need(people.owner_id, NeedStatus.published, people.admin_id,
                           budget_wan=Decimal(budget))
        db.session.commit()
    client.set_cookie("lang", "en")
    stats = client.get("/").get_data(as_text=True).split('class="hero-stats"')[1]
    assert "<strong>CNY 4.36 billion</strong>" in stats and "100 million" not in stats
    client.set_cookie("lang", "zh")
    stats = client.get("/").get_data(as_text=True).split('class="hero-stats"')[1]
    assert "<strong>43.57\u00a0亿元</strong>" in stats
