"""End-to-end fixtures: the app served from a thread, and headless Chromium via Playwright.

Outside CI the browser tests skip with a reason when Chromium is missing; under CI=true they
fail instead (.ci/run installs Debian's chromium first).
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update",
                 "--disable-sync"]


def _require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    message = (f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
               "(apt-get install chromium) or set CHROMIUM_PATH")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of a second app instance (CSRF on, as in production) on the test database."""
    config = {key: app.config[key] for key in ("DATA_DIR", "SQLALCHEMY_DATABASE_URI",
                                               "UPLOAD_DIR", "SECRET_KEY", "ARGON2_PARAMS")}
    # Mail is delivered inline: a background sender in this long-lived app would keep polling
    # the shared test database and claim other tests' emails.
    # No search poller either: the tests' own app writes the shared index after each commit,
    # and a poller would race the index clean-up between tests.
    live_app = create_app({**config, "TESTING": False, "WTF_CSRF_ENABLED": True,
                           "MAIL_SEND_AFTER_COMMIT": "inline", "SEARCH_POLL_SECONDS": 0})
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser, live_server, request):
    """A fresh browser context (no cookies) and page; a screenshot is kept on failure."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
