"""Text XML cannot carry (C0 control characters, lone surrogates) is removed on input and
can never break a feed, sitemap or page: typed into every text field of the admin's forms
and handed to the importer, then every feed, sitemap and page is fetched and parsed."""

import dataclasses
import io
import re
import urllib.parse
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles import xmltext
from articles.actions.intake import import_record
from articles.actors import SystemActor
from articles.intake import from_plaintext
from articles.models import (
    Article,
    Author,
    Callout,
    Correction,
    Helpline,
    PolicyPage,
    Section,
    SiteSettings,
    Tag,
)
from tests.admin_forms import form_data
from tests.factories import approve_all, edit, make_article, make_comment
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db

# Every C0 control character but NUL (a form error of its own, tested in
# test_security_hostile_input), and a lone surrogate.
CONTROL = "".join(chr(c) for c in range(1, 32))
NASTY = CONTROL + "\ud800"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The characters of NASTY that XML cannot carry (NASTY also has tab, newline and CR).
BAD = "".join(c for c in NASTY if NOT_XML.match(c))


class _TextFields(HTMLParser):
    """The names of a form's free-text fields (text inputs and textareas)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.names = form_id, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and attrs.get("name") and "-" not in attrs["name"]:
            text_input = tag == "input" and attrs.get("type", "text") == "text"
            if text_input or tag == "textarea":
                self.names.append(attrs["name"])


def post_every_text_field(client, model, admin_url=None, **fixed):
    """Fill every free-text field of the model's admin form with text and NASTY, then post
    it as a browser would: the surrogate goes out as the raw (invalid UTF-8) bytes."""
    name = model._meta.model_name
    url = admin_url or reverse(f"admin:articles_{name}_add")
    page = client.get(url)
    fields = _TextFields(f"{name}_form")
    fields.feed(page.content.decode())
    data = form_data(page, f"{name}_form")
    for field in fields.names:
        if field not in fixed and not re.search(r"_[01]$", field):  # not dates and times
            data[field] = [f"T{NASTY}e"]  # short: it fits a phone number's 40
    data |= {k: v if isinstance(v, list) else [v] for k, v in fixed.items()}
    body = urllib.parse.urlencode(data, doseq=True, errors="surrogatepass")
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert response.status_code == 302, (name, errors)
    return fields.names


def assert_clean(obj):
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, str):
            assert not NOT_XML.search(value), (obj, field.name, value)


def _xml(client, url):
    """The response parsed as XML: ElementTree refuses any character XML cannot carry."""
    return ET.fromstring(_fetch(client, url))  # noqa: S314  (our own output, not untrusted XML)


def _fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content if not response.streaming else b"".join(response)
    return content


def test_nasty_text_is_removed_on_input_and_every_feed_sitemap_and_page_parses(
    admin_client, tmp_path
):
    client = admin_client
    post_every_text_field(
        client, SiteSettings, reverse("admin:articles_sitesettings_change", args=[1])
    )
    post_every_text_field(client, Section, slug="social-care")
    post_every_text_field(client, Tag, slug="care")
    post_every_text_field(client, Author, slug="ann-writer")
    post_every_text_field(client, Helpline, url="https://help.example.org/", position="0")
    PolicyPage.objects.all().delete()  # not the starter pages a fresh site has
    post_every_text_field(client, PolicyPage, slug="corrections-policy", kind="corrections")
    post_every_text_field(client, Callout, site_wide="on")
    section, tag, author = Section.objects.get(), Tag.objects.get(), Author.objects.get()
    names = post_every_text_field(
        client,
        Article,
        **article_form(slug="nasty", section=section.pk, tags=[tag.pk])
        | {k: v for k, v in article_form().items() if k.endswith("FORMS")}
        | {
            "byline_set-TOTAL_FORMS": "1",
            "byline_set-0-author": str(author.pk),
            "byline_set-0-position": "0",
        },
    )
    assert {"headline", "standfirst", "body", "kicker", "seo_description"} <= set(names)
    article = Article.objects.get()
    post_every_text_field(client, Correction, article=str(article.pk), kind="correction")
    make_comment(article, name=f"Reader {NASTY}", body=f"Comment {NASTY}")

    # The importer: a file with control characters is refused, saying why ...
    file = tmp_path / "nasty.txt"
    file.write_text(f"Headline {CONTROL}\n\nStandfirst.\n\nBody.\n")
    with pytest.raises(CommandError, match="control characters"):
        call_command("import_article", str(file), stdout=io.StringIO())
    assert Article.objects.count() == 1
    # ... and text handed to intake by a caller (a feed, an API) is stored clean.
    record = from_plaintext(f"Imported {BAD}story\n\nStand {BAD}first.\n\nBody {NASTY} text.\n")
    record = dataclasses.replace(record, publisher=f"Partner {NASTY}")
    imported, _ = import_record(SystemActor("intake test"), record, publish=True)
    approve_all(imported)  # republished with no licence stated: the legal step first
    imported = edit(imported, status=Article.Status.PUBLISHED, published_at=timezone.now())

    for model in (SiteSettings, Section, Tag, Author, Helpline, PolicyPage, Callout, Article,
                  Correction):  # fmt: skip
        for obj in model.objects.all():
            assert_clean(obj)
    assert (imported.headline, imported.standfirst) == ("Imported story", "Stand first.")
    assert_clean(imported.republication)

    for url in [
        "/feed/",
        "/feed/atom/",
        section.get_absolute_url() + "feed/",
        section.get_absolute_url() + "feed/atom/",
        tag.get_absolute_url() + "feed/",
        tag.get_absolute_url() + "feed/atom/",
        "/corrections/feed/",
        "/sitemap-news.xml",
    ]:
        _xml(client, url)
    index = _xml(client, "/sitemap.xml")
    sitemaps = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert sitemaps
    for loc in sitemaps:
        _xml(client, urllib.parse.urlsplit(loc).path)
    client.logout()
    for url in [
        "/",
        article.get_absolute_url(),
        imported.get_absolute_url(),
        section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
        "/search/?q=Te",
        "/corrections/",
        PolicyPage.objects.get().get_absolute_url(),
    ]:
        html = _fetch(client, url).decode()
        assert not NOT_XML.search(html), url


def test_the_cleaner_keeps_tab_newline_and_carriage_return():
    assert xmltext.clean("a\tb\nc\rd" + BAD + "\ufffe\uffffe") == "a\tb\nc\rde"


def test_old_rows_cannot_break_a_feed(client):
    """A row stored before the input rule (written around save) still gives a valid feed."""
    article = make_article(headline="Clean")
    Article.objects.filter(pk=article.pk).update(headline=f"Old {CONTROL} row")
    for url in ["/feed/", "/feed/atom/"]:
        _xml(client, url)
