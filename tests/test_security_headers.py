"""Security headers on public and admin responses, in local and production mode."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import djangoproc
from tests.factories import make_article, make_section


def directives(policy):
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


# The policies as they were before django-csp wrote them: pinned, directive for directive.
PUBLIC_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' https: data:; "
    "font-src 'self'; connect-src 'none'; media-src 'self' https:; object-src 'none'; "
    "frame-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' https: data: blob:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; frame-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        data_block = dict(attrs).get("type") == "application/ld+json"  # JSON-LD never runs
        if tag == "style" or (tag == "script" and "src" not in names and not data_block):
            self.found.append(tag)
        self.found += [n for n in names if n == "style" or n.startswith("on")]


def public_urls():
    article = make_article()
    section = make_section()
    return ["/", article.get_absolute_url(), section.get_absolute_url(), "/no-such-page/"]


@pytest.mark.django_db
def test_public_pages_have_a_strict_csp_and_no_inline_code(client):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        policy = directives(response["Content-Security-Policy"])
        assert policy == directives(PUBLIC_POLICY), url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert policy["script-src"] == ["'none'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        finder = InlineFinder()
        finder.feed(response.content.decode())
        assert finder.found == [], (url, finder.found)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_error_pages_use_a_stylesheet_not_inline_style():
    from django.template import loader

    for name in ["404.html", "500.html", "503.html", "security/locked_out.html"]:
        html = loader.get_template(name).render({"failure_limit": 5})
        finder = InlineFinder()
        finder.feed(html)
        assert finder.found == [], name
        # 404 is a page of the site; the others stand alone (no database, no layout).
        stylesheet = "site.css" if name == "404.html" else "error.css"
        assert f"/static/css/{stylesheet}" in html


@pytest.mark.django_db
def test_admin_and_editor_endpoints_get_the_admin_policy(client):
    for url in [reverse("admin:login"), reverse("markdownx_markdownify")]:
        header = client.get(url)["Content-Security-Policy"]
        policy = directives(header)
        assert policy == directives(ADMIN_POLICY), url
        assert "'unsafe-inline'" not in header
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["style-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("preload_env", "hsts"),
    [
        # Preload is the operator's choice (it binds every subdomain for months): off by default.
        ({}, "max-age=31536000; includeSubDomains"),
        ({"DJANGO_HSTS_PRELOAD": "1"}, "max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_production_mode_sets_hsts_and_secure_httponly_cookies(preload_env, hsts):
    result = djangoproc.run(
        """
        from django.conf import settings
        from django.test.utils import override_settings
        # No collectstatic here: plain static storage instead of the hashed manifest.
        plain = settings.STORAGES | {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        override_settings(STORAGES=plain).enable()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        response = Client().get("/admin/login/", secure=True, HTTP_HOST="news.example.org")
        print(json.dumps({
            "status": response.status_code,
            "hsts": response.get("Strict-Transport-Security"),
            "csrf_cookie": {k: response.cookies["csrftoken"][k] for k in ["secure", "httponly"]},
            "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
            "plain_http": Client().get("/", HTTP_HOST="news.example.org").status_code,
        }))
        """,
        djangoproc.PRODUCTION | {"DATABASE_URL": "sqlite:///:memory:"} | preload_env,
    )
    assert result["status"] == 200
    assert result["hsts"] == hsts
    assert result["csrf_cookie"] == {"secure": True, "httponly": True}
    assert result["session"] == [True, True]
    assert result["plain_http"] == 301
