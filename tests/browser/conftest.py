"""Browser test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

- Chromium is never downloaded: Playwright starts the browser at CHROMIUM_PATH (default /usr/bin/chromium,
  override with ELKAAR_CHROMIUM). Without it the browser tests skip, except with CI=true, where they fail.
- `live_server` is pytest-django's: one server per xdist worker on a free port, sharing the test database;
  every test using it gets a transactional database. E-mail sent by the server lands in `mail.outbox`.
- Playwright's sync API keeps an event loop running in the main thread, which Django's async-safety check
  mistakes for async code; DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser lives (this worker only).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_PATH = os.environ.get("ELKAAR_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run; install Debian's 'chromium' package)", pytrace=False)
    pytest.skip(f"{reason}; browser tests skipped (install Debian's 'chromium' package, or set ELKAAR_CHROMIUM)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM_PATH}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e '.[test]')")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=LAUNCH_ARGS, headless=True)
            yield browser
            browser.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Make a page in a fresh browser context (own cookies), as a colleague on their own device.

    Pages speak Dutch (Accept-Language nl-NL) in the Europe/Amsterdam time zone, at desktop size unless a
    viewport is given; javascript=False switches scripts off. A JavaScript error on any page fails the test.
    """
    contexts = []
    errors: list[str] = []

    def make(viewport: dict[str, int] | None = None, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport=viewport or {"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def log_in(live_server) -> Callable[[Page, object], None]:
    """Log a user in on a page by giving its browser context a session cookie (no login form)."""
    from django.conf import settings
    from django.test import Client

    def log_in(page: Page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in
