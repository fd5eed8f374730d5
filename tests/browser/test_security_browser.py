"""Real Chromium: the admin's markdownx editor works under the admin CSP, with no violation."""

import pytest
from django.conf import settings

from tests.browser.journeys import log_in
from tests.factories import make_article, make_staff


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_markdownx_live_preview_runs_with_no_csp_violation(browser, live_server):
    article = make_article(body="Start.")
    make_staff("browser-editor")
    change_url = f"{live_server.url}/{settings.ADMIN_PATH}articles/article/{article.pk}/change/"
    public_url = live_server.url + article.get_absolute_url()
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    log_in(page, "browser-editor")  # the password, then the real code of the editor's app
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(change_url)
    page.fill("textarea[name=body]", "## Preview works\n\nSome *emphasis*.")
    page.dispatch_event("textarea[name=body]", "input")
    preview = page.locator(".markdownx-preview h2")
    preview.wait_for(timeout=10_000)
    assert preview.inner_text() == "Preview works"
    # The admin's own scripts run: the tag autocomplete (select2) opens.
    page.click(".field-tags .select2-selection")
    page.locator(".select2-dropdown").wait_for(timeout=10_000)
    admin_violations = page.evaluate("window.__csp")
    page.goto(public_url)
    public_violations = page.evaluate("window.__csp")
    context.close()
    assert admin_violations == [], admin_violations
    assert public_violations == [], public_violations
    assert not [m for m in console if "Content Security Policy" in m], console
    assert not [m for m in console if "Permissions-Policy" in m], console
