"""Every public page type passes the Nu HTML Checker (vnu.jar from npm's vnu-jar, run by
Java), as a reader's browser, a screen reader or a search engine would need.

Skipped with the reason where Java or node_modules/vnu-jar is missing, except under
CI=true, where a missing checker is a failure: CI must not pass by skipping it.
"""

import io
import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.actions import corrections as correction_actions
from articles.actions import filing
from articles.actions import republication as republication_actions
from articles.models import Correction, Helpline, PolicyPage, Republication
from tests.factories import SYSTEM, edit, make_article, make_comment
from tests.readers_data import newsroom

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


def _checker():
    """The java command line for vnu.jar, or skip (fail under CI) saying what is missing."""
    java = shutil.which("java")
    reason = None
    if not java:
        reason = "java is missing (apt-get install -y default-jre-headless)"
    elif not VNU.exists():
        reason = "node_modules/vnu-jar is missing (npm ci)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the HTML checker cannot run under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only"]


def validate(pages, tmp_path):
    """Nu checker errors, per page name, for {name: html}; one Java run for all pages."""
    files = {}
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path.resolve())] = name
    run = subprocess.run(
        [*_checker(), *files], capture_output=True, text=True, timeout=300, check=False
    )
    errors = {}
    for message in json.loads(run.stderr or '{"messages": []}')["messages"]:
        name = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} [{message.get('extract', '')}]"
        )
    return errors


def _public_pages(client, origin):
    """One page of every public type, with every trust feature on show."""
    now = timezone.now()
    data = newsroom()
    # Pictures on home: the lead's hero and a thumbnail beside it, with their renditions.
    for story in (data["lead"], data["related"][0]):
        picture = io.BytesIO()
        Image.new("RGB", (960, 540), "teal").save(picture, "JPEG")
        edit(story, hero_image=ContentFile(picture.getvalue(), "scene.jpg"), hero_alt="A scene")
    lead = data["lead"]
    for _ in range(2):
        make_comment(lead)
    correction_actions.add(
        SYSTEM, Correction(article=lead, text="An earlier version misstated the date.")
    )
    filing.save(SYSTEM, Helpline(name="Samaritans", phone="116 123", url="https://samaritans.org"))
    sensitive = make_article(
        headline="A sensitive story",
        sensitive=True,
        content_note="This story discusses suicide.",
        section=data["section"],
    )
    republished = make_article(headline="From a partner", standfirst="Partner's standfirst.")
    republication_actions.record(
        SYSTEM,
        Republication(
            article=republished,
            publisher="Partner News",
            original_url="https://partner.example.org/2025/01/original/",
            original_published_at=now - timedelta(days=3),
        ),
    )
    policy = PolicyPage.objects.get(slug="corrections-policy")  # a fresh site's own
    urls = {
        "home": "/",
        "home-page-2": "/?page=2",
        "section": data["section"].get_absolute_url(),
        "tag": data["tags"][0].get_absolute_url(),
        "author": data["authors"][0].get_absolute_url(),
        "article-with-comments-and-correction": lead.get_absolute_url(),
        "article-sensitive": sensitive.get_absolute_url(),
        "article-republished": republished.get_absolute_url(),
        "archive": f"/{now:%Y}/",
        "search": "/search/?q=story",
        "search-empty": "/search/?q=nothingmatcheszz",
        "corrections": "/corrections/",
        "policy": policy.get_absolute_url(),
        "not-found": "/no/such/page/",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        expected = 404 if name in ("not-found", "home-page-2") else 200
        assert response.status_code == expected, (name, url, response.status_code)
        pages[name] = response.content.decode()
    # The report form's own page, as a reader sees it when a report was not sent.
    response = client.post(f"/report/{lead.pk}/", {"message": "x"}, headers={"origin": origin})
    assert response.status_code == 400, response.status_code
    pages["report-form"] = response.content.decode()
    return pages


@pytest.mark.django_db
def test_every_public_page_type_passes_the_nu_html_checker(client, settings, tmp_path):
    settings.DEBUG = False  # the site's own 404 page, not Django's debug page
    settings.MEDIA_ROOT = tmp_path / "media"
    _checker()
    errors = validate(_public_pages(client, settings.SITE_URL), tmp_path)
    assert errors == {}, json.dumps(errors, indent=2)


def test_the_checker_finds_errors(tmp_path):
    """The harness itself can fail: a page with a known error is reported."""
    bad = '<!doctype html><html lang="en"><title>x</title><time datetime="nonsense">x</time>'
    assert "bad" in validate({"bad": bad}, tmp_path)
