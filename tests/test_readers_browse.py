"""Browsing: home, section, tag, author and archive pages, pagination, 404s and redirects."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticlePath
from articles.views.public import PAGE_SIZE
from tests.factories import edit, make_article, make_author, make_section, make_tag

pytestmark = pytest.mark.django_db


def _position(html, text):
    index = html.find(text)
    assert index >= 0, f"{text!r} missing"
    return index


def test_home_shows_featured_then_latest_then_sections(client):
    now = timezone.now()
    courts = make_section(name="Courts", slug="courts")
    make_article(headline="Aardvark featured", featured=True, published_at=now - timedelta(days=3))
    for i in range(10):
        make_article(headline=f"Bison latest {i:02d}", published_at=now - timedelta(hours=i + 1))
    make_article(headline="Caribou in courts", section=courts, published_at=now - timedelta(days=5))
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert (
        _position(html, "Aardvark featured")
        < _position(html, "Bison latest 00")
        < _position(html, "Bison latest 09")
        < _position(html, "Caribou in courts")
    )
    assert 'href="/section/courts/"' in html
    # The older article reaches "Latest" on page 2; the featured one is not repeated there.
    page2 = client.get("/?page=2").content.decode()
    assert "Caribou in courts" in page2 and "Aardvark featured" not in page2


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_list_pages_paginate_and_404_out_of_range(client, kind):
    section, tag, author = make_section(slug="s"), make_tag(slug="t"), make_author(slug="a")
    now = timezone.now()
    for i in range(PAGE_SIZE + 3):
        make_article(
            headline=f"Story {i:03d}",
            standfirst=f"Summary {i:03d}.",
            section=section,
            tags=[tag],
            authors=[author],
            published_at=now - timedelta(hours=i + 1),
        )
    url = {"section": "/section/s/", "tag": "/tag/t/", "author": "/author/a/"}[kind]
    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200
    assert "Story 000" in html and "Summary 000." in html and f"Story {PAGE_SIZE - 1:03d}" in html
    assert f"Story {PAGE_SIZE:03d}" not in html
    assert 'rel="next" href="?page=2"' in html
    assert "By <a" in html and "<time datetime=" in html
    second = client.get(url + "?page=2").content.decode()
    assert f"Story {PAGE_SIZE + 2:03d}" in second and 'rel="prev" href="?page=1"' in second
    for bad in ("?page=3", "?page=0", "?page=abc", "?page=-1", "?page=1e9", "?page=" + "9" * 40):
        assert client.get(url + bad).status_code == 404, bad


def test_unknown_slugs_give_the_friendly_404_in_the_layout(client):
    make_section(name="Courts", slug="courts")
    for url in ("/section/nope/", "/tag/nope/", "/author/nope/", "/2024/01/01/nope/"):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "<h1>Page not found</h1>" in html
        assert 'aria-label="Sections"' in html and "/section/courts/" in html  # the site's layout
        assert 'role="search"' in html


def test_archives_by_year_month_and_day(client):
    day = timezone.make_aware(timezone.datetime(2024, 3, 15, 12, 0))
    make_article(headline="Dormouse in March", published_at=day)
    make_article(headline="Elk in April", published_at=day + timedelta(days=20))
    make_article(headline="Ferret next year", published_at=day + timedelta(days=365))
    year = client.get("/2024/").content.decode()
    assert "Dormouse in March" in year and "Elk in April" in year and "Ferret" not in year
    month = client.get("/2024/03/").content.decode()
    assert "Dormouse in March" in month and "Elk in April" not in month
    assert "Archive: March 2024" in month
    today = client.get("/2024/03/15/").content.decode()
    assert "Dormouse in March" in today and "Archive: 15 March 2024" in today
    for bad in ("/2024/13/", "/2024/02/30/", "/2023/", "/2024/03/16/", "/0000/"):
        assert client.get(bad).status_code == 404, bad


def test_archive_hides_unpublished(client):
    day = timezone.now() + timedelta(days=2)
    make_article(headline="Gnu scheduled", published_at=day)
    assert client.get(f"/{day:%Y}/{day:%m}/{day:%d}/").status_code == 404


def test_changed_slug_redirects_permanently(client):
    article = make_article(headline="Old headline", slug="old-headline")
    old_url = article.get_absolute_url()
    article = edit(article, slug="new-headline")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert ArticlePath.objects.filter(path=old_url, article=article).exists()


def test_changed_date_redirects_and_moving_back_drops_the_redirect(client):
    article = make_article(headline="Hare", published_at=timezone.now() - timedelta(days=3))
    first_url = article.get_absolute_url()
    article = edit(article, published_at=timezone.now() - timedelta(days=1))
    assert client.get(first_url)["Location"] == article.get_absolute_url()
    second_url = article.get_absolute_url()
    article = edit(article, published_at=timezone.now() - timedelta(days=3))
    assert client.get(first_url).status_code == 200
    assert client.get(second_url)["Location"] == first_url


def test_old_path_of_an_unpublished_article_is_404(client):
    article = make_article(headline="Ibis", slug="ibis")
    old_url = article.get_absolute_url()
    edit(article, slug="ibis-2", status=Article.Status.DRAFT)
    assert client.get(old_url).status_code == 404


def test_article_page_shows_reading_time_computed_on_save(client):
    article = make_article(body="word " * 700)
    assert Article.objects.get(pk=article.pk).reading_minutes == 4
    assert "4 min read" in client.get(article.get_absolute_url()).content.decode()


def test_public_pages_set_no_cookie(client):
    article = make_article(section=make_section(slug="s"), tags=[make_tag(slug="t")])
    urls = ["/", "/section/s/", "/tag/t/", article.get_absolute_url(), "/search/?q=body"]
    urls += ["/feed/", "/sitemap.xml", "/robots.txt", "/section/missing/"]
    for url in urls:
        response = client.get(url)
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_editors_see_old_paths_in_the_admin(client):
    from tests.factories import make_staff

    article = make_article(headline="Jackal", slug="jackal")
    old_url = article.get_absolute_url()
    edit(article, slug="jackal-renamed")
    client.force_login(make_staff())
    html = client.get("/admin/articles/articlepath/").content.decode()
    assert old_url in html
    assert client.get("/admin/articles/articlepath/add/").status_code == 403
