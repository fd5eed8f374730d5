"""The reference edge: a real varnishd running deploy/varnish.vcl in front of the app.

Between them sits a relay the test can cut, to play an origin outage. A legal change is
purged hard by the committing process itself: once the action returns, the old page is
never served again, not even while the origin is down. An ordinary change is purged
softly: grace may serve the old copy while the new one is fetched.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from articles.actions.redaction import redact
from articles.models import AuditEntry
from tests.factories import SYSTEM, edit, make_article
from tests.worker import run_worker

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"

pytestmark = pytest.mark.django_db(transaction=True)


def _need_varnish():
    if Path(VARNISHD).exists():
        return
    reason = "varnishd is not installed (apt install varnish varnish-modules)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"Varnish test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """A TCP relay from `port` to the origin; cut() is the origin going down."""

    def __init__(self, target_port):
        self.target = target_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.up = True
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """Refuse new connections and drop the kept-alive ones."""
        self.up = False
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    _need_varnish()
    relay = Relay(int(live_server.url.rsplit(":", 1)[1]))
    vcl = VCL.read_text()
    for web in ("8000", "8001"):  # both web hosts of the reference file: the one origin
        vcl = vcl.replace(f'.port = "{web}";', f'.port = "{relay.port}";')
    (tmp_path / "standfirst.vcl").write_text(vcl)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - Debian's varnishd, our own VCL
        [
            # -j none: no privilege drop, so it may read the test's files.
            VARNISHD, "-F", "-j", "none",
            "-n", str(tmp_path / "varnish"), "-a", f"127.0.0.1:{port}",
            "-f", str(tmp_path / "standfirst.vcl"), "-s", "malloc,32m",
            "-p", "first_byte_timeout=2", "-p", "connect_timeout=1",
        ],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):  # up to 10 s to start
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("varnishd did not start: " + process.stdout.read().decode()[-2000:])
    settings.STANDFIRST_EDGE_PURGE = "varnish"
    settings.STANDFIRST_VARNISH_URLS = [url + "/"]
    settings.ALLOWED_HOSTS = ["*"]
    yield url, relay
    process.terminate()
    process.wait(timeout=10)


def fetch(url):
    """(status, X-Cache, body) through Varnish, as a reader without cookies."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our Varnish
            return response.status, response.headers.get("X-Cache"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache"), error.read().decode()


def test_a_redacted_page_is_gone_from_varnish_and_never_served_stale(varnish):
    edge, relay = varnish
    article = make_article(headline="Review of the case", body="Kerry Sandal was seven.")
    page = edge + article.get_absolute_url()
    assert fetch(page)[1] == "MISS"
    status, cache, body = fetch(page)
    assert (status, cache) == (200, "HIT") and "Kerry Sandal" in body

    redact(SYSTEM, [article], ["Kerry Sandal"], "the child")  # commits, then purges
    status, cache, body = fetch(page)  # no worker has run
    assert cache == "MISS" and "Kerry Sandal" not in body and "the child" in body
    purges = AuditEntry.objects.filter(action="edge_purged", article=article)
    assert purges.filter(detail__hard=True, detail__edge="varnish", detail__after="redacted")
    assert set(purges.values_list("system_actor", flat=True)) == {"edge"}

    # Cached again; a second legal change (the article taken down) while the origin dies.
    assert fetch(page)[1] == "HIT"
    redact(SYSTEM, [article], ["the child"], "a boy")
    relay.cut()
    status, _, body = fetch(page)
    assert status == 503 and "the child" not in body


def test_an_ordinary_change_is_purged_softly_and_grace_covers_an_outage(varnish):
    edge, relay = varnish
    article = make_article(headline="First headline")
    page = edge + article.get_absolute_url()
    fetch(page)
    assert fetch(page)[1] == "HIT"

    edit(article, standfirst="A new standfirst.")
    run_worker()
    seen = [fetch(page)[2] for _ in range(20) if not time.sleep(0.1)]
    assert "A new standfirst." in seen[-1]  # the new copy, fetched in the background

    edit(article, standfirst="Another standfirst.")
    run_worker()
    relay.cut()
    status, _, body = fetch(page)
    assert status == 200 and "A new standfirst." in body  # the old copy, in grace


def test_only_the_app_may_purge(varnish):
    edge, _ = varnish
    request = urllib.request.Request(edge + "/", method="PURGE")  # noqa: S310 - our Varnish
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - our Varnish
    assert refused.value.code == 400  # from 127.0.0.1 it is allowed, but names no keys
    # From another address the ACL refuses (127.0.0.2 is local, but not a purger).
    connection = socket.create_connection(
        ("127.0.0.1", int(edge.rsplit(":", 1)[1])), source_address=("127.0.0.2", 0)
    )
    connection.sendall(b"PURGE / HTTP/1.1\r\nHost: x\r\nxkey-purge: site\r\n\r\n")
    assert b" 403 " in connection.recv(1024).split(b"\r\n")[0] + b" "
    connection.close()


def test_varnish_names_no_software_version(varnish):
    url, _ = varnish
    make_article()
    for _ in range(2):  # a miss, then a hit
        with urllib.request.urlopen(url + "/", timeout=10) as response:  # noqa: S310
            headers = response.headers
    assert headers["Server"] == "standfirst"
    assert "Via" not in headers and "X-Varnish" not in headers
