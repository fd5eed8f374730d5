"""Render limits: text that would make Python-Markdown quadratic is refused before parsing,
with a message for the editor; previews are rate limited per user; an upload whose decoded
pixels would take too much memory is refused from its header."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

import articles.markdown
from articles.markdown import RenderLimitExceeded, check_limits, render
from articles.models import Article, ImageRendition
from tests.admin_forms import form_data
from tests.factories import make_article
from tests.test_editors_images import stored_files

pytestmark = pytest.mark.django_db

PREVIEW = "/markdownx/markdownify/"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


PARAGRAPH = "A sentence of ordinary reporting, with [a link](https://example.org/) in it. " * 20

OVER = {
    "20,000 unmatched [": ("[" * 20_000, "never closed"),
    "unclosed link targets": ("[a](" * 1_000, "never closed"),
    "unclosed HTML tags": ("<a href=x>" * 1_000, "HTML tags that are never closed"),
    "nested list markers": ("1. " * 1_000, "nested lists or quotes"),
    "one huge paragraph": ("*a* " * 2_000, "Please break it up with blank lines"),
    "too long": (("word " * 900 + "\n\n") * 23, "the limit is 100,000"),
}


@pytest.fixture
def parser_never_runs(monkeypatch):
    """Python-Markdown, replaced by a tripwire: a refusal must come before any parsing (how
    fast the refusal is belongs in bench/, not in a timed test)."""

    def parse(*args, **kwargs):
        raise AssertionError("the text reached the Markdown parser")

    monkeypatch.setattr(articles.markdown.md, "markdown", parse)


@pytest.mark.parametrize("case", OVER)
def test_costly_text_is_refused_before_parsing(case, parser_never_runs):
    text, message = OVER[case]
    with pytest.raises(RenderLimitExceeded, match=message):
        render(text)


def test_a_long_feature_is_within_the_limits():
    text = "\n\n".join([PARAGRAPH] * 60) + "\n\n- one\n  - two\n    - three\n\n> quoted"
    assert len(text) > 90_000
    check_limits(text)
    assert "<blockquote>" in render(text)


def test_the_preview_refuses_20000_brackets_unparsed_with_the_reason(
    admin_client, parser_never_runs
):
    response = admin_client.post(PREVIEW, {"content": "[" * 20_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.startswith('<p class="preview-refused" role="alert">Preview not shown: ')
    assert "20,000 “[” or “](” that are never closed" in html


def test_the_admin_form_shows_the_limit_and_saves_nothing(admin_client):
    article = make_article(body="Before.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, form_data(admin_client.get(url), body="[" * 20_000))
    assert response.status_code == 200
    assert "that are never closed" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Before." and article.version == 1


def test_previews_are_rate_limited_per_user(admin_client, client, settings):
    from tests.factories import make_staff

    settings.STANDFIRST_MARKDOWN_PREVIEW_RATE = 3
    for _ in range(3):
        assert admin_client.post(PREVIEW, {"content": "*hi*"}).status_code == 200
    refused = admin_client.post(PREVIEW, {"content": "*hi*"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many previews" in refused.content.decode()
    client.force_login(make_staff("other"))
    assert client.post(PREVIEW, {"content": "*hi*"}).status_code == 200  # per user


def png(mode, size):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, content):
    return client.post(
        "/markdownx/upload/",
        {"image": SimpleUploadedFile("x.png", content, content_type="image/png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_uploads_are_refused_by_decoded_size_not_only_pixels(admin_client, settings):
    # The same 520 × 520 pixels: 0.8 MB as RGB, 1.1 MB as RGBA, against a 1 MB budget.
    settings.STANDFIRST_IMAGE_MAX_DECODED_MB = 1
    refused = upload(admin_client, png("RGBA", (520, 520)))
    assert refused.status_code == 400
    assert "RGBA: 1.1 MB once decoded, more than the 1.0 MB" in refused.json()["image"][0]
    assert stored_files() == [] and not ImageRendition.objects.exists()
    assert upload(admin_client, png("RGB", (520, 520))).status_code == 200
    assert not Article.objects.exists()
