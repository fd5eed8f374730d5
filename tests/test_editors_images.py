"""Images: verified by Pillow, stripped of EXIF (location!), upright, resized once at upload."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article, ImageRendition
from tests.admin_forms import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def camera_jpeg(width=2000, height=1500, orientation=6):
    """A photo as a phone sends it: GPS position, camera make, rotated by an EXIF tag."""
    image = Image.new("RGB", (width, height), "navy")
    image.paste((255, 200, 0), (0, 0, width // 4, height // 4))  # a mark in the top left
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SpyCam"
    exif[0x8825] = GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header claims huge dimensions: a decompression bomb's trick."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)))
    return bytes(data)


def post_hero(client, content, name="photo.jpg", **fields):
    add = reverse("admin:articles_article_add")
    data = form_data(
        client.get(add),
        headline="Flood defences",
        slug="flood-defences",
        standfirst="The river rose.",
        body="Para.",
        hero_alt="Sandbags on the quay",
        hero_caption="The quay at dawn.",
        hero_credit="Jane Doe/Agency",
        hero_image=SimpleUploadedFile(name, content, content_type="image/jpeg"),
    )
    data.update({k: [v] for k, v in fields.items()})
    return client.post(add, data)


def test_hero_photo_loses_its_exif_is_turned_upright_and_resized(admin_client):
    original = camera_jpeg()
    assert b"SpyCam" in original
    response = post_hero(admin_client, original)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()

    with Image.open(article.hero_image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1500, 2000)  # orientation 6 applied: now portrait
        assert not stored.getexif() and "exif" not in stored.info
        assert stored.getpixel((1450, 50))[0] > 200  # the top-left mark, rotated to top right
    raw = Path(article.hero_image.path).read_bytes()
    assert b"Exif" not in raw and b"SpyCam" not in raw

    renditions = ImageRendition.objects.filter(source=article.hero_image.name)
    sizes = sorted((r.format, r.width, r.height) for r in renditions)
    expected = [(480, 640), (800, 1067), (1200, 1600), (1500, 2000)]  # never upscaled
    assert sizes == sorted([(fmt, w, h) for fmt in ("jpeg", "webp") for w, h in expected])
    for rendition in renditions:
        with Image.open(rendition.file.path) as image:
            assert image.size == (rendition.width, rendition.height)
            assert image.format == rendition.format.upper()
            assert not image.getexif()
    assert len(stored_files()) == 8  # the cleaned original is its own largest JPEG

    html = admin_client.get(article.get_absolute_url()).content.decode()
    assert 'src="/media/hero/' in html and '-1200w.jpg" srcset=' in html
    assert 'width="1200" height="1600" alt="Sandbags on the quay" loading="eager"' in html
    assert 'type="image/webp" srcset="/media/hero/' in html and "480w" in html
    assert 'sizes="(min-width: 42rem) 40rem, calc(100vw - 2rem)"' in html
    assert "The quay at dawn." in html and "Jane Doe/Agency" in html


def test_inline_upload_uses_the_same_pipeline_and_loads_lazily(admin_client):
    upload = SimpleUploadedFile("chart.jpg", camera_jpeg(900, 600, 1), content_type="image/jpeg")
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code == "![](/media/inline/chart.jpg)"
    assert b"SpyCam" not in (Path(settings.MEDIA_ROOT) / "inline/chart.jpg").read_bytes()
    widths = ImageRendition.objects.filter(format="webp").values_list("width", flat=True)
    assert sorted(widths) == [480, 800, 900]

    article = make_article(body=f"Intro.\n\n![A chart of rising rents]({code[4:-1]})")
    html = admin_client.get(article.get_absolute_url()).content.decode()
    assert '<picture><source type="image/webp" srcset="/media/inline/chart-480w.webp 480w' in html
    assert 'width="900" height="600" alt="A chart of rising rents" loading="lazy"' in html


REFUSED = {
    "text renamed .jpg": (b"this is text, not a JPEG", "not a readable JPEG, PNG, GIF or WebP"),
    "bomb beyond Pillow's own limit": (png_declaring(100_000, 100_000), "megapixels"),
    "bomb within Pillow's limit": (png_declaring(8_000, 6_000), "8000 × 6000 pixels"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_hero_uploads_are_refused_with_a_message_and_nothing_stored(admin_client, case):
    content, message = REFUSED[case]
    response = post_hero(admin_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists() and not ImageRendition.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("case", REFUSED)
def test_bad_inline_uploads_are_refused_with_a_message_and_nothing_stored(admin_client, case):
    content, message = REFUSED[case]
    upload = SimpleUploadedFile("x.jpg", content, content_type="image/jpeg")
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 400
    assert message in response.json()["image"][0]
    assert stored_files() == [] and not ImageRendition.objects.exists()


def test_files_over_the_size_limit_are_refused(admin_client, settings):
    settings.STANDFIRST_IMAGE_MAX_BYTES = 20_000
    response = post_hero(admin_client, camera_jpeg())
    assert response.status_code == 200
    assert "; the limit is 20 KB. Please upload a smaller image." in response.content.decode()
    assert stored_files() == [] and not Article.objects.exists()


def test_alt_text_is_required_with_an_image(admin_client):
    response = post_hero(admin_client, camera_jpeg(), hero_alt="")
    assert response.status_code == 200
    assert "Describe the image: alt text is required." in response.content.decode()
    assert not Article.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    ("fmt", "mode", "ext"),
    [("PNG", "RGBA", "png"), ("GIF", "P", "gif"), ("WEBP", "RGB", "webp"), ("JPEG", "CMYK", "jpg")],
)
def test_every_allowed_format_gets_renditions(admin_client, fmt, mode, ext):
    image = Image.new(mode, (1000, 500))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    upload = SimpleUploadedFile(f"pic.{ext}", buffer.getvalue())
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200, response.content
    formats = {fmt.lower(), "webp"}
    found = set(ImageRendition.objects.values_list("format", "width"))
    assert found == {(f, w) for f in formats for w in (480, 800, 1000)}
    for rendition in ImageRendition.objects.all():
        with Image.open(rendition.file.path) as stored:
            assert stored.format.lower() == rendition.format
