"""The read replica (articles/replica.py) on a real PostgreSQL streaming pair.

The tests start their own primary and replica (tests/pgpair.py), migrate and seed the
primary, and run gunicorn (cms.wsgi, one worker) with DATABASE_URL and DATABASE_REPLICA_URL
pointing at them. Which copy answered is seen by pausing the replica's replay and changing
the headline on the primary directly: a page showing the old headline came from the
replica, one showing the new headline from the primary.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from articles.replica import CHECK_SECONDS
from tests import djangoproc
from tests.admin_forms import form_data
from tests.pgpair import PG_BIN, Pair, free_port

DB = "standfirst_replica"
MAX_LAG = 6  # STANDFIRST_REPLICA_MAX_LAG_SECONDS of the server under test
WINDOW = 5  # STANDFIRST_READ_YOUR_WRITES_SECONDS
MARKERS = ("Aardvark", "Badger", "Cormorant", "Dolphin", "Egret", "Falcon", "Gannet", "Heron")


@pytest.fixture(scope="module")
def pair():
    if not (PG_BIN / "pg_basebackup").exists():
        reason = f"PostgreSQL 15 server binaries are not installed ({PG_BIN})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    pair = Pair()
    try:
        pair.start()
        pair.primary.sql(f"CREATE DATABASE {DB}")
        pair.primary.sql("CREATE TABLE beat (at timestamptz)")
        yield pair
    finally:
        pair.stop()


def pair_env(pair):
    return {
        "DATABASE_URL": f"{pair.primary.url_base}/{DB}",
        "DATABASE_REPLICA_URL": f"{pair.replica.url_base}/{DB}",
        "STANDFIRST_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
        "STANDFIRST_READ_YOUR_WRITES_SECONDS": str(WINDOW),
    }


@pytest.fixture(scope="module")
def seeded(pair):
    """(article id, its path, an editor's session key), in the migrated primary."""
    return djangoproc.run(
        """
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from tests.factories import log_in, make_article, make_staff
        article = make_article(headline="Headline Aardvark")
        client = log_in(Client(), make_staff("editor"))  # the password, then a real code
        session = client.cookies["sessionid"].value
        print(json.dumps([article.pk, article.get_absolute_url(), session]))
        """,
        env=pair_env(pair),
        timeout=180,
    )


@contextlib.contextmanager
def serving(pair, seeded, **env):
    """gunicorn (cms.wsgi: the page cache's door, then Django) with one worker."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    with open(pair.root / f"gunicorn-{port}.log", "w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own application
            [sys.executable, "-m", "gunicorn", "cms.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=djangoproc.ROOT, env=base | pair_env(pair) | env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        site = Site(pair, f"http://127.0.0.1:{port}", *seeded)
        site.wait_until_up(server, log.name)
        yield site
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def site(pair, seeded):
    with serving(pair, seeded) as site:
        yield site


class Site:
    def __init__(self, pair, url, article_id, path, session):
        self.pair, self.url, self.article_id, self.path = pair, url, article_id, path
        self.editor = requests.Session()
        self.editor.cookies.set("sessionid", session)

    def wait_until_up(self, server, log):
        deadline = time.monotonic() + 90  # the first request imports the whole site
        while time.monotonic() < deadline:
            assert server.poll() is None, Path(log).read_text()
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=30).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer")

    def headline(self, client=requests):
        """The marker in the headline the article page shows."""
        response = client.get(self.url + self.path, timeout=10)
        assert response.status_code == 200
        found = [marker for marker in MARKERS if re.search(rf"\b{marker}\b", response.text)]
        assert len(found) == 1, found
        return found[0]

    def editor_saves(self, marker):
        """The editor changes the headline in the admin, as a browser submits the form."""
        change = f"{self.url}/admin/articles/article/{self.article_id}/change/"
        form = self.editor.get(change, timeout=10)
        assert form.status_code == 200
        data = form_data(form, headline=f"Headline {marker}")
        sent_at = time.monotonic()
        response = self.editor.post(change, data, timeout=10, allow_redirects=False)
        assert response.status_code == 302, response.text[:2000]
        return sent_at, time.monotonic()

    def set_on_primary_only(self, marker):
        """A write the application does not see (no change event), while replay is paused."""
        self.pair.primary.sql(
            "UPDATE articles_article SET headline = %s WHERE id = %s",
            (f"Headline {marker}", self.article_id),
            dbname=DB,
        )

    def caught_up(self):
        """Wait until the replica has replayed everything the primary wrote so far."""
        target = self.pair.primary.sql("SELECT pg_current_wal_lsn()::text")[0]
        for _ in range(200):
            if self.pair.replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0]:
                return
            time.sleep(0.05)
        raise AssertionError("the replica did not catch up")

    def pause_replay(self):
        # A fresh commit first: the replica's lag is counted from its last replayed commit.
        self.pair.primary.sql("INSERT INTO beat VALUES (now())")
        self.caught_up()
        self.pair.replica.sql("SELECT pg_wal_replay_pause()")
        for _ in range(100):
            if self.pair.replica.sql("SELECT pg_get_wal_replay_pause_state()")[0] == "paused":
                return
            time.sleep(0.05)
        raise AssertionError("replay did not pause")

    def resume_replay(self):
        self.pair.replica.sql("SELECT pg_wal_replay_resume()")
        self.caught_up()


def measured_again():
    """Long enough for the server to measure the replica afresh on its next request."""
    time.sleep(CHECK_SECONDS + 0.2)


@pytest.fixture
def replay_paused(site):
    site.resume_replay()
    measured_again()
    site.pause_replay()
    try:
        yield site
    finally:
        site.resume_replay()


def test_a_public_read_comes_from_the_replica(replay_paused):
    site = replay_paused
    before = site.headline()
    site.set_on_primary_only("Badger")
    assert site.headline() == before  # the replica has not replayed it
    site.resume_replay()
    assert site.headline() == "Badger"


def test_the_editor_who_saved_reads_the_primary_for_the_window_then_the_replica(site):
    site.resume_replay()
    sent_at, saved_at = site.editor_saves("Cormorant")
    site.caught_up()
    measured_again()  # the replica is seen to have replayed the save
    site.pause_replay()
    site.set_on_primary_only("Dolphin")
    try:
        assert site.headline() == "Cormorant"  # a reader: the replica
        assert time.monotonic() - sent_at < WINDOW - 0.5, "too slow to test the window"
        assert site.headline(site.editor) == "Dolphin"  # the editor, in the window: primary
        time.sleep(max(0, saved_at + WINDOW + 0.5 - time.monotonic()))
        assert site.headline(site.editor) == "Cormorant"  # after it: the replica again
    finally:
        site.resume_replay()


def test_after_a_change_reads_wait_for_the_replica_to_replay_it(replay_paused):
    """A page rendered after an invalidation is what the page cache keeps: never from a
    replica that has not replayed the change, even one well within the lag bound."""
    site = replay_paused
    site.editor_saves("Egret")
    assert site.headline() == "Egret"  # a reader, with no marker of their own: the primary
    measured_again()
    assert site.headline() == "Egret"
    site.resume_replay()
    measured_again()
    site.pause_replay()
    site.set_on_primary_only("Dolphin")
    assert site.headline() == "Egret"  # replayed: the replica serves readers again


def test_the_page_cache_keeps_what_the_primary_rendered_after_a_change(pair, seeded):
    """With the page cache on: the render after an editor's change is stored, so it must not
    come from a replica that has not replayed the change."""
    with serving(pair, seeded, STANDFIRST_PAGE_CACHE="1") as site:
        site.resume_replay()
        before = site.headline()  # rendered and stored
        assert site.headline() == before  # a hit
        site.pause_replay()
        try:
            site.editor_saves("Falcon")  # invalidates it
            assert site.headline() == "Falcon"  # rendered from the primary, and stored
            site.resume_replay()
            measured_again()
            assert site.headline() == "Falcon"
        finally:
            site.resume_replay()


def test_a_replica_lagging_beyond_the_bound_is_not_read(replay_paused):
    site = replay_paused
    paused_at = time.monotonic()
    before = site.headline()
    site.set_on_primary_only("Gannet")
    assert site.headline() == before  # within the bound: the replica
    while site.headline() == before:
        assert time.monotonic() - paused_at < MAX_LAG + CHECK_SECONDS + 3, "still reading it"
        time.sleep(0.2)
    assert site.headline() == "Gannet"
    assert time.monotonic() - paused_at > MAX_LAG - 1  # not before the bound


def test_an_idle_caught_up_replica_is_read_however_old_its_last_commit(site):
    """With nothing written, the replica's last replayed commit grows old: not a lag."""
    site.resume_replay()
    time.sleep(MAX_LAG + 0.5)  # nothing commits meanwhile
    site.pair.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        before = site.headline()  # measured now: idle for longer than the bound
        site.set_on_primary_only("Heron")
        assert site.headline() == before  # so still read
    finally:
        site.resume_replay()


def test_a_stopped_replica_sends_reads_to_the_primary_quickly(site):
    site.resume_replay()
    site.set_on_primary_only("Aardvark")
    site.caught_up()
    site.pair.replica.stop()
    try:
        timings = []
        for _ in range(5):
            started = time.monotonic()
            assert site.headline() == "Aardvark"
            timings.append(time.monotonic() - started)
        measured_again()  # and when the failure is measured again
        assert site.headline() == "Aardvark"
        assert max(timings) < 1.0, timings
    finally:
        site.pair.replica.start()
        site.caught_up()


def test_writes_inside_a_public_read_go_to_the_primary(site, pair):
    """The replica is read-only: a write routed there would raise."""
    site.resume_replay()
    kicker = djangoproc.run(
        f"""
        from articles import replica
        from articles.models import Article
        replica._public_read.set(True)
        article = Article.objects.get(pk={site.article_id})
        Article.objects.filter(pk=article.pk).update(kicker="Written")
        written = Article.objects.using("default").get(pk=article.pk).kicker
        print(json.dumps([article._state.db, written]))
        """,
        env={
            "DATABASE_URL": f"{pair.primary.url_base}/{DB}",
            "DATABASE_REPLICA_URL": f"{pair.replica.url_base}/{DB}",
        },
    )
    assert kicker == ["replica", "Written"]


def test_replica_settings_use_the_primary_for_tests_and_connect_briefly():
    config = djangoproc.run(
        """
        from django.conf import settings
        auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
        print(json.dumps([settings.DATABASES["replica"], settings.DATABASE_ROUTERS,
                          settings.MIDDLEWARE[auth + 1]]))
        """,
        env={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/standfirst_replica",
            "DATABASE_REPLICA_URL": "postgres://reader@replica.example:5432/standfirst",
        },
    )
    replica, routers, after_auth = config
    assert (replica["HOST"], replica["USER"], replica["OPTIONS"]) == (
        "replica.example", "reader", {"connect_timeout": 1},
    )  # fmt: skip
    assert replica["TEST"]["MIRROR"] == "default"
    assert routers == ["articles.replica.ReplicaRouter"]
    assert after_auth == "articles.replica.ReplicaReadsMiddleware"


def test_a_replica_of_sqlite_is_refused():
    with pytest.raises(AssertionError, match="DATABASE_REPLICA_URL needs PostgreSQL"):
        djangoproc.run(
            "print(1)",
            env={
                "DATABASE_URL": "sqlite://",
                "DATABASE_REPLICA_URL": "postgres://reader@replica.example:5432/standfirst",
            },
        )
