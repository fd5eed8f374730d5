"""The image rights ledger: rights read from real sample files before their metadata is
stripped, shown as the credit and in JSON-LD, a licence end that warns the desk and then
withdraws the image (cache included), and the C2PA state shown to editors only."""

import io
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from articles import cache as content_cache
from articles import images, metadata, pagecache
from articles.actions import Refused
from articles.actions import image_rights as rights_actions
from articles.models import Article, AuditEntry, ImageRendition, ImageRights, SiteSettings
from tests import image_samples as samples
from tests.admin_forms import form_data
from tests.changes import captured
from tests.factories import make_article, make_member
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def hero_article(data, headline="Harbour story", **fields):
    make_article(headline=headline, hero_image=upload(data), hero_alt="Boats", **fields)
    return Article.objects.select_related("hero_rights").get(headline=headline)


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(blocks[0])


def stated(data):
    return images.prepare(upload(data)).rights


# Reading: each field, from XMP and from IPTC IIM, never invented ----------------------


@pytest.mark.parametrize("field", sorted(samples.RIGHTS))
def test_each_rights_field_is_read_from_xmp_on_its_own(field):
    found = stated(samples.rights_jpeg(**{field: samples.RIGHTS[field]}))
    assert found == {field: samples.RIGHTS[field], "c2pa": "absent"}


def test_the_licence_end_is_read_from_plus_image_expiration_date():
    found = stated(samples.rights_jpeg(ends="2027-01-31"))
    assert found["license_ends_at"] == timezone.make_aware(timezone.datetime(2027, 1, 31))
    dated = stated(samples.rights_jpeg(ends="2027-01-31T12:00:00+00:00"))
    assert dated["license_ends_at"].isoformat() == "2027-01-31T12:00:00+00:00"


def test_iptc_iim_fields_are_read_when_there_is_no_xmp():
    data = samples.iptc_jpeg(
        **{"by-line": ["Ana Photog"], "credit": "Wire Agency", "copyright notice": "© Wire"}
    )
    assert stated(data) == {
        "creator": "Ana Photog",
        "credit_line": "Wire Agency",
        "copyright_notice": "© Wire",
        "c2pa": "absent",
    }


def test_a_file_stating_nothing_gives_an_empty_record_shown_as_not_stated(admin_client):
    article = hero_article(samples.rights_jpeg(exif=False))
    rights = article.hero_rights
    assert [getattr(rights, f) for f in samples.RIGHTS] == [""] * len(samples.RIGHTS)
    assert rights.license_ends_at is None and rights.provenance == "absent"
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    panel = page.content.decode().split("Image rights", 1)[1]
    assert panel.count("not stated") == 7  # every field but the C2PA state


@pytest.mark.parametrize("field", ["web_statement", "licensor_url", "digital_source_type"])
@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "licence page", "https://agency.example/" + "x" * 500]
)
def test_a_link_that_is_not_a_web_address_that_fits_is_not_kept(field, value):
    assert stated(samples.rights_jpeg(**{field: value})) == {"c2pa": "absent"}


def test_over_long_texts_are_cut_to_their_fields_and_stored():
    article = hero_article(samples.rights_jpeg(credit_line="C" * 300, copyright_notice="©" * 900))
    assert article.hero_rights.credit_line == "C" * 200
    assert article.hero_rights.copyright_notice == "©" * 500


# Stored files: GPS and serial gone, rights kept ---------------------------------------


def test_stored_files_carry_no_gps_or_serial_while_the_ledger_keeps_the_rights(admin_client):
    original = samples.rights_jpeg(**samples.RIGHTS)
    with Image.open(io.BytesIO(original)) as camera:
        assert camera.getexif().get_ifd(0x8825) and samples.SERIAL.encode() in original
    add = reverse("admin:articles_article_add")
    data = form_data(
        admin_client.get(add),
        headline="Harbour",
        slug="harbour",
        standfirst="Boats.",
        body="Para.",
        hero_alt="Boats",
        hero_image=upload(original),
    )
    assert admin_client.post(add, data).status_code == 302
    article = Article.objects.get()
    names = [article.hero_image.name, *ImageRendition.objects.values_list("file", flat=True)]
    assert len(names) > 4
    for name in names:
        raw = (Path(settings.MEDIA_ROOT) / name).read_bytes()
        assert samples.SERIAL.encode() not in raw and b"SpyCam" not in raw
        assert b"Harbour Agency" not in raw and b"xmpmeta" not in raw
        with Image.open(io.BytesIO(raw)) as stored:
            assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)
    rights = ImageRights.objects.get(source=article.hero_image.name)
    assert {f: getattr(rights, f) for f in samples.RIGHTS} == samples.RIGHTS
    assert article.hero_rights == rights


# Display: the credit under the image -------------------------------------------------


def test_the_credit_line_is_shown_under_the_image_when_the_editor_gave_none(client):
    article = hero_article(samples.rights_jpeg(credit_line="Jo Bloggs / Harbour Agency"))
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html.split('<figure class="hero">')[1].split("</figure>")[0]
    assert '<span class="credit">Jo Bloggs / Harbour Agency</span>' in figure


def test_the_editors_credit_wins_over_the_files(client):
    article = hero_article(
        samples.rights_jpeg(credit_line="From the file"), hero_credit="Jane Doe/Agency"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="credit">Jane Doe/Agency</span>' in html and "From the file" not in html


# JSON-LD --------------------------------------------------------------------------------


def test_json_ld_image_object_carries_the_rights(client):
    article = hero_article(samples.rights_jpeg(**samples.RIGHTS))
    image = json_ld(client.get(article.get_absolute_url()).content.decode())["image"][0]
    assert image["@type"] == "ImageObject" and image["url"].startswith(settings.SITE_URL)
    assert image["creditText"] == "Jo Bloggs / Harbour Agency"
    assert image["creator"] == {"@type": "Person", "name": "Jo Bloggs"}
    assert image["copyrightNotice"] == "© 2026 Harbour Agency"
    assert image["license"] == "https://agency.example/licence/editorial"
    assert image["acquireLicensePage"] == "https://agency.example/buy/4711"
    assert "digitalSourceType" not in image  # a camera's photo says nothing of its source


def test_json_ld_names_the_digital_source_type_of_an_ai_generated_image(client):
    article = hero_article(samples.rights_jpeg(digital_source_type=samples.AI))
    image = json_ld(client.get(article.get_absolute_url()).content.decode())["image"][0]
    assert image["digitalSourceType"] == samples.AI
    assert "creditText" not in image and "license" not in image  # not stated, not invented


# The licence end: the desk's warning, the withdrawal, the cache -------------------------


def test_the_desk_warns_of_licences_ending_within_the_warning_period(admin_client, settings):
    settings.STANDFIRST_IMAGE_LICENCE_WARNING_DAYS = 14
    soon = hero_article(samples.rights_jpeg(exif=False), headline="Soon")
    later = hero_article(samples.rights_jpeg(exif=False), headline="Later")
    ended = hero_article(samples.rights_jpeg(exif=False), headline="Ended")
    now = timezone.now()
    for article, delta in [(soon, 3), (later, 30), (ended, -1)]:
        ImageRights.objects.filter(pk=article.hero_rights_id).update(
            license_ends_at=now + timedelta(days=delta)
        )
    assert list(ImageRights.objects.ending_soon()) == [soon.hero_rights]
    html = admin_client.get(reverse("admin:index")).content.decode()
    link = reverse("admin:articles_imagerights_changelist") + "?licence=ending"
    assert re.search(
        rf'<a href="{re.escape(link)}"><span class="desk-count">1</span> '
        r'<span class="desk-label">Image licences ending soon</span>',
        html,
    )
    listed = admin_client.get(link).content.decode()
    assert soon.hero_image.name in listed and later.hero_image.name not in listed


def test_once_the_licence_ends_no_public_surface_shows_the_image(client, monkeypatch):
    ends = timezone.now() + timedelta(minutes=5)
    article = hero_article(
        samples.rights_jpeg(ends=ends.isoformat(timespec="seconds")),
        republish_licence=Article.RepublishLicence.CC_BY_ND,
    )
    url = article.get_absolute_url()
    before = client.get(url).content.decode()
    stem = Path(article.hero_image.name).stem
    assert before.count(stem) >= 4  # the picture, og:image, twitter:image, JSON-LD
    real_time, real_now, later = time.time, timezone.now, 301
    monkeypatch.setattr(time, "time", lambda: real_time() + later)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=later))
    after = client.get(url).content.decode()
    assert stem not in after and '<figure class="hero">' not in after
    assert json_ld(after)["image"] == [metadata.logo_url()]
    for feed in ["/feed/", "/feed/atom/", "/sitemap.xml", "/"]:
        assert stem not in client.get(feed).content.decode(), feed


def test_a_cached_page_lives_no_longer_than_the_nearest_licence_end(client, settings):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()
    ends = timezone.now() + timedelta(seconds=90)
    article = hero_article(samples.rights_jpeg(ends=ends.isoformat(timespec="seconds")))
    assert abs(pagecache.next_public_change() - ends.timestamp()) < 1
    assert client.get(article.get_absolute_url()).status_code == 200
    lifetime = pagecache.public_lifetime(content_cache.current_version())
    assert 80 < lifetime <= 90 < settings.STANDFIRST_PAGE_CACHE_TIMEOUT


def test_the_withdrawal_reaches_a_page_already_in_the_cache(client, settings, monkeypatch):
    settings.STANDFIRST_PAGE_CACHE = True
    SiteSettings.load()
    ends = timezone.now() + timedelta(seconds=90)
    article = hero_article(samples.rights_jpeg(ends=ends.isoformat(timespec="seconds")))
    stem = Path(article.hero_image.name).stem
    url = article.get_absolute_url()
    assert stem in client.get(url).content.decode()
    assert stem in client.get(url).content.decode()  # now from the cache
    real_time, real_now, later = time.time, timezone.now, 91
    monkeypatch.setattr(time, "time", lambda: real_time() + later)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=later))
    assert stem not in client.get(url).content.decode()


# Editing the record: through the action, editors only, bad input refused --------------


def test_editors_correct_the_record_in_the_admin_and_the_page_follows(client, admin_client):
    article = hero_article(samples.rights_jpeg(exif=False))
    change = reverse("admin:articles_imagerights_change", args=[article.hero_rights_id])
    data = form_data(
        admin_client.get(change),
        form_id="imagerights_form",
        credit_line="Corrected Credit",
        web_statement="https://agency.example/licence",
    )
    assert admin_client.post(change, data).status_code == 302
    rights = ImageRights.objects.get(pk=article.hero_rights_id)
    assert rights.credit_line == "Corrected Credit"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMAGE_RIGHTS_CHANGED)
    assert entry.article_id == article.pk
    assert entry.detail["fields"] == ["credit_line", "web_statement"]
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="credit">Corrected Credit</span>' in html


def test_a_bad_address_is_refused_with_a_message_and_nothing_changes(admin_client):
    article = hero_article(samples.rights_jpeg(credit_line="Kept"))
    change = reverse("admin:articles_imagerights_change", args=[article.hero_rights_id])
    data = form_data(
        admin_client.get(change), form_id="imagerights_form", web_statement="not a url"
    )
    response = admin_client.post(change, data)
    assert response.status_code == 200 and "Enter a valid URL." in response.content.decode()
    rights = ImageRights.objects.get(pk=article.hero_rights_id)
    assert rights.web_statement == "" and rights.credit_line == "Kept"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMAGE_RIGHTS_CHANGED).exists()


def test_only_editors_may_change_the_record():
    article = hero_article(samples.rights_jpeg(credit_line="Kept"))
    rights = article.hero_rights
    rights.credit_line = "Changed"
    with pytest.raises(Refused, match="Only editors"):
        rights_actions.change(make_member("wendy", "Writers"), rights)
    assert ImageRights.objects.get(pk=rights.pk).credit_line == "Kept"
    rights_actions.change(make_member("eddie", "Editors"), rights)
    assert ImageRights.objects.get(pk=rights.pk).credit_line == "Changed"


# C2PA: verified, invalid, absent; shown to editors, never to readers -------------------


@pytest.mark.parametrize(
    ("make", "state", "label"),
    [
        (lambda d: samples.signed_jpeg(d), "verified", "Verified"),
        (lambda d: samples.tampered(samples.signed_jpeg(d)), "invalid", "Invalid"),
        (lambda d: d, "absent", "No Content Credentials"),
    ],
    ids=["verified", "invalid", "absent"],
)
def test_the_c2pa_state_is_shown_to_editors_only(client, admin_client, make, state, label):
    article = hero_article(make(samples.rights_jpeg(exif=False, credit_line="C")))
    assert article.hero_rights.provenance == state
    form = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert f'<dd class="provenance-{state}">{label}</dd>' in form.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "provenance" not in page and "Content Credentials" not in page
    assert b"c2pa" not in (Path(settings.MEDIA_ROOT) / article.hero_image.name).read_bytes()


def test_at_the_licence_end_a_task_announces_the_withdrawal_once(
    django_capture_on_commit_callbacks,
):
    ends = timezone.now() + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        article = hero_article(samples.rights_jpeg(ends=ends.isoformat(timespec="seconds")))
    task = DBTaskResult.objects.get(task_path="articles.actions.image_rights.withdraw_ended_image")
    assert task.run_after == ends.replace(microsecond=0)
    assert task.args_kwargs["args"] == [article.hero_rights_id]
    run_worker()  # not yet due: nothing happens
    assert DBTaskResult.objects.get(pk=task.pk).status == "READY"
    past = timezone.now() - timedelta(seconds=1)
    ImageRights.objects.filter(pk=article.hero_rights_id).update(license_ends_at=past)
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=past)
    rights_actions.withdraw_ended_image.enqueue(article.hero_rights_id)  # a duplicate
    with captured() as seen, django_capture_on_commit_callbacks(execute=True):
        run_worker()
    assert [(c.verb, c.legal, set(c.articles)) for c in seen] == [
        ("image_licence_ended", True, {article.pk})
    ]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMAGE_LICENCE_ENDED)
    assert entry.article_id == article.pk and entry.system_actor == "image licences"
