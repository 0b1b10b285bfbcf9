"""Steps the browser journeys share."""
from .. import factories


def log_in(page, email: str, password: str = factories.PASSWORD) -> None:
    """Log in as `email` in a clean browser session and wait for the page it lands on (the
    user's own work: /admin/, /review/, /my/needs, /my/bids)."""
    page.context.clear_cookies()
    page.goto("/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/account/login" not in page.url, f"{email} could not log in"
