"""The importer on the seed article and on files that are not articles."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Callout
from articles.plaintext import escape_markdown, parse
from tests.factories import import_published
from tests.payloads import assert_import_refused

pytestmark = pytest.mark.django_db

TRAILER = ["More from Community Care", "Comments are closed.", "* Community Care is running"]


def test_seed_becomes_one_structured_article(seed_path):
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    article = Article.objects.get()
    assert article.headline == "High workloads meant opportunities to help Hamzah Khan were missed"
    assert article.slug == "high-workloads-meant-opportunities-to-help-hamzah-khan-were-missed"
    assert article.standfirst.startswith("The serious case review into the death of Hamzah Khan")
    assert article.standfirst.endswith("opportunities to intervene were missed.")
    assert article.body.startswith("Four-year-old Khan died on 15th December 2009")
    assert article.body.endswith("the fuller picture that might have saved him.”")
    assert article.body.count("\n\n") == 11  # 12 body paragraphs
    assert "Nancy Palmer, the independent chair" in article.body
    assert "Peter Wanless, chief executive" in article.body
    for line in TRAILER:
        assert line not in article.body
        assert line not in article.body_html
    assert "<blockquote>" not in article.body_html
    assert article.comments_closed is True
    assert article.attribution()["publisher"] == "Community Care"
    assert article.status == Article.Status.PUBLISHED and article.is_published()
    assert [c.text for c in article.callouts.all()] == [
        "Community Care is running a survey on how budget pressures are affecting child "
        "protection work"
    ]


def test_reimport_updates_instead_of_duplicating(seed_path):
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    first = Article.objects.get()
    Article.objects.filter(pk=first.pk).update(body="edited")
    call_command(
        "import_article",
        str(seed_path),
        "--source-url",
        "https://example.org/original",
        stdout=io.StringIO(),
    )
    article = Article.objects.get()
    assert article.pk == first.pk
    assert article.published_at == first.published_at
    assert article.body.startswith("Four-year-old Khan")
    assert article.republication.original_url == "https://example.org/original"
    assert Callout.objects.count() == 1 and article.callouts.count() == 1


def test_import_without_publish_is_a_draft(seed_path):
    call_command("import_article", str(seed_path), stdout=io.StringIO())
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfe\xfa not utf8", "not UTF-8"),
        (b"Just a headline\n", "no standfirst"),
        (b"Headline\n\nStandfirst only.\n\nComments are closed.", "no body"),
    ],
)
def test_bad_files_are_refused_and_create_nothing(tmp_path, content, message):
    assert_import_refused(tmp_path, content, message)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_article", str(tmp_path / "nope.txt"))


def test_plain_text_stays_plain():
    parsed = parse("Head\n\nStand.\n\n# not a heading *or emphasis* <b>tag</b>\n\n1. not a list")
    assert parsed.body == (
        "\\# not a heading \\*or emphasis\\* &lt;b>tag&lt;/b>\n\n1\\. not a list"
    )
    assert escape_markdown("plain") == "plain"
