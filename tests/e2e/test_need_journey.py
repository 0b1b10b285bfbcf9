"""An owner drafts and submits a need with two indicators; an admin publishes it; it shows
on the public list in both languages."""
import pytest

from marketplace.extensions import db

from .browser import log_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_owner_drafts_admin_publishes_public_sees_both_languages(app, browser_page, people):
    page = browser_page
    log_in(page, "owner@example.com")
    page.goto("/needs/new")
    page.fill("#title_zh", "高导热氮化铝陶瓷基板国产化")
    page.fill("#title_en", "Domestic high-conductivity AlN ceramic substrates")
    page.fill("#summary_zh", "研制热导率不低于170 W/(m·K)的氮化铝基板。")
    page.fill("#summary_en", "AlN substrates with thermal conductivity of at least 170 W/(m·K).")
    page.fill("#description_zh", "## 背景\n功率模块散热需求迫切。\n\n- 目标：量产")
    page.fill("[name='indicators-0-name']", "热导率")
    page.fill("[name='indicators-0-name_en']", "Thermal conductivity")
    page.select_option("[name='indicators-0-comparator']", ">=")
    page.fill("[name='indicators-0-target']", "170")
    page.fill("[name='indicators-0-unit']", "W/(m·K)")
    page.fill("[name='indicators-1-name']", "抗弯强度")
    page.select_option("[name='indicators-1-comparator']", ">=")
    page.fill("[name='indicators-1-target']", "400")
    page.fill("[name='indicators-1-unit']", "MPa")
    page.fill("#budget_wan", "3500")
    page.fill("#deadline", "2099-12-31T17:00")
    page.fill("#period_months", "24")
    page.fill("#contact_email", "zhang@example.com")
    page.click("button[value=save]")
    page.wait_for_url("**/edit")
    assert page.locator("#title_zh").input_value() == "高导热氮化铝陶瓷基板国产化"
    # a file goes with the typed changes; Enter saves the draft; a ticked file goes on save
    page.fill("#period_months", "30")
    page.set_input_files("#new_file", files=[{"name": "工艺说明.pdf", "mimeType":
                                              "application/pdf", "buffer": PDF}])
    page.click("button[value=save]")
    page.wait_for_url("**/edit")
    assert page.locator("#files a", has_text="工艺说明.pdf").count() == 1
    page.fill("#period_months", "36")
    page.press("#period_months", "Enter")
    page.wait_for_url("**/edit")
    assert page.locator("#files a", has_text="工艺说明.pdf").count() == 1
    assert page.locator("#period_months").input_value() == "36"
    page.fill("#period_months", "24")
    page.check("#files [data-remove-file]")
    page.click("button[value=save]")
    page.wait_for_url("**/edit")
    assert page.locator("#files a", has_text="工艺说明.pdf").count() == 0
    assert page.locator("#period_months").input_value() == "24"
    page.click("button[value=submit]")
    page.wait_for_url("**/needs/*")
    assert "待审核" in page.content() or "Submitted" in page.content()
    page.click("text=退出登录") if page.locator("text=退出登录").count() else page.click(
        "button:has-text('Log out')")

    log_in(page, "admin@example.com")
    page.goto("/admin/screening")
    item = page.locator("article.screen-item", has_text="高导热氮化铝陶瓷基板国产化")
    item.locator("summary", has_text="发榜").click()          # publishing asks first
    item.locator("button[value=publish]").click()
    page.wait_for_url("**/admin/screening")
    assert page.locator("article.screen-item", has_text="高导热氮化铝").count() == 0

    page.context.clear_cookies()
    page.goto("/needs/")
    assert page.locator(".card h3", has_text="高导热氮化铝陶瓷基板国产化").count() == 1
    page.click(".lang-switch >> text=EN")
    page.wait_for_load_state()
    card = page.locator(".card h3", has_text="Domestic high-conductivity AlN ceramic substrates")
    assert card.count() == 1
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/needs/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    card.locator("a").click()
    page.wait_for_url("**/needs/*")
    assert page.locator("table.indicators").inner_text().count("≥") == 2
    with app.app_context():
        from sqlalchemy import select
        from marketplace.challenges.models import Challenge, NeedStatus
        need = db.session.scalar(select(Challenge))
        assert need.status == NeedStatus.published and len(need.indicators) == 2


def test_switching_language_with_unsaved_typing_asks_first(app, browser_page, people):
    """The language switch is a link: it dropped what was typed without a word."""
    page = browser_page
    log_in(page, "owner@example.com")
    page.goto("/needs/new")
    page.click("#title_zh")
    page.keyboard.type("未保存的标题")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()
    page.on("dialog", dismiss)
    page.click(".lang-switch a:not(.active)")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/needs/new")
    assert page.locator("#title_zh").input_value() == "未保存的标题"
    # once saved, switching asks nothing
    page.click("button[value=save]")
    page.wait_for_url("**/edit")
    page.click(".lang-switch a:not(.active)")
    page.wait_for_url("**/edit")
    assert dialogs == ["beforeunload"]
