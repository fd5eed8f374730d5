"""Hostile input wherever an editor or reader can type or upload: refused with a clear
4xx or handled, never a 500, never a half-saved row, never script in a page."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import markdown
from articles.models import Article, Author, Callout, Republication, Section, SiteSettings, Tag
from tests.factories import import_published, make_article, make_author, make_section, make_tag
from tests.payloads import (
    HOSTILE_TEXT,
    XSS_PAYLOADS,
    assert_import_refused,
    assert_no_executable_script,
)
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing speed is not under test here; the production hasher costs a second a login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def clip(text, length):
    return text[:length]


def public_pages(client, article):
    """Every public page that shows the article or what it is filed under."""
    urls = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        *(tag.get_absolute_url() for tag in article.tags.all()),
        *(author.get_absolute_url() for author in article.authors.all()),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_every_reader_facing_field_runs_no_script(client, payload):
    # Forms and the importer refuse NUL (tested below); PostgreSQL could not store it anyway.
    payload = payload.replace("\x00", "")
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "publication_name": clip(payload, 120),
            "tagline": clip(payload, 200),
            "more_from_label": clip(payload, 120),
        },
    )
    section = make_section(name=clip(payload, 80), description=clip(payload, 300))
    tag = make_tag(name=clip(payload, 80))
    author = make_author(name=clip(payload, 120), role=clip(payload, 120), bio=payload)
    callout = Callout.objects.create(text=payload, site_wide=True)
    article = make_article(
        headline=clip(payload, 200),
        kicker=clip(payload, 60),
        standfirst=clip(payload, 600),
        body=f"{payload}\n\n## {payload}\n\n* {payload}\n\n> {payload}",
        seo_description=clip(payload, 300),
        section=section,
        tags=[tag],
        authors=[author],
    )
    article.callouts.add(callout)
    Republication.objects.create(
        article=article,
        publisher=clip(payload, 120),
        licence=Republication.Licence.OTHER,
        permission_reference=clip(payload, 300),
        search_policy=Republication.SearchPolicy.INDEX,
    )
    related = make_article(headline=clip(payload, 200), section=section)
    article.related_links.create(target=related)
    for url, html in public_pages(client, article):
        assert_no_executable_script(html)
        assert "<script>alert" not in html, url


def test_the_payload_list_is_long_enough():
    assert len(XSS_PAYLOADS) >= 40


# --- The admin's article form --------------------------------------------------------


def post_article(client, **fields):
    return client.post(reverse("admin:articles_article_add"), article_form(**fields))


def with_record(**fields):
    """The article form with its republication record inline, holding `fields`."""
    record = {"publisher": "Partner", "licence": "other", "allowed_edits": "none",
              "search_policy": "both", "original_url": ""} | fields  # fmt: skip
    return {
        "republication-TOTAL_FORMS": "1",
        **{f"republication-0-{name}": value for name, value in record.items()},
    }


@pytest.mark.parametrize(
    "field",
    ["headline", "standfirst", "body", "kicker", "republication-0-publisher"],
)
def test_null_bytes_in_admin_fields_are_a_form_error(admin_client, field):
    response = post_article(admin_client, **{**with_record(), field: "bad\x00value"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_unicode_edge_cases_are_saved_and_shown_as_typed(admin_client, client, text):
    response = post_article(admin_client, headline=text, standfirst=text, body=text)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.headline == text
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert_no_executable_script(page.content.decode())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "تقرير-خاص"}, "Enter a valid “slug”"),
        ({"slug": "a/../../etc"}, "Enter a valid “slug”"),
        ({"slug": "x" * 201}, "at most 200 characters"),
        ({"headline": "h" * 201}, "at most 200 characters"),
        (with_record(original_url="javascript:alert(1)"), "Enter a valid URL"),
        (with_record(original_url="data:text/html,<script>alert(1)</script>"), "Enter a valid URL"),
        ({"published_at_0": "2024-13-45"}, "Enter a valid date"),
        ({"published_at_0": "99999-01-01"}, "Enter a valid date"),
        ({"published_at_1": "25:61:00"}, "Enter a valid time"),
        ({"status": "<script>"}, "Select a valid choice"),
        ({"section": "1 OR 1=1"}, "Select a valid choice"),
    ],
)
def test_malformed_admin_input_is_a_form_error(admin_client, fields, message):
    response = post_article(admin_client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0
    assert Republication.objects.count() == 0


def test_a_body_at_the_render_limit_is_saved_whole(admin_client, client):
    paragraph = "A long paragraph with *emphasis* and a [link](https://example.org). " * 16
    body = "\n\n".join([paragraph] * (markdown.MAX_CHARACTERS // (len(paragraph) + 2)))
    assert markdown.MAX_CHARACTERS - 2_000 < len(body) <= markdown.MAX_CHARACTERS
    response = post_article(admin_client, body=body)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body == body.replace("\n", "\r\n").strip() or article.body == body.strip()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_one_megabyte_body_is_refused_with_the_limit_and_saves_nothing(admin_client):
    body = ("A long paragraph with *emphasis*. " * 40 + "\n\n") * 800
    assert len(body.encode()) > 1_000_000
    response = post_article(admin_client, body=body)
    assert response.status_code == 200
    assert f"the limit is {markdown.MAX_CHARACTERS:,}" in response.content.decode()
    assert Article.objects.count() == 0


def test_a_body_over_the_request_limit_is_refused_with_400(admin_client):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post_article(admin_client, body=body)
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_a_callout_link_must_be_http(admin_client):
    response = admin_client.post(
        reverse("admin:articles_callout_add"),
        {"text": "Survey", "link_url": "javascript:alert(1)", "starts_at_0": "", "ends_at_0": ""},
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert Callout.objects.count() == 0


@pytest.mark.parametrize("model", [Section, Tag, Author])
def test_filing_names_with_null_bytes_are_refused(admin_client, model):
    url = reverse(f"admin:articles_{model._meta.model_name}_add")
    response = admin_client.post(url, {"name": "Bad\x00name", "slug": "bad-name", "position": 0})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert model.objects.count() == 0


# --- Public URLs -------------------------------------------------------------------

HOSTILE_PAGES = [
    "0", "-1", "1e9", "99999999999999999999999", "abc", "1.5", "%00", "1%00", "' OR 1=1 --",
    "<script>alert(1)</script>", "x" * 10_000, "2\u200f", "1\u0301",
]  # fmt: skip
HOSTILE_PATHS = [
    "/2024/13/45/x/",
    "/2024/02/30/x/",
    "/0000/00/00/x/",
    "/9999/99/99/x/",
    "/2024/01/01/%00/",
    "/2024/01/01/%E2%80%AEevil/",
    "/2024/01/01/%F0%9F%94%A5/",
    "/2024/01/01/e%CC%81%CC%81/",
    "/2024/01/01/" + "a" * 5000 + "/",
    "/2024/01/01/%C0%AE%C0%AE/",
    "/2024/01/01/%FF%FE/",
    "/section/%00/",
    "/tag/<script>/",
    "/author/%E2%80%8F/",
    "/section/" + "s" * 10_000 + "/",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_hostile_page_numbers_are_404_not_500(client, page):
    make_article()
    response = client.get("/", {"page": page})
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_404_not_500(client, path):
    make_article(slug="x")
    response = client.get(path)
    assert response.status_code == 404
    assert_no_executable_script(response.content.decode())


@pytest.mark.parametrize("query", ["q=" + "x" * 10_000, "a=%00&b=\u202e", "x=" + "<script>" * 500])
def test_long_and_odd_query_strings_do_not_break_pages(client, query):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/search/"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert_no_executable_script(response.content.decode())


@pytest.mark.parametrize("query", ["x" * 10_000, "a\x00b", *XSS_PAYLOADS[:20], *HOSTILE_TEXT])
def test_search_answers_any_query_with_inert_html(client, query):
    make_article(headline="Something to find")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert_no_executable_script(response.content.decode())


# --- Reader comments -------------------------------------------------------------------


def post_comment_as(client, article, **fields):
    from articles.comments import form_time_token

    data = {
        "name": "Reader",
        "email": "reader@example.net",
        "body": "A fair point.",
        "started": form_time_token(at=time.time() - 60),
    } | fields
    url = reverse("articles:comment", kwargs=article_kwargs(article))
    return client.post(url, data, HTTP_ORIGIN="http://testserver")


def article_kwargs(article):
    return {
        "year": f"{article.pub_date:%Y}",
        "month": f"{article.pub_date:%m}",
        "day": f"{article.pub_date:%d}",
        "slug": article.slug,
    }


@pytest.mark.parametrize("payload", [*XSS_PAYLOADS, *HOSTILE_TEXT])
def test_hostile_comments_show_as_inert_text(client, payload):
    from articles.models import Comment

    article = make_article()
    response = post_comment_as(client, article, name=payload[:80], body=f"Hi {payload}")
    assert response.status_code in {303, 400}, response.status_code
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert_no_executable_script(page.content.decode())


@pytest.mark.parametrize(
    "fields",
    [{"body": "a\x00b"}, {"name": "a\x00b"}, {"body": "x" * 1_000_000}, {"body": ""}],
    ids=["nul-body", "nul-name", "1MB", "empty"],
)
def test_bad_comments_are_refused_and_nothing_is_stored(client, fields):
    from articles.models import Comment

    response = post_comment_as(client, make_article(), **fields)
    assert response.status_code in {400, 413}
    assert not Comment.objects.exists()


# --- The editor's endpoints ----------------------------------------------------------


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media):
    return sorted(p for p in Path(media).rglob("*") if p.is_file())


def image_bytes(fmt="PNG", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()


def upload(client, name, data, content_type, ajax=True):
    headers = {"x-requested-with": "XMLHttpRequest"} if ajax else {}
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(reverse("markdownx_upload"), {"image": file}, headers=headers)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("x.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("x.svg", SVG, "image/svg+xml"),
        ("x.png", SVG, "image/png"),
        ("x.png", b"\x00" * 1024, "image/png"),
        ("x.png", image_bytes()[:40], "image/png"),  # truncated
        ("x.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        ("x.bmp", image_bytes("BMP"), "image/bmp"),
        ("x.png", b"", "image/png"),
    ],
)
def test_bad_uploads_are_refused_with_400_and_store_nothing(
    admin_client, media, name, data, content_type
):
    for ajax in (True, False):
        response = upload(admin_client, name, data, content_type, ajax=ajax)
        assert response.status_code == 400, response.content
        assert response.json()
    assert stored(media) == []


def test_an_oversized_upload_is_refused(admin_client, media):
    big = image_bytes("PNG") + b"\x00" * (settings.STANDFIRST_IMAGE_MAX_BYTES + 1)
    response = upload(admin_client, "big.png", big, "image/png")
    assert response.status_code in {400, 413}
    assert stored(media) == []


@pytest.mark.parametrize("name", ["x.html", "../../x.png", "x.svg", "x.png\x00.html", "‮gnp.html"])
def test_a_real_image_is_stored_under_its_real_type_whatever_its_name(admin_client, media, name):
    gif = image_bytes("GIF") + b"<script>alert(1)</script>"
    response = upload(admin_client, name, gif, "text/html")
    assert response.status_code == 200, response.content
    paths = stored(media)  # the original and its WebP rendition
    assert sorted(p.suffix for p in paths) == [".gif", ".webp"]
    assert all(p.is_relative_to(media) for p in paths)


def test_preview_without_content_is_400(admin_client):
    response = admin_client.post(reverse("markdownx_markdownify"), {})
    assert response.status_code == 400


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_preview_of_a_payload_runs_no_script(admin_client, payload):
    response = admin_client.post(reverse("markdownx_markdownify"), {"content": payload})
    assert response.status_code == 200
    assert_no_executable_script(response.content.decode())


# --- The importer ------------------------------------------------------------------

GOOD = "Headline\n\nStandfirst.\n\nBody paragraph.\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD.encode().replace(b"Body", b"Bo\x00dy"), "binary"),
        (GOOD.encode() + b"x" * 1_000_001, "larger than"),
        (bytes(range(256)) * 100, "binary"),
        (b"\x1b[31mHeadline\n\nStand.\n\nBody.", "control characters"),
        (GOOD.encode("utf-16"), "binary"),
        (b"\xc0\xae\xc0\xae/etc/passwd\n\nx\n\ny", "not UTF-8"),
        (("H" * 201 + "\n\nStand.\n\nBody.").encode(), "too long"),
        (("Head\n\n" + "S" * 601 + "\n\nBody.").encode(), "longer than 600"),
        ("🔥🔥🔥\n\nStandfirst.\n\nBody.".encode(), "slug"),
    ],
)
def test_hostile_import_files_are_refused_and_create_nothing(tmp_path, content, message):
    assert_import_refused(tmp_path, content, message)


def test_imported_payloads_stay_text(tmp_path, client):
    lines = "\n\n".join(XSS_PAYLOADS).replace("\x00", "")
    source = tmp_path / "hostile.txt"
    source.write_text(
        f"Hostile headline\n\nStandfirst.\n\n{lines}\n\n* <script>alert(1)</script>\n"
    )
    import_published(str(source), "--publish", stdout=io.StringIO())
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert_no_executable_script(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
