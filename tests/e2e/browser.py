"""Steps the browser journeys share."""
from .. import factories


def log_in(page, email: str, password: str = factories.PASSWORD) -> None:
    """Log in as `email` in a clean browser session and wait for the home page."""
    page.context.clear_cookies()
    page.goto("/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
