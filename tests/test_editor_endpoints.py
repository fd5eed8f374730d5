"""django-markdownx's preview and upload endpoints are for staff only."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(root.rglob("*")) if root.exists() else []


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_anonymous_preview_is_refused(client):
    response = client.post("/markdownx/markdownify/", {"content": "*x*"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert b"<em>" not in response.content


def test_anonymous_upload_is_refused_and_stores_nothing(client):
    image = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(
        "/markdownx/upload/", {"image": image}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 302
    assert media_files() == []


def test_staff_preview_is_the_public_renderer(admin_client):
    response = admin_client.post("/markdownx/markdownify/", {"content": "*x* <script>1</script>"})
    assert response.status_code == 200
    assert response.content.decode() == "<p><em>x</em> </p>"


def test_staff_upload_of_a_real_image(admin_client):
    image = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = admin_client.post(
        "/markdownx/upload/", {"image": image}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200
    assert response.json()["image_code"].startswith("![](")
    # The cleaned original and its WebP copy (an 8 px image gets no smaller renditions).
    assert sorted(p.name for p in media_files() if p.is_file()) == ["a-8w.webp", "a.png"]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("fake.jpg", b"this is text, not a JPEG", "image/jpeg"),
        ("x.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
        ("x.html", b"<script>alert(1)</script>", "text/html"),
    ],
)
def test_staff_upload_refuses_non_images(admin_client, name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 400
    assert media_files() == []
