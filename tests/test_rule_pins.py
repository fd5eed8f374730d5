"""Pins on the trust rules that are easiest to weaken by accident.

Each test fails if its rule is loosened: one more attribute in the sanitiser's allowlist,
sensitive-story mode missing from one of the surfaces readers see, the comment rate limit's
window never ending or its counter losing a count, any single page-cache exclusion removed.
"""

import io
import re
import threading
import time
from html.parser import HTMLParser

import pytest
from django.core.cache import cache as default_cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views.decorators.cache import cache_control
from PIL import Image

from articles import comments as comment_rules
from articles import markdown, previews
from articles.models import Article, Comment, PreviewLink, SiteSettings
from articles.pagecache import PageCache
from tests.commenting import confirm_address, post_comment
from tests.factories import edit, make_article, make_comment, make_tag

pytestmark = pytest.mark.django_db


# The sanitiser ---------------------------------------------------------------------------

EXACT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
EXACT_ATTRIBUTES = {
    "*": {"lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
# Set by the sanitiser itself, whatever the input: rel="noopener noreferrer", loading="lazy".
SET_BY_SANITISER = {"a": {"rel"}, "img": {"loading"}}
HOSTILE = 'onclick="steal()" style="position:fixed" class="x" id="y" data-x="1" onerror="z()"'


def test_the_allowlist_is_exactly_what_was_reviewed():
    """A tag or an attribute added to the allowlist is a security change: review it here."""
    assert markdown.ALLOWED_TAGS == EXACT_TAGS
    assert markdown.ALLOWED_ATTRIBUTES == EXACT_ATTRIBUTES
    assert {"http", "https", "mailto"} == markdown.ALLOWED_URL_SCHEMES


@pytest.mark.parametrize("tag", sorted(EXACT_TAGS - {"br", "hr", "img"}))
def test_no_allowed_tag_keeps_a_handler_a_style_or_any_other_attribute(tag):
    html = markdown.render(f'<div>\n<{tag} {HOSTILE} title="t">text</{tag}>\n</div>')
    for attribute in ("onclick", "style", "class=", "id=", "data-x", "onerror"):
        assert attribute not in html, (tag, html)


@pytest.mark.parametrize("tag", ["br", "hr", "img"])
def test_no_empty_tag_keeps_a_handler_or_a_style(tag):
    html = markdown.render(f'<p>a<{tag} {HOSTILE} src="/x.png" alt="a"></p>')
    for attribute in ("onclick", "style", "class=", "id=", "data-x", "onerror"):
        assert attribute not in html, (tag, html)


DANGEROUS_TAGS = ["script", "iframe", "style", "form", "input", "svg", "object", "embed",
                  "link", "meta", "base", "math", "video", "audio", "button", "textarea", "h1",
                  "div", "span", "font", "details", "dialog", "template"]  # fmt: skip
OFFERED = {
    "style": "color:red", "onclick": "alert(1)", "onerror": "alert(1)", "class": "x",
    "id": "x", "href": "https://example.org/", "src": "https://example.org/x.png",
    "title": "t", "alt": "a", "width": "1", "height": "1", "align": "left", "scope": "col",
    "start": "2", "target": "_blank", "rel": "opener", "srcset": "https://example.org/y.png 2x",
    "loading": "eager", "data-x": "1", "formaction": "https://example.org/", "tabindex": "0",
    "contenteditable": "true", "lang": "fr", "dir": "rtl", "name": "n", "value": "v",
}  # fmt: skip


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = {}

    def handle_starttag(self, tag, attrs):
        self.found.setdefault(tag, set()).update(name for name, _ in attrs)

    handle_startendtag = handle_starttag


# Table parts outside a table are dropped by the HTML parser, so they get their context.
CONTEXT = {
    "caption": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tbody": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "tr": ("<table><tbody>", "</tbody></table>"),
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
}


def allowed(tag):
    return (
        EXACT_ATTRIBUTES["*"] | EXACT_ATTRIBUTES.get(tag, set()) | SET_BY_SANITISER.get(tag, set())
    )


@pytest.mark.parametrize("tag", sorted(EXACT_TAGS) + DANGEROUS_TAGS)
def test_the_sanitiser_keeps_exactly_the_allowlist(tag):
    """Behaviour, not only the lists: every attribute offered to every tag, and what the
    sanitiser keeps is exactly what was reviewed (nh3's own defaults included)."""
    attributes = " ".join(f'{name}="{value}"' for name, value in OFFERED.items())
    before, after = CONTEXT.get(tag, ("", ""))
    parser = Elements()
    parser.feed(markdown.sanitise(f"{before}<{tag} {attributes}>x</{tag}>{after}"))
    if tag in EXACT_TAGS:
        assert parser.found[tag] == allowed(tag)
    else:
        assert tag not in parser.found
    assert set(parser.found) <= EXACT_TAGS
    assert all(parser.found[t] <= allowed(t) for t in parser.found)


# Sensitive-story mode on its real surfaces ----------------------------------------------


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 800), "olive").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="scene.jpg")


@pytest.fixture
def sensitive_story(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tag = make_tag(name="Child protection", slug="child-protection")
    story = make_article(headline="A sensitive story", sensitive=True, tags=[tag],
                         hero_alt="A house")  # fmt: skip
    return edit(story, hero_image=jpeg()), tag


def test_a_sensitive_story_has_no_social_card_image_until_an_editor_confirms(
    client, sensitive_story
):
    story, _ = sensitive_story

    def card_images(page):
        return re.findall(r'<meta (?:property|name)="(?:og|twitter):image" content="([^"]+)"', page)

    page = client.get(story.get_absolute_url()).content.decode()
    assert "/media/" in page  # the picture itself is on the page...
    assert not any("/media/" in image for image in card_images(page))  # ...not on the card
    edit(story, social_image_confirmed=True)
    page = client.get(story.get_absolute_url()).content.decode()
    assert any("/media/" in image for image in card_images(page))


def test_a_sensitive_story_is_left_out_of_other_articles_related_block(client, sensitive_story):
    story, tag = sensitive_story
    neighbour = make_article(headline="A neighbouring story", tags=[tag])
    make_article(headline="A plain cousin", tags=[tag])
    page = client.get(neighbour.get_absolute_url()).content.decode()
    assert "A plain cousin" in page and 'class="related"' in page
    assert "A sensitive story" not in page


def test_a_sensitive_story_holds_even_a_known_commenter_for_a_moderator(client, sensitive_story):
    story, _ = sensitive_story
    SiteSettings.objects.update_or_create(pk=1, defaults={"comment_moderation": "first"})
    plain = make_article()
    make_comment(plain, email="known@example.net")
    confirm_address(client, "known@example.net")  # known: proven in this browser
    assert post_comment(client, plain, email="known@example.net", body="Fine.").status_code == 303
    assert Comment.objects.get(body="Fine.").status == Comment.Status.APPROVED
    response = post_comment(client, story, email="known@example.net", body="About this.")
    assert response.status_code == 303
    assert Comment.objects.get(body="About this.").status == Comment.Status.PENDING
    assert "About this." not in client.get(story.get_absolute_url()).content.decode()


# The comment rate limit -----------------------------------------------------------------


@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=2, STANDFIRST_COMMENT_RATE_WINDOW=1)
def test_the_rate_limit_window_ends(client):
    """Waits one real second: the cache backends count whole seconds."""
    article = make_article()
    for n in range(2):
        assert post_comment(client, article, email=f"a{n}@example.net").status_code == 303
    assert post_comment(client, article, email="a3@example.net").status_code == 429
    time.sleep(1.2)
    assert post_comment(client, article, email="a4@example.net").status_code == 303
    assert Comment.objects.count() == 3


def redis_cache():
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "standfirst-pins"})
    try:
        cache.get("ping")
    except Exception:  # noqa: BLE001 - Redis is optional; CI runs it
        return None
    return cache


@pytest.mark.parametrize("backend", ["configured", "redis"])
def test_the_rate_counter_counts_every_concurrent_post_from_one_address(backend, monkeypatch):
    cache = default_cache if backend == "configured" else redis_cache()
    if cache is None:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    monkeypatch.setattr(comment_rules, "cache", cache)
    key = f"comment-rate:pin:{time.monotonic_ns()}"
    threads, counts = 8, []
    barrier = threading.Barrier(threads)

    def post_five():
        barrier.wait(timeout=10)
        counts.extend(comment_rules.count_in_window(key, 60) for _ in range(5))

    workers = [threading.Thread(target=post_five) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    cache.delete(key)
    assert sorted(counts) == list(range(1, threads * 5 + 1))  # none shared, none lost


# Each page-cache exclusion on its own ----------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_request_with_an_authorization_header_is_never_answered_or_stored(client, page_cache_on):
    article = make_article()
    url = article.get_absolute_url()
    response, _ = queries_for(client, url, Authorization="Bearer t")
    assert "private" in response["Cache-Control"]
    _, ran = queries_for(client, url)
    assert ran > 0  # the authorised request stored nothing: a miss
    _, ran = queries_for(client, url)
    assert ran == 0  # now cached for readers
    response, ran = queries_for(client, url, Authorization="Bearer t")
    assert ran > 0 and "private" in response["Cache-Control"]  # ...but never served to it


def test_the_preview_path_is_never_stored(client, page_cache_on):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, headline="Unseen")
    link = PreviewLink.objects.create(article=draft)
    url = previews.url(link)
    first, _ = queries_for(client, url)
    assert first.status_code == 200 and "Unseen" in first.content.decode()
    assert "private" in first["Cache-Control"]
    _, ran = queries_for(client, url)
    assert ran > 0


@pytest.mark.parametrize("prefix", ["/admin/", "/markdownx/", "/preview/"])
def test_each_excluded_path_skips_the_cache_even_if_its_view_forgot_to(prefix, page_cache_on):
    """The preview view marks itself private too: the exclusion must hold without that."""
    rules = PageCache()
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": prefix + "x/"}
    assert not rules.is_public_request(environ)
    assert rules.is_public_request({**environ, "PATH_INFO": "/x" + prefix})


RENDERS = []


def _page(request):
    RENDERS.append(request.path)
    return HttpResponse("for one reader")


urlpatterns = [
    path("private/", cache_control(private=True)(_page)),
    path("shared/", _page),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_private_response_is_never_stored_but_a_public_one_is(client, page_cache_on):
    RENDERS.clear()
    for _ in range(2):
        assert "private" in client.get("/private/")["Cache-Control"]
    for _ in range(2):
        assert "public" in client.get("/shared/")["Cache-Control"]
    assert RENDERS == ["/private/", "/private/", "/shared/"]
