"""Media on local disk and on an S3-compatible bucket behave alike: uploads, renditions,
public URLs, redaction renames, deletions and backups all go through the storage.

The bucket is real S3 API: moto's standalone server on 127.0.0.1, started once per session;
each test gets a fresh bucket, configured by cms/settings.py's own S3 branch.
"""

import io
import json
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from articles import uploads
from articles.backup import content_models, stored_names
from articles.models import Article, ImageRendition
from tests.admin_forms import form_data
from tests.factories import make_article
from tests.fresh_settings import settings_with
from tests.test_security_backup import sign_again

pytestmark = pytest.mark.django_db
WHO = "Kerry Sandal"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free local port, for the whole session."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, made the site's default storage through the settings' S3 branch."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", **s3_credentials()
    )
    client.create_bucket(Bucket=name)
    configured = settings_with(
        {
            "STANDFIRST_MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": name,
            "AWS_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            **S3_ENV,
        },
        monkeypatch,
    )
    settings.STORAGES = {**settings.STORAGES, "default": configured.STORAGES["default"]}
    settings.MEDIA_URL = configured.MEDIA_URL
    return client, name


def s3_credentials():
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(params=["disk", "s3"])
def storage(request, tmp_path, settings):
    """The site's media storage, local disk or the bucket; lists and reads what it holds."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "s3":
        request.getfixturevalue("bucket")
    return request.param


def held():
    """Every stored name, as the storage itself lists them."""
    return stored_names(default_storage)


def in_bucket(bucket):
    client, name = bucket
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", []))


def jpeg(width=1600, height=900, colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def post_hero(client, content, name="photo.jpg", article=None, **fields):
    url = (
        reverse("admin:articles_article_change", args=[article.pk])
        if article
        else reverse("admin:articles_article_add")
    )
    values = {} if article else {"headline": "Flood defences", "slug": "flood-defences"}
    data = form_data(
        client.get(url),
        **values,
        standfirst="The river rose.",
        body="Para.",
        hero_alt="Sandbags on the quay",
        hero_image=SimpleUploadedFile(name, content, content_type="image/jpeg"),
        **fields,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get(pk=article.pk) if article else Article.objects.get()


def test_the_s3_settings_give_plain_public_urls_under_media_url(bucket, settings, monkeypatch):
    _client, name = bucket
    assert settings.MEDIA_URL.endswith(f"/{name}/")
    assert default_storage.url("hero/a b.jpg") == settings.MEDIA_URL + "hero/a%20b.jpg"
    cdn = settings_with({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, monkeypatch)
    assert cdn.MEDIA_URL == "https://media.example.org/"
    assert cdn.STORAGES["default"]["OPTIONS"]["file_overwrite"] is False
    assert cdn.STORAGES["default"]["OPTIONS"]["querystring_auth"] is False


def test_local_disk_stays_the_default(monkeypatch):
    monkeypatch.delenv("STANDFIRST_MEDIA_STORAGE", raising=False)
    local = settings_with({}, monkeypatch)
    assert local.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local.MEDIA_URL == "/media/"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"STANDFIRST_MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""}, "BUCKET_NAME"),
        ({"STANDFIRST_MEDIA_STORAGE": "ftp"}, "'local' or 's3'"),
    ],
)
def test_an_incomplete_storage_setting_refuses_to_start(environ, message, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=message):
        settings_with(environ, monkeypatch)


def test_an_upload_and_its_renditions_are_stored_and_served_from_the_storage(
    admin_client, storage, settings
):
    article = post_hero(admin_client, jpeg())
    names = {article.hero_image.name, *ImageRendition.objects.values_list("file", flat=True)}
    assert held() == sorted(names) and len(names) == 8  # the original is its largest JPEG
    for rendition in ImageRendition.objects.all():
        with default_storage.open(rendition.file.name) as stored, Image.open(stored) as image:
            assert image.size == (rendition.width, rendition.height)
    media = settings.MEDIA_URL
    assert media == "/media/" if storage == "disk" else media.startswith("http://127.0.0.1:")
    page = admin_client.get(article.get_absolute_url()).content.decode()  # a draft: preview
    src = re.search(r'<img src="([^"]+)"', page)[1]
    assert src == default_storage.url(article.hero_image.name.replace(".jpg", "-1200w.jpg"))
    assert src.startswith(media)
    for srcset in re.findall(r'srcset="([^"]+)"', page):
        assert all(c.strip().startswith(media) for c in srcset.split(","))
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S)[1])
    image = (ld["image"][0] if isinstance(ld, dict) else ld[0]["image"][0])["url"]
    expected = (settings.SITE_URL if storage == "disk" else "") + src
    assert og == image == expected


def test_the_bucket_holds_the_objects(admin_client, bucket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = post_hero(admin_client, jpeg())
    names = sorted(
        {article.hero_image.name, *ImageRendition.objects.values_list("file", flat=True)}
    )
    assert in_bucket(bucket) == names
    assert not (tmp_path / "media").exists()  # nothing on this host's disk
    client, name = bucket
    head = client.head_object(Bucket=name, Key=article.hero_image.name)
    assert head["ContentType"] == "image/jpeg" and "immutable" in head["CacheControl"]


def test_a_second_upload_of_the_same_name_never_overwrites_the_first(admin_client, storage):
    first = post_hero(admin_client, jpeg(colour="teal"))
    first_name = first.hero_image.name
    with default_storage.open(first_name) as stored:
        before = stored.read()
    second = post_hero(admin_client, jpeg(colour="red"), article=first)
    assert second.hero_image.name != first_name
    with default_storage.open(first_name) as stored:
        assert stored.read() == before
    stored = default_storage.save(first_name, ContentFile(b"other bytes"))
    assert stored != first_name


def test_a_refused_change_deletes_the_files_it_wrote(admin_client, storage):
    article = make_article(headline="Flood defences")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(
        admin_client.get(url),
        hero_image=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
        hero_alt="Sandbags",
        version=str(article.version - 1),  # someone else saved meanwhile: refused
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert held() == [] and not ImageRendition.objects.exists()


def test_a_redaction_renames_the_files_and_deletes_the_old_ones(
    admin_client, client, storage, django_capture_on_commit_callbacks
):
    article = make_article(headline=f"What happened to {WHO}", body=f"{WHO} was seven.")
    article = post_hero(admin_client, jpeg(), name="kerry-sandal-at-school.jpg", article=article)
    old = set(held())
    assert old and all("kerry-sandal" in name for name in old)
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "redact_name",
                "_selected_action": [article.pk],
                "apply": "1",
                "names": f"{WHO}\nSandal\nKerry",
                "replacement": "the child",
            },
        )
    assert done.status_code == 302
    article = Article.objects.get()
    now = set(held())
    assert not now & old and len(now) == len(old)
    assert not [name for name in now if "sandal" in name or "kerry" in name]
    assert article.hero_image.name in now
    assert {*ImageRendition.objects.values_list("file", flat=True)} <= now
    page = client.get(article.get_absolute_url()).content.decode()
    assert "sandal" not in page.lower()
    assert default_storage.url(article.hero_image.name.rsplit(".", 1)[0]) in page


def test_backup_and_restore_round_trip_media_through_the_storage(admin_client, storage, tmp_path):
    post_hero(admin_client, jpeg())
    default_storage.save("inline/chart.png", ContentFile(b"\x89PNG" + bytes(range(256))))
    before = {name: default_storage.open(name).read() for name in held()}
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    assert {
        p.relative_to(tmp_path / "b" / "media").as_posix()
        for p in (tmp_path / "b" / "media").rglob("*")
        if p.is_file()
    } == set(before)  # noqa: E501
    for model in reversed(content_models()):
        model.objects.all().delete()
    for name in held():
        default_storage.delete(name)
    assert held() == []
    call_command("restore", str(tmp_path / "b"), "--keep-staff", stdout=io.StringIO())
    assert {name: default_storage.open(name).read() for name in held()} == before
    assert Article.objects.get().hero_image.name in before


def test_a_backup_from_disk_restores_into_a_bucket(admin_client, bucket, settings, tmp_path):
    disk = settings.STORAGES
    settings.STORAGES = {
        **disk,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT, settings.MEDIA_URL = tmp_path / "media", "/media/"
    post_hero(admin_client, jpeg())
    on_disk = {name: default_storage.open(name).read() for name in held()}
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    for model in reversed(content_models()):
        model.objects.all().delete()
    settings.STORAGES = disk
    call_command("restore", str(tmp_path / "b"), "--keep-staff", stdout=io.StringIO())
    assert in_bucket(bucket) == sorted(on_disk)
    assert {name: default_storage.open(name).read() for name in held()} == on_disk


def test_a_failed_restore_removes_the_objects_it_wrote(admin_client, bucket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    post_hero(admin_client, jpeg())
    backup = tmp_path / "b"
    call_command("backup", str(backup), stdout=io.StringIO())
    for model in reversed(content_models()):
        model.objects.all().delete()
    for name in held():
        default_storage.delete(name)
    rows = json.loads((backup / "data" / "articles.imagerendition.json").read_text())
    rows[0]["fields"]["width"] = -1  # a row the database refuses, after the files are stored
    (backup / "data" / "articles.imagerendition.json").write_text(json.dumps(rows))
    sign_again(backup)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("restore", str(backup))
    assert in_bucket(bucket) == [] and not Article.objects.exists()


def test_a_restore_into_a_site_with_content_writes_no_object(admin_client, bucket, tmp_path):
    post_hero(admin_client, jpeg())
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    for name in held():
        default_storage.delete(name)
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(tmp_path / "b"))
    assert in_bucket(bucket) == []


def test_deleting_a_missing_name_is_quiet(storage):
    uploads.delete_files(["never-stored.jpg", ""])
    assert held() == []


def unreachable(storages):
    """The same storage settings, pointed at a port where nothing answers (retried once)."""
    options = {
        **storages["default"]["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{free_port()}",
        "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
    }
    return {**storages, "default": {**storages["default"], "OPTIONS": options}}


@pytest.fixture
def bucket_down(bucket, settings):
    settings.STORAGES = unreachable(settings.STORAGES)
    return bucket


def test_with_the_bucket_unreachable_an_upload_is_refused_with_a_message(admin_client, bucket_down):
    add = reverse("admin:articles_article_add")
    data = form_data(
        admin_client.get(add),
        headline="Flood defences",
        slug="flood-defences",
        standfirst="The river rose.",
        body="Para.",
        hero_alt="Sandbags",
        hero_image=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
    )
    response = admin_client.post(add, data)
    assert response.status_code == 200
    assert "The image store cannot be reached" in response.content.decode()
    assert not Article.objects.exists() and not ImageRendition.objects.exists()
    assert in_bucket(bucket_down) == []


def test_with_the_bucket_unreachable_an_inline_upload_answers_503(admin_client, bucket_down):
    upload = SimpleUploadedFile("chart.jpg", jpeg(900, 600), content_type="image/jpeg")
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 503
    assert "cannot be reached" in response.json()["image"][0]
    assert not ImageRendition.objects.exists()


def test_with_the_bucket_gone_pages_still_render(admin_client, client, bucket, settings):
    article = make_article(headline="Flood defences")
    article = post_hero(admin_client, jpeg(), article=article)
    s3, name = bucket
    for key in in_bucket(bucket):
        s3.delete_object(Bucket=name, Key=key)
    s3.delete_bucket(Bucket=name)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200  # URLs are built, not fetched: readers never wait
    assert f'<img src="{settings.MEDIA_URL}hero/' in response.content.decode()


def test_a_storage_failing_midway_leaves_no_rendition_behind(admin_client, storage, monkeypatch):
    backend = storages["default"]  # the object behind default_storage, for this test
    real_save = backend.save
    calls = []

    def fail_on_the_fourth(name, content, *args, **kwargs):
        calls.append(name)
        if len(calls) == 4:
            raise OSError("No space left on device")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(backend, "save", fail_on_the_fourth)
    add = reverse("admin:articles_article_add")
    data = form_data(
        admin_client.get(add),
        headline="Flood defences",
        slug="flood-defences",
        standfirst="The river rose.",
        body="Para.",
        hero_alt="Sandbags",
        hero_image=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
    )
    response = admin_client.post(add, data)
    assert "The image store cannot be reached" in response.content.decode()
    assert len(calls) == 4 and held() == [] and not Article.objects.exists()


def inline_upload(admin_client, name):
    upload = SimpleUploadedFile(name, jpeg(900, 600), content_type="image/jpeg")
    response = admin_client.post(
        "/markdownx/upload/", {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200, response.content
    return response.json()["image_code"]


def test_an_inline_image_is_stored_and_shown_with_its_renditions(
    admin_client, client, storage, settings
):
    code = inline_upload(admin_client, "chart.jpg")
    assert code == f"![]({settings.MEDIA_URL}inline/chart.jpg)"
    assert "inline/chart-480w.webp" in held()
    article = make_article(body=f"Intro.\n\n![A chart of rising rents]({code[4:-1]})")
    page = client.get(article.get_absolute_url()).content.decode()
    webp = default_storage.url("inline/chart-480w.webp")
    assert f'<picture><source type="image/webp" srcset="{webp} 480w' in page
    assert 'width="900" height="600" alt="A chart of rising rents" loading="lazy"' in page


def test_a_redaction_renames_an_inline_image_in_the_body(
    admin_client, client, storage, settings, django_capture_on_commit_callbacks
):
    code = inline_upload(admin_client, "kerry-sandal-drawing.jpg")
    article = make_article(headline=f"{WHO} remembered", body=f"{WHO} drew this.\n\n{code}")
    old = set(held())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "redact_name",
                "_selected_action": [article.pk],
                "apply": "1",
                "names": f"{WHO}\nSandal\nKerry",
                "replacement": "the child",
            },
        )
    article = Article.objects.get()
    now = set(held())
    assert not now & old and not [n for n in now if "sandal" in n or "kerry" in n]
    assert f"]({settings.MEDIA_URL}inline/the-child-drawing.jpg)" in article.body
    page = client.get(article.get_absolute_url()).content.decode()
    assert default_storage.url("inline/the-child-drawing-480w.webp") in page
    assert "sandal" not in page.lower()


def test_with_the_bucket_unreachable_backup_and_restore_stop_with_a_message(
    admin_client, bucket, settings, tmp_path
):
    post_hero(admin_client, jpeg())
    working = settings.STORAGES
    settings.STORAGES = unreachable(working)
    with pytest.raises(CommandError, match="media storage failed while copying"):
        call_command("backup", str(tmp_path / "broken"))
    settings.STORAGES = working
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    for model in reversed(content_models()):
        model.objects.all().delete()
    settings.STORAGES = unreachable(working)
    with pytest.raises(CommandError, match="media storage failed while checking"):
        call_command("restore", str(tmp_path / "b"))
    assert not Article.objects.exists()
