"""The partner API (JSON and ninjs 2.0), the partner feed, keys, rates, and what partners
never receive; through the real URL routing."""

import json
from datetime import timedelta
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.utils import timezone

from articles.actions import corrections as correction_actions
from articles.actions import holds as hold_actions
from articles.actions import partners as partner_actions
from articles.actions import redaction
from articles.models import (
    APIKey,
    Article,
    Comment,
    Correction,
    DoNotIdentify,
    ImageRights,
    LegalHold,
    Partner,
    Republication,
    Republishing,
)
from tests.factories import SYSTEM, edit, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "articles/api/schema/ninjs-schema_2.0.json"
IPTC_COPY = Path(__file__).resolve().parents[2] / "shared/intake/ninjs/ninjs-schema_2.0.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
LIST = "/api/v1/articles/"
FEED = "/api/v1/feed/"
HERO = {
    "hero_image": "hero/quay.jpg",
    "hero_alt": "The ferry at the quay",
    "hero_caption": "The last crossing.",
    "hero_credit": "Jane Doe/Agency",
    "hero_renditions": [
        {"name": f"hero/quay-{w}w.{ext}", "format": fmt, "width": w, "height": w // 2}
        for w in (480, 800)
        for ext, fmt in (("jpg", "jpeg"), ("webp", "webp"))
    ],
}
INLINE_IMAGE = "![A chart of crossings](/media/inline/chart.jpg)"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def partner_with_key(**fields):
    partner = Partner.objects.create(name=fields.pop("name", "Harbour Gazette"), **fields)
    return partner, partner_actions.issue_key(SYSTEM, partner)


@pytest.fixture
def partner():
    return partner_with_key()


def get(client, url, key, **headers):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}", **headers)


def listed_ids(client, key, url=LIST):
    response = get(client, url, key)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def feed_titles(client, key):
    response = get(client, FEED, key)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries], parsed


def offered(**fields):
    """A public story of ours, offered for republication: what every partner receives."""
    return make_article(republish_licence=Article.RepublishLicence.CC_BY, **fields)


def validate_ninjs(item):
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(item)
    # This venv has no URI format checker: the uris are checked here instead.
    for uri in [item["uri"], *(a["uri"] for a in item.get("associations", []))]:
        assert uri.startswith(SITE + "/"), uri


# The schema ---------------------------------------------------------------------------


def test_the_shipped_schema_is_the_iptc_one():
    assert SCHEMA["id"] == "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json#"
    if IPTC_COPY.exists():
        assert SCHEMA_PATH.read_bytes() == IPTC_COPY.read_bytes()


def test_ninjs_items_validate_against_the_schema(client, partner):
    _, key = partner
    tags = [make_tag(name="Ferries"), make_tag(name="Transport")]
    authors = [make_author(name="Ada Lane"), make_author(name="Bo Chan")]
    ours = offered(
        tags=tags,
        authors=authors,
        section=make_section(name="Island"),
        images_redistributable=True,
        body=f"The ferry stopped.\n\n{INLINE_IMAGE}",
        **HERO,
    )
    Correction.objects.create(article=ours, text="The crossing is 40 minutes, not 30.")
    theirs = make_article(work_type=Article.WorkType.REPUBLISHED)
    Republication.objects.create(
        article=theirs, publisher="Coast Weekly", original_url="https://coast.example/story"
    )
    make_article(headline="No byline, no tags")

    response = get(client, f"{LIST}?format=ninjs", key)
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 3
    for item in items:
        validate_ninjs(item)
    by_id = {item["altids"][0]["value"]: item for item in items}

    item = by_id[str(ours.pk)]
    assert item["headlines"] == [{"role": "main", "value": ours.headline}]
    assert item["by"] == "Ada Lane, Bo Chan"
    assert item["rightsinfo"] == {"linkedrights": "https://creativecommons.org/licenses/by/4.0/"}
    assert item["usageterms"].startswith("Republish under Creative Commons Attribution 4.0")
    assert [body["role"] for body in item["bodies"]] == ["main", "corrections"]
    assert "40 minutes, not 30" in item["bodies"][1]["value"]
    assert f'src="{SITE}/media/inline/chart.jpg"' in item["bodies"][0]["value"]
    (picture,) = item["associations"]
    assert picture["by"] == "Jane Doe/Agency"
    assert {r["width"] for r in picture["renditions"]} == {480, 800}

    # Not ours to relicense: it says so, and offers no licence.
    item = by_id[str(theirs.pk)]
    assert "rightsinfo" not in item
    assert item["usageterms"].startswith("Not licensed for republication: © Coast Weekly.")
    assert item["copyrightholder"] == "Coast Weekly"
    assert item["infosources"] == [{"name": "Coast Weekly", "uri": "https://coast.example/story"}]

    detail = get(client, f"{LIST}{ours.pk}/?format=ninjs", key)
    validate_ninjs(detail.json())
    assert detail.json() == by_id[str(ours.pk)]


def test_a_weakened_ninjs_item_fails_the_schema(client, partner):
    """The validation can fail: an item without its uri, or with a field ninjs lacks."""
    _, key = partner
    item = get(client, f"{LIST}{offered().pk}/?format=ninjs", key).json()
    for broken in ({k: v for k, v in item.items() if k != "uri"}, {**item, "headline": "x"}):
        with pytest.raises(jsonschema.ValidationError):
            validate_ninjs(broken)


# Queries, caching, pages ----------------------------------------------------------------


def test_list_and_detail_cost_a_fixed_number_of_queries(client, partner, django_assert_num_queries):
    _, key = partner
    tags, authors = [make_tag(), make_tag(), make_tag()], [make_author(), make_author()]
    articles = [offered(tags=tags, authors=authors, **HERO) for _ in range(6)]
    for article in articles:
        for n in range(2):
            Correction.objects.create(article=article, text=f"Correction {n}.")
    get(client, LIST, key)  # warm the site settings row
    # key, articles, tags, bylines with authors, corrections, registry insert + count
    for url in (LIST, f"{LIST}?format=ninjs", f"{LIST}?limit=3"):
        with django_assert_num_queries(7):
            assert get(client, url, key).status_code == 200
    for url in (f"{LIST}{articles[0].pk}/", f"{LIST}{articles[0].pk}/?format=ninjs"):
        with django_assert_num_queries(7):
            assert get(client, url, key).status_code == 200


def test_unchanged_pages_answer_304_and_a_change_moves_the_etag(client, partner):
    _, key = partner
    article = offered()
    first = get(client, LIST, key)
    assert first["Cache-Control"] == "private, max-age=60"
    assert "Authorization" in first["Vary"]
    assert not first.cookies
    again = get(client, LIST, key, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    detail = get(client, f"{LIST}{article.pk}/", key)
    assert (
        get(client, f"{LIST}{article.pk}/", key, HTTP_IF_NONE_MATCH=detail["ETag"]).status_code
        == 304
    )

    edit(article, headline="A changed headline")
    changed = get(client, LIST, key, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_the_cursor_walks_every_item_once_while_stories_are_added(client, partner):
    _, key = partner
    now = timezone.now()
    # Some share a publication time: the id breaks the tie.
    existing = {offered(published_at=now - timedelta(hours=2 + n // 3)).pk for n in range(17)}
    seen, url, pages = [], f"{LIST}?limit=4", 0
    while url:
        response = get(client, url, key)
        assert response.status_code == 200
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        offered()  # a new story joins at the head during the walk
        url, pages = body["next"], pages + 1
        if url:
            assert url.startswith(SITE + LIST)
            url = url.removeprefix(SITE)
    assert pages == 5
    assert len(seen) == len(set(seen))  # no duplicates
    assert set(seen) == existing  # no gaps (the new ones are at the head, for the next walk)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=101", "limit must be a whole number from 1 to 100."),
        ("limit=0", "limit must be a whole number from 1 to 100."),
        ("limit=ten", "limit must be a whole number from 1 to 100."),
        ("cursor=not-a-cursor", "This cursor cannot be read"),
        ("cursor=%E2%82%AC", "This cursor cannot be read"),
        ("format=xml", "format must be 'json' or 'ninjs'."),
    ],
)
def test_bad_pages_are_refused_not_capped(client, partner, query, message):
    _, key = partner
    offered()
    response = get(client, f"{LIST}?{query}", key)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert not Republishing.objects.exists()


def test_a_full_page_of_100_is_served_whole(client, partner):
    _, key = partner
    for _ in range(101):
        offered()
    body = get(client, f"{LIST}?limit=100", key).json()
    assert len(body["items"]) == 100
    assert body["next"]
    last = get(client, body["next"].removeprefix(SITE), key).json()
    assert len(last["items"]) == 1 and last["next"] is None


# Keys and rates ---------------------------------------------------------------------


def test_keys_are_stored_only_as_hashes(partner):
    partner_row, key = partner
    stored = APIKey.objects.get(partner=partner_row)
    assert key.startswith("sfk_") and len(key) > 40
    assert stored.key_hash == APIKey.digest(key) and key not in stored.key_hash
    assert key.startswith(stored.prefix) and len(stored.prefix) < 12


@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        (None, 401, "Send your API key"),
        ("Basic abc", 401, "Send your API key"),
        ("Bearer ", 401, "Send your API key"),
        ("Bearer sfk_wrong", 401, "This API key is not known."),
        ("revoked", 403, "This API key was revoked"),
        ("inactive", 403, "Access for this partner is switched off."),
    ],
)
def test_a_missing_wrong_or_revoked_key_is_refused(client, partner, header, status, message):
    partner_row, key = partner
    article = offered()
    if header == "revoked":
        partner_actions.revoke_keys(SYSTEM, APIKey.objects.filter(partner=partner_row))
        header = f"Bearer {key}"
    if header == "inactive":
        Partner.objects.filter(pk=partner_row.pk).update(active=False)
        header = f"Bearer {key}"
    for url in (LIST, f"{LIST}{article.pk}/", FEED):
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get(url, **extra)
        assert response.status_code == status, url
        assert response.json()["error"].startswith(message)
        assert article.headline.encode() not in response.content
        assert response["Cache-Control"] == "no-store"
    assert not Republishing.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after(client):
    partner_row, key = partner_with_key(requests_per_minute=3)
    _, other = partner_with_key(name="Other partner", requests_per_minute=3)
    offered()
    assert [get(client, LIST, key).status_code for _ in range(3)] == [200, 200, 200]
    refused = get(client, LIST, key)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "More than 3 requests this minute" in refused.json()["error"]
    assert get(client, FEED, key).status_code == 429  # every endpoint shares the key's rate
    assert get(client, LIST, other).status_code == 200  # per key


def test_the_api_answers_and_still_limits_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    _, key = partner_with_key(requests_per_minute=2)
    offered()
    assert [get(client, LIST, key).status_code for _ in range(3)] == [200, 200, 429]


# What partners never receive ------------------------------------------------------


def _draft():
    return make_article(status=Article.Status.DRAFT, published_at=None)


def _scheduled_under_embargo():
    return make_article(
        published_at=timezone.now() + timedelta(hours=3), embargo_note="Not before 00:01 Tuesday"
    )


def _public_with_embargo_note():
    return make_article(embargo_note="Legal: not for syndication until the verdict")


def _expired():
    return make_article(expires_at=timezone.now() - timedelta(minutes=1))


def _held():
    tag = make_tag(name="Inquest")
    article = make_article(tags=[tag])
    hold_actions.apply_hold(SYSTEM, LegalHold(tag=tag, reason="Inquest under way"))
    return article


def _sensitive():
    return make_article(sensitive=True)


def _sensitive_by_tag():
    return make_article(tags=[make_tag(name="Self-harm", sensitive=True)])


def _identification_flagged():
    article = make_article()
    DoNotIdentify.objects.create(article=article, term="Zed Quill", reason="restriction")
    return article


EXCLUDED = {
    "draft": _draft,
    "scheduled under embargo": _scheduled_under_embargo,
    "public with an embargo note": _public_with_embargo_note,
    "expired": _expired,
    "held": _held,
    "sensitive": _sensitive,
    "sensitive by tag": _sensitive_by_tag,
    "do-not-identify flagged": _identification_flagged,
}


@pytest.mark.parametrize("case", EXCLUDED)
def test_each_exclusion_holds_in_the_api_and_the_feed(client, partner, case):
    _, key = partner
    control = offered(headline="Control story")
    hidden = EXCLUDED[case]()
    # Offered for republication, so only the rule under test keeps it from partners.
    Article.objects.filter(pk=hidden.pk).update(republish_licence="cc-by-4.0")
    assert listed_ids(client, key) == [control.pk]
    ninjs = get(client, f"{LIST}?format=ninjs", key).json()["items"]
    assert [item["altids"][0]["value"] for item in ninjs] == [str(control.pk)]
    response = get(client, f"{LIST}{hidden.pk}/", key)
    assert response.status_code == 404
    assert response.json() == {"error": "No such article for this key."}
    titles, _ = feed_titles(client, key)
    assert titles == ["Control story"]
    assert not Republishing.objects.filter(article=hidden).exists()


def test_partners_allowed_sensitive_or_flagged_stories_receive_them(client):
    sensitive, flagged = _sensitive(), _identification_flagged()
    for article in (sensitive, flagged):
        Article.objects.filter(pk=article.pk).update(republish_licence="cc-by-4.0")
    _, both = partner_with_key(receives_sensitive=True, receives_identification_flagged=True)
    _, only_sensitive = partner_with_key(name="Care Weekly", receives_sensitive=True)
    assert set(listed_ids(client, both)) == {sensitive.pk, flagged.pk}
    assert listed_ids(client, only_sensitive) == [sensitive.pk]
    items = get(client, f"{LIST}?format=ninjs", both).json()["items"]
    notes = {item["altids"][0]["value"]: item["ednote"] for item in items}
    assert notes[str(sensitive.pk)].startswith("Sensitive story.")
    assert (
        notes[str(flagged.pk)] == "Reporting restrictions apply: add no names, places or schools."
    )
    assert b"Zed Quill" not in get(client, LIST, both).content  # the register never travels


def test_a_story_we_may_not_relicense_is_in_the_api_saying_so_but_not_in_the_feed(client, partner):
    _, key = partner
    ours_only = make_article(headline="Not offered")
    assert listed_ids(client, key) == [ours_only.pk]
    rights = get(client, f"{LIST}{ours_only.pk}/", key).json()["rights"]
    assert rights["may_republish"] is False
    assert rights["usage_terms"].startswith("Not licensed for republication: © Standfirst.")
    assert feed_titles(client, key)[0] == []


def test_images_travel_only_where_they_may_be_passed_on(client, partner):
    _, key = partner
    body = f"Before the chart.\n\n{INLINE_IMAGE}"
    kept = offered(headline="Images allowed", images_redistributable=True, body=body, **HERO)
    withheld = offered(headline="Images withheld", body=body, **HERO)

    assert get(client, f"{LIST}{kept.pk}/", key).json()["image"]["credit"] == "Jane Doe/Agency"
    for url in (f"{LIST}{withheld.pk}/", f"{LIST}{withheld.pk}/?format=ninjs"):
        text = get(client, url, key).content.decode()
        assert "quay" not in text and "chart.jpg" not in text and "<img" not in text
        assert "Before the chart." in text
    assert get(client, f"{LIST}{withheld.pk}/", key).json()["image"] is None
    assert "associations" not in get(client, f"{LIST}{withheld.pk}/?format=ninjs", key).json()

    _, parsed = feed_titles(client, key)
    contents = {entry.title: entry.content[0].value for entry in parsed.entries}
    assert "chart.jpg" in contents["Images allowed"]
    assert (
        "chart.jpg" not in contents["Images withheld"] and "<img" not in contents["Images withheld"]
    )


def test_the_feed_carries_corrections_terms_and_attribution(client, partner):
    _, key = partner
    article = offered(headline="Ferry times")
    correction_actions.add(SYSTEM, Correction(article=article, text="It leaves at 9, not 10."))
    titles, parsed = feed_titles(client, key)
    assert titles == ["Ferry times"]
    content = parsed.entries[0].content[0].value
    assert "It leaves at 9, not 10." in content
    assert "Republish under Creative Commons Attribution 4.0" in content
    assert parsed.entries[0].link == SITE + article.get_absolute_url()


def test_redacted_text_reaches_partners_only_redacted(client, partner):
    _, key = partner
    article = offered(headline="Court case", body="Quentin Marsh was named in court.")
    redaction.redact(SYSTEM, [article], ["Quentin Marsh"], "a local man")
    for url in (LIST, f"{LIST}?format=ninjs", f"{LIST}{article.pk}/", FEED):
        text = get(client, url, key).content.decode()
        assert "Quentin" not in text and "a local man" in text, url


def test_no_email_ip_hash_or_comment_reaches_partners(client, partner):
    _, key = partner
    article = offered()
    Comment.objects.create(
        article=article,
        name="Reader",
        email="reader@example.org",
        body="A comment body",
        status=Comment.Status.APPROVED,
        ip_hash="f" * 64,
    )
    for url in (LIST, f"{LIST}?format=ninjs", f"{LIST}{article.pk}/", FEED):
        text = get(client, url, key).content.decode()
        assert "reader@example.org" not in text and "f" * 64 not in text
        assert "A comment body" not in text


# The registry of who republished us ---------------------------------------------------


def test_deliveries_to_a_partner_are_counted_per_article(client, partner):
    partner_row, key = partner
    first, second = offered(), offered()
    get(client, LIST, key)
    get(client, f"{LIST}{first.pk}/", key)
    counts = dict(
        Republishing.objects.filter(partner=partner_row).values_list("article_id", "count")
    )
    assert counts == {first.pk: 2, second.pk: 1}
    assert set(Republishing.objects.values_list("channel", flat=True)) == {"api"}


def test_an_image_whose_licence_has_ended_is_not_passed_on(client, partner):
    """The licence end that withdraws a hero from our pages withdraws it from partners too;
    the credit the file states travels while the image does."""
    _, key = partner
    rights = ImageRights.objects.create(source="hero/quay.jpg", credit_line="Harbour Photos")
    hero = {**HERO, "hero_credit": ""}
    article = offered(headline="Licensed", images_redistributable=True, hero_rights=rights, **hero)
    detail = f"{LIST}{article.pk}/"
    assert get(client, detail, key).json()["image"]["credit"] == "Harbour Photos"

    ImageRights.objects.filter(pk=rights.pk).update(
        license_ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert get(client, detail, key).json()["image"] is None
    ninjs = get(client, f"{detail}?format=ninjs", key)
    assert "associations" not in ninjs.json() and "quay" not in ninjs.content.decode()
