"""Real-browser fixtures: Chromium (Debian's /usr/bin/chromium) driven by Playwright, pages
served by pytest-django's live_server, and axe-core for accessibility checks.

Without Chromium, Playwright or node_modules the browser tests skip with the reason, except
under CI=true, where a missing piece is a failure: CI must not pass by skipping them.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make to set
# up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing():
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if not AXE.exists():
        return f"{AXE.relative_to(ROOT)} is missing (npm ci)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -r requirements-dev.txt)"
    return None


def _skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    reason = _missing()
    if reason:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    """Each test using it runs at a phone width (390 px) and a desktop width (1280 px)."""
    return request.param


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page (own context: no cookies shared between tests) at `viewport` if the test
    asks for one, else desktop; `page.goto("/path/")` is relative to the live server."""
    name = request.getfixturevalue("viewport") if "viewport" in request.fixturenames else "desktop"
    context = browser.new_context(
        viewport=VIEWPORTS[name], base_url=live_server.url, java_script_enabled=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.viewport_name = name
    yield tab
    context.close()


@pytest.fixture
def axe():
    """axe(page, impacts=...) runs axe-core on the current page and returns its violations
    (WCAG 2.0/2.1/2.2 A and AA rules), optionally only those of the given impacts."""

    source = AXE.read_text()

    def run(page, impacts=None):
        # Evaluated through the DevTools protocol, which the page's CSP (script-src 'none')
        # does not govern; a <script> tag would be refused, as it should be.
        page.evaluate(source)
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                "wcag22aa", "best-practice"]},
                resultTypes: ["violations"],
            })"""
        )
        violations = result["violations"]
        if impacts:
            violations = [v for v in violations if v["impact"] in impacts]
        return violations

    return run


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves a full-page PNG to test-artifacts/screenshots/."""

    def save(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{page.viewport_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def describe(violations):
    """A readable list of axe violations for an assertion message."""
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the browser tests ran, and where their screenshots are."""
    outcomes = {}
    for outcome in ("failed", "error", "passed", "skipped"):  # a failure wins
        for report in terminalreporter.stats.get(outcome, []):
            if "tests/browser/" in getattr(report, "nodeid", ""):
                outcomes.setdefault(report.nodeid, outcome)
    if not outcomes:
        return
    counts = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    terminalreporter.write_sep("-", "browser tests (tests/browser)")
    if counts.get("skipped") == len(outcomes):
        reason = _missing() or "see the skip reasons above"
        terminalreporter.write_line(f"SKIPPED all {len(outcomes)}: {reason}", yellow=True)
    else:
        terminalreporter.write_line(f"{summary} in {CHROMIUM}")
        terminalreporter.write_line(f"screenshots: {SCREENSHOTS}")
