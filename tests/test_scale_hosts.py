"""Two web hosts behind Varnish, two workers, a primary and its replica, Redis and an S3
bucket (tests/hosts.py): what one host does, the other sees, and one host dying loses no
reader's request. The figures (upload round trip, requests served and failed) are printed.

The module's tests run in order on one topology; the outages come last (Redis and the
database, which come back; then host A's death and the bucket's, which do not).
"""

import collections
import io
import os
import re
import socket
import time

import pytest
import requests
from PIL import Image

from tests import djangoproc
from tests.hosts import Topology, jpeg, missing, wait_for

CLOSED_PORT = 1  # nothing listens on tcpmux: connections are refused at once


def figure(capsys, text):
    with capsys.disabled():
        print(f"\n[many hosts] {text}")


@pytest.fixture(scope="module")
def topology():
    lacking = missing()
    if lacking:
        reason = f"the many-host topology needs {', '.join(lacking)}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    topology = Topology()
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()


def test_liveness_stays_up_and_readiness_goes_down_while_the_database_is_unreachable():
    probes = djangoproc.run(
        """
        client = Client(raise_request_exception=False)
        live, ready = client.get("/livez"), client.get("/healthz")
        print(json.dumps([live.status_code, live.content.decode(), ready.status_code]))
        """,
        {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/standfirst_hosts"},
    )
    assert probes == [200, "alive", 503]


@pytest.mark.hosts
def test_an_image_uploaded_through_one_host_is_served_through_the_other(topology, capsys):
    a, b = topology.hosts
    elapsed, src, content = topology.upload_round_trip(through=a, read_from=b)
    assert src.startswith(f"{topology.s3}/standfirst-media/hero/")  # from the bucket
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (1200, 675)  # the 1200 px rendition host A made
    assert src in topology.page(topology.edge)  # and through the front cache
    figure(capsys, f"upload through host A, shown by host B and fetched: {elapsed:.0f} ms")


@pytest.mark.hosts
def test_a_change_through_one_host_is_seen_through_the_other_on_the_next_request(topology):
    a, b = topology.hosts
    before = topology.headline(b.url)
    assert topology.headline(b.url) == before  # host B holds the page (Redis and its own copy)
    topology.editor_saves(a, headline="Headline Badger")
    assert topology.headline(b.url) == "Headline Badger"
    # At the edge once the worker's soft purge has gone out (grace may answer once more).
    wait_for(lambda: topology.headline(topology.edge) == "Headline Badger", 15, "the edge")


@pytest.mark.hosts
def test_a_task_queued_once_is_run_once_with_two_workers_running(topology, capsys):
    runs = topology.django(
        f"""
        import time
        from django.db import transaction
        from django_tasks_db.models import DBTaskResult
        from articles.models import AuditEntry
        from articles.tasks import purge_edge
        # Rounds of 150 queued together, until both workers have taken some: a worker that
        # was asleep between polls when a round came may miss it all (bounded: 5 rounds).
        verbs, ids, workers = [], [], set()
        for round in range(5):
            batch = [f"once-{{round}}-{{n}}" for n in range(150)]
            with transaction.atomic():  # queued together: both workers find work at once
                ids += [purge_edge.enqueue(keys=["article-{topology.seed["id"]}"], hard=False,
                                           articles=[{topology.seed["id"]}], verb=verb).id
                        for verb in batch]
            verbs += batch
            tasks = DBTaskResult.objects.filter(id__in=ids)
            deadline = time.monotonic() + 60
            while tasks.filter(status__in=["READY", "RUNNING"]).exists():
                assert time.monotonic() < deadline, "the workers did not run the tasks"
                time.sleep(0.2)
            workers = {{w for t in tasks for w in t.worker_ids}}
            if len(workers) == 2:
                break
        purged = AuditEntry.objects.filter(action="edge_purged", detail__after__in=verbs)
        print(json.dumps({{
            "statuses": sorted(set(tasks.values_list("status", flat=True))),
            "workers": [t.worker_ids for t in tasks],
            "purges": sorted(purged.values_list("detail__after", flat=True)),
            "verbs": sorted(verbs),
        }}))
        """
    )
    assert runs["statuses"] == ["SUCCESSFUL"]
    assert all(len(workers) == 1 for workers in runs["workers"])  # each claimed once
    assert runs["purges"] == runs["verbs"]  # each ran once: one audit entry per task
    shares = collections.Counter(w for workers in runs["workers"] for w in workers)
    split = dict(sorted(shares.items()))
    figure(capsys, f"{len(runs['verbs'])} tasks queued once, run by: {split}")
    assert sorted(shares) == ["worker-1", "worker-2"]  # both took part


@pytest.mark.hosts
def test_with_redis_down_pages_come_from_the_database_and_changes_still_show(topology):
    a, b = topology.hosts
    for _ in range(2):
        topology.headline(b.url)  # host B holds it, in Redis and in its own copy
    topology.redis.terminate()
    topology.redis.wait()
    try:
        ready = requests.get(b.url + "/healthz", timeout=10)
        assert (ready.status_code, ready.json()) == (
            200, {"status": "ok", "database": "ok", "cache": "down"},
        )  # fmt: skip
        topology.editor_saves(a, headline="Headline Cormorant")
        # Rendered from the database. Without Redis no host learns where the primary's WAL
        # was at the change, so a reader may be served by the replica for its replay time.
        wait_for(lambda: topology.headline(b.url) == "Headline Cormorant", 5, "host B")
    finally:
        topology.start_redis()
    assert topology.headline(b.url) == "Headline Cormorant"


@pytest.mark.hosts
def test_with_the_database_down_hosts_stay_alive_unready_and_serve_cached_pages(topology):
    a, b = topology.hosts
    page = topology.seed["path"]
    for base in (topology.edge, a.url, b.url):
        topology.page(base)  # cached at the edge, and in the hosts' shared page cache
    pair = topology.pair
    pair.replica.stop()
    pair.primary.stop()
    try:
        for host in (a, b):
            assert requests.get(host.url + "/livez", timeout=10).status_code == 200
            ready = requests.get(host.url + "/healthz", timeout=10)
            assert (ready.status_code, ready.json()["database"]) == (503, "down")
            assert "Headline" in topology.page(host.url, page)  # the page cache, no database
        wait_for(lambda: topology.healthy_backends() == 0, 10, "the probes taking hosts out")
        edge = requests.get(topology.edge + page, timeout=10)
        assert (edge.status_code, edge.headers["X-Cache"]) == (200, "HIT")
        started = time.monotonic()
        assert requests.get(topology.edge + "/?never=cached", timeout=10).status_code == 503
        assert time.monotonic() - started < 1  # no host to try: answered at once
    finally:
        pair.primary.start()
        pair.replica.start()
    wait_for(lambda: topology.healthy_backends() == 2, 30, "the hosts back in")
    assert requests.get(topology.edge + "/?now=cached", timeout=10).status_code == 200


@pytest.mark.hosts
def test_killing_a_host_loses_no_request_the_front_cache_can_retry(topology, capsys):
    a, b = topology.hosts
    counts = topology.kill_under_load(victim=a)
    figure(
        capsys,
        f"host A SIGKILLed under load through Varnish: {counts['served']} served, "
        f"{counts['failed']} failed in {counts['seconds']:.1f} s "
        f"(host A answered {counts['by_host']['a']}, host B {counts['by_host']['b']})",
    )
    assert counts["failed"] == 0, counts["failures"][:10]
    assert counts["served"] == 800
    assert counts["by_host"]["a"] > 0 and counts["by_host"]["b"] > counts["by_host"]["a"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", a.port), timeout=1).close()  # really gone
    wait_for(lambda: topology.healthy_backends() == 1, 10, "the probe taking host A out")


@pytest.mark.hosts
def test_with_the_bucket_down_pages_serve_and_an_upload_is_refused_saving_nothing(topology):
    """Last but one: moto keeps its objects in memory, so the bucket does not come back."""
    b = topology.hosts[1]  # host A is dead by now
    hero = re.search(r'<img src="([^"]+)"', topology.page(b.url))[1]
    stored = f"""
        from articles.models import Article, ImageRendition
        article = Article.objects.get(pk={topology.seed["id"]})
        print(json.dumps([article.hero_image.name, ImageRendition.objects.count()]))
        """
    before = topology.django(stored)
    topology.moto.terminate()
    topology.moto.wait()
    assert hero in topology.page(b.url)  # media URLs are built, never fetched
    response = topology.editor_posts(
        b, files={"hero_image": ("red.jpg", jpeg(colour="red"), "image/jpeg")}, hero_alt="Red"
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "The image store cannot be reached" in response.text
    assert topology.django(stored) == before  # no new name, no rendition row


@pytest.mark.hosts
def test_no_host_kept_anything_on_its_own_disk(topology):
    for host in topology.hosts:
        assert list(host.disk.iterdir()) == [], host.name
