"""Many readers at once: every comment stored exactly once, and no rate limit misfires."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client, override_settings

from articles.models import Comment, SiteSettings
from tests.commenting import post_comment
from tests.factories import make_article

THREADS = 20
PER_THREAD = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers need PostgreSQL: SQLite serialises writes with a file lock.",
)
@pytest.mark.django_db(transaction=True)
@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=1)  # any shared or lost count would show
def test_twenty_readers_post_ten_comments_each_through_the_real_view():
    SiteSettings.load()
    article = make_article()
    barrier = threading.Barrier(THREADS)
    statuses, errors = [], []

    def reader(t):
        client = Client()  # its own client, and (per thread) its own database connection
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                response = post_comment(
                    client,
                    article,
                    ip=f"10.0.{t}.{i + 1}",
                    email=f"reader-{t}-{i}@example.net",
                    body=f"Comment {i} from reader {t}.",
                )
                statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sorted(statuses) == [303] * (THREADS * PER_THREAD)  # no 429, no 500
    bodies = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    expected = {f"Comment {i} from reader {t}." for t in range(THREADS) for i in range(PER_THREAD)}
    assert len(bodies) == THREADS * PER_THREAD and set(bodies) == expected
    assert Comment.objects.values("ip_hash").distinct().count() == THREADS * PER_THREAD
