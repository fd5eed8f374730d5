"""Sensitive-story mode: content note, helplines, no promos, pre-moderation, left out of blocks."""

import pytest

from articles.models import Article, Callout, Correction, Helpline, Republication
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db

PROMO = "We are running a survey on budgets"


@pytest.fixture
def helpline():
    return Helpline.objects.create(
        name="NSPCC helpline", phone="0808 800 5000", url="https://www.nspcc.org.uk/"
    )


def with_promo(**fields):
    article = make_article(**fields)
    article.callouts.add(Callout.objects.create(text=PROMO))
    return article


def test_ordinary_article_shows_promos_and_no_support_box(client, helpline):
    article = with_promo()
    html = client.get(article.get_absolute_url()).content.decode()
    assert PROMO in html and "NSPCC helpline" not in html and "Content note" not in html
    assert not article.is_sensitive and not article.forces_premoderation


def test_sensitive_article_hides_promos_and_shows_note_and_helplines(client, helpline):
    Helpline.objects.create(name="Retired line", active=False)
    article = with_promo(sensitive=True, content_note="This article discusses a child's death.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert PROMO not in html
    note, body, support = (
        html.index("Content note"),
        html.index('class="article-body"'),
        html.index('id="support"'),
    )
    assert note < body < support
    assert "This article discusses a child&#x27;s death." in html
    assert '<a href="https://www.nspcc.org.uk/">NSPCC helpline</a>' in html
    assert 'href="tel:08088005000"' in html and "Retired line" not in html


def test_sensitivity_is_inherited_from_a_tag(client, helpline):
    tag = make_tag(name="Child deaths", sensitive=True)
    article = with_promo(tags=[tag])
    assert Article.objects.get(pk=article.pk).is_sensitive
    html = client.get(article.get_absolute_url()).content.decode()
    assert PROMO not in html and "NSPCC helpline" in html


def test_sensitive_stories_force_premoderation():
    tag = make_tag(sensitive=True)
    assert make_article(sensitive=True).forces_premoderation
    assert make_article(tags=[tag]).forces_premoderation
    assert not make_article(tags=[make_tag()]).forces_premoderation


def test_not_sensitive_leaves_them_out_of_automatic_blocks():
    tag, plain_tag = make_tag(sensitive=True), make_tag()
    plain = make_article(tags=[plain_tag])
    make_article(sensitive=True)
    make_article(tags=[tag, plain_tag])
    make_article(featured=True, sensitive=True)
    assert list(Article.objects.published().not_sensitive()) == [plain]
    assert list(Article.objects.featured().not_sensitive()) == []


def test_social_image_needs_an_editors_confirmation_on_sensitive_stories():
    assert make_article().allows_image_elsewhere()
    assert not make_article(sensitive=True).allows_image_elsewhere()
    assert make_article(sensitive=True, social_image_confirmed=True).allows_image_elsewhere()


def test_trust_parts_keep_the_article_page_query_count_flat(client, django_assert_num_queries):
    """Corrections, the republication record, tags and helplines cost a fixed number of queries."""
    helplines = [Helpline.objects.create(name=f"Line {i}") for i in range(3)]
    tags = [make_tag(sensitive=i == 0) for i in range(3)]
    article = with_promo(tags=tags)
    Republication.objects.create(article=article, publisher="Partner")
    for i in range(4):
        Correction.objects.create(article=article, text=f"Fix {i}.")
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(9):
        html = client.get(url).content.decode()
    assert all(line.name in html for line in helplines) and "Fix 3." in html
