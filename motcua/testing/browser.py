"""Browser-test harness: Playwright for Python driving a real Chromium against Django's live server.

Debian's /usr/bin/chromium is used when present (Playwright's own browser download is impossible on
closed networks). Tests never skip for want of a browser: the run stops and prints how to install one.
Failed tests leave a screenshot under test-output/screenshots/.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

OUTPUT_DIR = Path(os.environ.get("MOTCUA_TEST_OUTPUT", Path.cwd() / "test-output"))
INSTALL_HINT = (
    "apt-get update && apt-get install -y chromium   (Debian/Ubuntu; or: playwright install chromium)"
)
# Closed networks refuse Chromium's background connections; these flags keep it quiet and fast.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_executable() -> str | None:
    forced = os.environ.get("MOTCUA_CHROMIUM")  # a path to use instead of the search below
    for candidate in (forced,) if forced else ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def _playwright_browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself
    # (fixtures, assertions) are still synchronous, so the async-safety guard is lifted for browser tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415 (only browser runs need it)

    executable = chromium_executable()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            message = (
                f"No usable Chromium for the browser tests ({error}). Install one with:\n  {INSTALL_HINT}"
            )
            if hasattr(request.config, "workerinput"):
                # Under pytest-xdist, exiting a worker is an internal error that hides the message: fail
                # every browser test with it instead (the run still fails, never skips).
                pytest.fail(message, pytrace=False)
            pytest.exit(message, 3)
        yield browser
        browser.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, _playwright_browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page (Vietnamese locale) whose `base_url` is the live test server."""
    context = _playwright_browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    # What the browser refused under the Content-Security-Policy (an inline script, style or handler).
    refused: list[str] = []
    browser_page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield browser_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        save_screenshot(browser_page, "failed-" + request.node.nodeid)
    context.close()
    if refused:
        pytest.fail("The page broke its Content-Security-Policy:\n" + "\n".join(refused), pytrace=False)


def save_screenshot(browser_page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/ and return its path."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    path = OUTPUT_DIR / "screenshots" / f"{safe}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(path), full_page=True)
    return path
