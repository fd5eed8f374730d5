"""Promos that expire: the seed's survey line leaves every article at its end time."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Callout
from tests.factories import import_published, make_article

pytestmark = pytest.mark.django_db

SURVEY = "Community Care is running a survey"


def test_the_seed_survey_promo_vanishes_at_its_end_time(client, seed_path):
    import_published(str(seed_path), "--publish", stdout=io.StringIO())
    seed = Article.objects.get()
    other = make_article()
    promo = Callout.objects.get()
    other.callouts.add(promo)
    end = timezone.now() + timedelta(hours=1)
    Callout.objects.filter(pk=promo.pk).update(ends_at=end)
    untouched = Article.objects.values_list("updated_at", flat=True)
    before_edits = sorted(untouched)

    assert promo in Callout.objects.active(at=end - timedelta(seconds=1))
    assert promo not in Callout.objects.active(at=end)
    for article in (seed, other):
        assert SURVEY in client.get(article.get_absolute_url()).content.decode()

    # The end time arrives (moved to just now; no article is edited).
    Callout.objects.filter(pk=promo.pk).update(ends_at=timezone.now())
    for article in (seed, other):
        assert SURVEY not in client.get(article.get_absolute_url()).content.decode()
    assert sorted(untouched) == before_edits
    assert seed.callouts.count() == 1  # still attached; simply no longer shown


def test_a_scheduled_promo_appears_at_its_start(client):
    article = make_article()
    start = timezone.now() + timedelta(days=1)
    article.callouts.add(Callout.objects.create(text="Tomorrow's promo", starts_at=start))
    assert "Tomorrow&#x27;s promo" not in client.get(article.get_absolute_url()).content.decode()
    assert Callout.objects.active(at=start).count() == 1
