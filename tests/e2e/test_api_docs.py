"""/api/v1/docs in headless Chromium: Swagger UI renders the whole document from this
server's files under the site's Content-Security-Policy, with no CSP violation and no
request to another host."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_documentation_renders_under_the_csp(browser_page, live_server):
    page = browser_page
    problems, elsewhere = [], []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((live_server, "data:")) else None)
    response = page.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-tag-section", timeout=20000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any(tag.startswith("needs") for tag in tags)
    assert page.locator(".opblock").count() >= 18        # every operation is listed
    page.locator(".opblock-summary").first.click()     # an operation opens with its schema
    page.wait_for_selector(".opblock-body")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], \
        problems
    assert not problems, problems
    assert not elsewhere, elsewhere
