"""Republish from an uploaded file or pasted text, through the admin: plain text, HTML,
ninjs 2.x and 1.x, NewsML-G2. The IPTC's own examples (../shared/intake/) are read in place;
what they lack (a publisher, a body) is refused or asked for, never made up."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Callout, Republication, SourceSnapshot
from tests.factories import make_member
from tests.intake_server import CORPUS, FIXTURES

pytestmark = pytest.mark.django_db
REPUBLISH = reverse("admin:articles_article_republish")


@pytest.fixture
def editor_client(client):
    client.force_login(make_member("editor", "Editors"))
    return client


def upload(client, path, name=None, **extra):
    data = path.read_bytes()
    file = SimpleUploadedFile(name or path.name, data)
    return client.post(REPUBLISH, {"source": "file", "file": file, **extra}), data


def assert_refused(response, message):
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was stored." in response.content.decode()
    assert not Article.objects.exists()
    assert not SourceSnapshot.objects.exists() and not Republication.objects.exists()


def test_a_ninjs_2_item_becomes_a_draft_with_its_rights_and_sanitised_body(editor_client):
    response, data = upload(editor_client, FIXTURES / "partner-ninjs-2.0.json")
    article = Article.objects.get()
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.headline == "Harbour closes after storm damage to the sea wall"
    assert article.standfirst == "The council says repairs will take at least six weeks."
    record = article.republication
    assert record.publisher == "Partner News"
    assert record.original_url == "https://partner.example/news/harbour-closure"
    assert record.source_guid == "urn:partner-news:2026:harbour-closure"
    assert record.original_byline == "Sam Rivers"
    assert record.licence == Republication.Licence.CC_BY_ND
    assert record.allowed_edits == Republication.Edits.NONE
    assert record.lead_image_url == "https://partner.example/images/harbour.jpg"
    assert record.lead_image_credit == "Jo Park/Partner News"
    assert record.original_published_at.isoformat() == "2026-11-30T08:15:00+00:00"
    assert record.original_updated_at.isoformat() == "2026-11-30T11:40:00+00:00"
    for hostile in ("<script", "onclick", "javascript:", "<iframe", "alert("):
        assert hostile not in article.body_html
    assert "said the harbour master, Ann Lee." in article.body_html
    snapshot = article.source_snapshots.get()
    assert snapshot.sha256 == hashlib.sha256(data).hexdigest()
    assert snapshot.media_type == "application/json"


def test_a_reimport_by_the_same_guid_updates_the_draft(editor_client, tmp_path):
    upload(editor_client, FIXTURES / "partner-ninjs-2.0.json")
    first = Article.objects.get()
    newer = (
        (FIXTURES / "partner-ninjs-2.0.json")
        .read_text()
        .replace("at least six weeks", "at least eight weeks")
        .replace("https://partner.example/news/harbour-closure", "https://partner.example/n/1")
    )
    path = tmp_path / "item.json"
    path.write_text(newer)
    upload(editor_client, path)
    article = Article.objects.get()
    assert article.pk == first.pk and "eight weeks" in article.standfirst
    assert article.source_snapshots.count() == 2


def test_the_dpa_example_keeps_its_guid_and_publisher(editor_client):
    upload(editor_client, CORPUS / "ninjs" / "2.1-dpa_text.json")
    record = Republication.objects.get()
    assert record.article.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert record.publisher == "dpa"
    assert record.original_byline == "Von Christian Hollmann, dpa"
    assert record.source_guid == "urn:newsml:dpa.com:20090101:190510-99-167362"
    assert record.original_url == ""  # a ninjs uri is an identifier, not a page
    assert record.original_published_at is None  # dpa states only versioncreated
    assert (record.licence, record.permission_reference) == ("other", "")


def test_the_tt_example_keeps_its_picture_credit(editor_client):
    upload(editor_client, CORPUS / "ninjs" / "2.1-tt_text_image_2.json")
    record = Republication.objects.get()
    assert record.publisher == "TT"
    assert record.lead_image_credit == "Karl Melander/TT"
    assert record.lead_image_url.endswith("/a001_NormalHires.jpg")


def test_a_ninjs_1_item_without_a_publisher_asks_for_one(editor_client):
    path = CORPUS / "ninjs" / "1.4-ninjsExMediumText1.json"
    assert_refused(upload(editor_client, path)[0], "does not say who published it")
    upload(editor_client, path, publisher="The News Agency", licence="CC BY")
    article = Article.objects.get()
    assert article.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert article.republication.publisher == "The News Agency"
    assert article.republication.original_byline == "Paulo Santalucia and Frances d'Emilio"
    assert article.body.startswith("GROSSETO, Italy (AP)") or article.standfirst.startswith(
        "GROSSETO, Italy (AP)"
    )


def test_an_editors_licence_never_replaces_the_one_the_source_states(editor_client):
    upload(editor_client, FIXTURES / "partner-ninjs-2.0.json", licence="CC BY")
    assert Republication.objects.get().licence == Republication.Licence.CC_BY_ND


def test_a_newsml_g2_news_item_becomes_a_draft(editor_client):
    response, data = upload(
        editor_client, CORPUS / "newsml-g2" / "LISTING_2_NewsML-G2_Text_Document.xml"
    )
    article = Article.objects.get()
    assert article.headline == 'Fed to halt QE to avert "bubble"'
    record = article.republication
    assert record.publisher == "Acme News and Media LLC"
    assert record.original_byline == "Meredith Jameson"
    assert record.source_guid == "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert record.original_published_at.isoformat() == "2016-11-21T20:21:06+00:00"
    assert article.standfirst.startswith("(New York, NY - October 21)")
    snapshot = article.source_snapshots.get()
    assert snapshot.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml", "no article text"),
        ("newsml-g2/LISTING_6_Simple_NewsML-G2_Package.xml", "not a NewsML-G2 news item"),
        (
            "newsml-g2/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
            "not a NewsML-G2 news item",
        ),
        ("newsml-g2/LISTING_29_Hop_History.xml", "no headline"),
        ("ninjs/2.1-imageLinkedRights.json", "no article text"),
        ("ninjs/2.1-ntb_text.json", "no article text"),
    ],
)
def test_examples_that_are_not_whole_articles_are_refused(editor_client, path, message):
    assert_refused(upload(editor_client, CORPUS / path)[0], message)


def test_an_html_file_is_read_like_a_fetched_page(editor_client):
    upload(editor_client, CORPUS / "pages" / "salon.com.emissions.html")
    record = Republication.objects.get()
    assert record.article.headline == "Despite everything, U.S. emissions dipped in 2019"
    assert record.original_byline == "Nathanael Johnson"
    assert record.original_url.startswith("https://www.salon.com/2020/01/10/")


def test_a_plain_text_file_and_pasted_text_are_read_as_import_article_reads_them(
    editor_client, seed_path
):
    upload(editor_client, seed_path)
    article = Article.objects.get()
    assert article.republication.publisher == "Community Care"
    assert article.comments_closed and Callout.objects.count() == 1
    # Pasting the same text finds the same story (same bytes) and updates the draft.
    editor_client.post(REPUBLISH, {"source": "paste", "text": seed_path.read_text()})
    assert Article.objects.get().pk == article.pk


def test_pasted_text_without_a_trailer_needs_a_publisher(editor_client):
    text = "A headline\n\nA standfirst.\n\nThe body of the story."
    response = editor_client.post(REPUBLISH, {"source": "paste", "text": text})
    assert_refused(response, "does not say who published it")
    editor_client.post(REPUBLISH, {"source": "paste", "text": text, "publisher": "The Wire"})
    assert Article.objects.get().republication.publisher == "The Wire"


def test_a_file_of_another_kind_is_refused(editor_client, tmp_path):
    path = tmp_path / "story.pdf"
    path.write_bytes(b"%PDF-1.7")
    assert_refused(upload(editor_client, path)[0], "Upload a .txt, .html, .json")


def test_the_chosen_source_must_be_given(editor_client):
    response = editor_client.post(REPUBLISH, {"source": "file"})
    assert "Give the source you chose." in response.content.decode()
    assert not Article.objects.exists()
