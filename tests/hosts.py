"""Standfirst on many web hosts, on one machine: the production topology of the README.

Two web hosts (two gunicorn masters started as the Docker image starts them, each with its
own empty directory as MEDIA_ROOT and no disk shared with the other), two workers
(`manage.py db_worker`), a PostgreSQL primary and its streaming replica (tests/pgpair.py),
a Redis of their own, moto's S3 server holding the media bucket, and Varnish running
deploy/varnish.vcl with both hosts as its backends. Every server listens on 127.0.0.1, on
ports from PORTS; stop() ends what start() began, whatever happened in between.

tests/test_scale_hosts.py asserts on it; bench/many_hosts.py runs the same drills and
prints their figures.
"""

import contextlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import requests
from PIL import Image

from tests import djangoproc
from tests.admin_forms import form_data
from tests.pgpair import PG_BIN, Pair, Server

ROOT = djangoproc.ROOT
BIN = Path(sys.executable).parent
VCL = ROOT / "deploy" / "varnish.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PORTS = range(18300, 18400)  # this topology's own port range on the machine
DB = "standfirst_hosts"
BUCKET = "standfirst-media"
PUBLIC_HOST = "news.example.org"  # the Host the VCL's probe sends
PUBLIC_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
)


def missing():
    """What this machine lacks to run the topology (empty: nothing)."""
    needed = [VARNISHD, REDIS_SERVER, str(PG_BIN / "pg_basebackup"), str(BIN / "moto_server")]
    return [path for path in needed if not Path(path).exists()]


_taken = set()


def port():
    """A free port from PORTS, never handed out twice."""
    for candidate in PORTS:
        if candidate in _taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
        _taken.add(candidate)
        return candidate
    raise RuntimeError(f"no free port in {PORTS}")


def wait_for(predicate, timeout, what, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, requests.RequestException):
            if predicate():
                return
        time.sleep(step)
    raise RuntimeError(f"{what}: not within {timeout} s")


def listening(number):
    with socket.create_connection(("127.0.0.1", number), timeout=0.5):
        return True


def children_of(parent):
    """PIDs whose parent is `parent` (a gunicorn master's workers)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    pids.add(int(entry.name))
    return pids


def jpeg(width=1600, height=900, colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


class Host:
    """One web host: a gunicorn master (the image's command line) and its own directory."""

    def __init__(self, name, topology):
        self.name, self.topology = name, topology
        self.port = port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.disk = topology.root / name  # MEDIA_ROOT: must stay empty
        self.disk.mkdir()
        self.log = topology.root / f"{name}.log"
        self.process, self.workers = None, set()

    def start(self):
        env = self.topology.env | {
            "MEDIA_ROOT": str(self.disk),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
        }
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the Dockerfile's CMD, our own app
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "cms.wsgi"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_until_ready(self):
        def ready():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            return requests.get(self.url + "/healthz", timeout=30).status_code == 200

        wait_for(ready, 90, f"host {self.name}")  # the first request imports the site
        wait_for(lambda: len(children_of(self.process.pid)) == 2, 30, f"{self.name}'s workers")
        self.workers = children_of(self.process.pid)

    def kill(self):
        """SIGKILL the master, as a host dies: its workers finish what they hold and go."""
        self.workers = children_of(self.process.pid)
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.workers:  # a killed master's workers, if still there
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def served(self, marker):
        """Requests in this host's access log whose line contains `marker`."""
        return sum(marker in line for line in self.log.read_text().splitlines())


class Topology:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="standfirst-hosts-"))
        self.pair = Pair()
        # The pair's servers on ports of our range (Pair picks any free port).
        self.pair.primary = Server(self.pair.root / "primary", port())
        self.pair.replica = Server(self.pair.root / "replica", port())
        self.redis_port, self.s3_port, self.varnish_port = port(), port(), port()
        self.edge = f"http://127.0.0.1:{self.varnish_port}"
        self.s3 = f"http://127.0.0.1:{self.s3_port}"
        self.processes = []
        self.hosts = [Host("a", self), Host("b", self)]
        self.worker_logs = []
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "REDIS_", "STANDFIRST_", "AWS_", "DATABASE_"))
        }
        self.env = base | {
            "DJANGO_SETTINGS_MODULE": "cms.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1,localhost",
            "SITE_URL": self.edge,
            "DATABASE_URL": f"{self.pair.primary.url_base}/{DB}",
            "DATABASE_REPLICA_URL": f"{self.pair.replica.url_base}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "STANDFIRST_PAGE_CACHE_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "STANDFIRST_MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.s3,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105 - moto accepts any key
            "STANDFIRST_EDGE_PURGE": "varnish",
            "STANDFIRST_VARNISH_URLS": self.edge + "/",
        }

    # --- start and stop ---------------------------------------------------

    def _spawn(self, name, command, env=None):
        log = open(self.root / f"{name}.log", "a")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - Debian's or our own binaries
            command, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append((process, log))
        return process

    def start(self):
        self.pair.start()
        self.pair.primary.sql(f"CREATE DATABASE {DB}")
        self.start_redis()
        self.moto = self._spawn(
            "moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)]
        )
        wait_for(lambda: listening(self.s3_port), 30, "moto_server")
        s3 = boto3.client(
            "s3", endpoint_url=self.s3, region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )  # fmt: skip
        s3.create_bucket(Bucket=BUCKET)
        # Media is public: anyone may read an object, only the keys may write (README).
        s3.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ)
        self.seed = djangoproc.run(
            """
            from django.core.management import call_command
            call_command("migrate", verbosity=0)
            from tests.factories import log_in, make_article, make_staff
            article = make_article(headline="Headline Aardvark", slug="river-report")
            # The password, then the real code of the editor's app (a host the hosts allow).
            client = log_in(Client(HTTP_HOST="127.0.0.1"), make_staff("editor"))
            print(json.dumps({"id": article.pk, "path": article.get_absolute_url(),
                              "session": client.cookies["sessionid"].value}))
            """,
            env=self.env,
            timeout=300,
        )
        for host in self.hosts:
            host.start()
        for n in (1, 2):
            self._spawn(
                f"worker-{n}",
                [str(BIN / "python"), "manage.py", "db_worker", "--no-reload",
                 "--worker-id", f"worker-{n}"],
            )  # fmt: skip
        for host in self.hosts:
            host.wait_until_ready()
        self._start_varnish()  # once the hosts are ready: its probes start them healthy
        self.editor = requests.Session()
        self.editor.cookies.set("sessionid", self.seed["session"])

    def start_redis(self):
        """A Redis of our own, empty (as a restarted cache Redis is: nothing persisted)."""
        self.redis = self._spawn(
            "redis",
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.redis_port),
             "--save", "", "--appendonly", "no"],
        )  # fmt: skip
        wait_for(lambda: listening(self.redis_port), 20, "redis-server")

    def _start_varnish(self):
        vcl = VCL.read_text()
        for web, host in zip(("8000", "8001"), self.hosts, strict=True):
            vcl = vcl.replace(f'.port = "{web}";', f'.port = "{host.port}";')
        (self.root / "standfirst.vcl").write_text(vcl)
        self._spawn(
            "varnish",
            # -j none: no privilege drop, so it may read our files.
            [VARNISHD, "-F", "-j", "none", "-n", str(self.root / "varnish"),
             "-a", f"127.0.0.1:{self.varnish_port}", "-f", str(self.root / "standfirst.vcl"),
             "-s", "malloc,64m"],
        )  # fmt: skip
        wait_for(lambda: listening(self.varnish_port), 30, "varnishd")
        wait_for(lambda: self.healthy_backends() == 2, 30, "Varnish's probes")

    def healthy_backends(self):
        """How many web hosts Varnish's probes count as healthy."""
        listing = subprocess.run(  # noqa: S603 - Debian's varnishadm, our own instance
            [shutil.which("varnishadm") or "/usr/bin/varnishadm", "-n",
             str(self.root / "varnish"), "backend.list"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
        return len(re.findall(r"^\S+\.web\d\s.*\bhealthy\b", listing, re.M))

    def stop(self):
        for host in self.hosts:
            host.stop()
        for process, log in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
        self.pair.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- what an editor and a reader do -----------------------------------

    def change_url(self, host):
        return f"{host.url}/admin/articles/article/{self.seed['id']}/change/"

    def editor_posts(self, host, files=None, **changes):
        """The editor submits the article's admin form on `host`, as a browser does."""
        form = self.editor.get(self.change_url(host), timeout=30)
        assert form.status_code == 200, form.status_code
        data = form_data(form, **changes)
        return self.editor.post(
            self.change_url(host), data, files=files, timeout=60, allow_redirects=False
        )

    def editor_saves(self, host, files=None, **changes):
        response = self.editor_posts(host, files, **changes)
        assert response.status_code == 302, response.text[:3000]

    def page(self, base, path=None):
        response = requests.get(base + (path or self.seed["path"]), timeout=30)
        assert response.status_code == 200, (base, response.status_code)
        return response.text

    def headline(self, base):
        return re.search(r"<h1[^>]*>(.*?)</h1>", self.page(base), re.S)[1].strip()

    def django(self, code, timeout=120):
        """A snippet of Django code run against the topology's database (djangoproc)."""
        return djangoproc.run(code, env=self.env, timeout=timeout)

    # --- the drills -------------------------------------------------------

    def upload_round_trip(self, through, read_from, colour="teal"):
        """Upload a hero image on one host; time until the other host's page shows it and
        its URL serves the bytes. Returns (milliseconds, image URL, bytes)."""
        content = jpeg(colour=colour)
        started = time.monotonic()
        self.editor_saves(
            through,
            files={"hero_image": (f"{colour}.jpg", content, "image/jpeg")},
            hero_alt="Sandbags on the quay",
        )
        src = re.search(r'<img src="([^"]+)"', self.page(read_from.url))[1]
        image = requests.get(src, timeout=30)
        elapsed = (time.monotonic() - started) * 1000
        assert image.status_code == 200, (src, image.status_code)
        return elapsed, src, image.content

    def kill_under_load(self, victim, threads=4, requests_total=800, kill_after=200):
        """Readers' GETs through Varnish (each a miss: a query string of its own, so each
        reaches a host) while `victim`'s master is SIGKILLed. Returns the counts."""
        paths = ["/", self.seed["path"], "/feed/", "/sitemap.xml"]
        counts = {"served": 0, "failed": 0, "failures": []}
        lock, issued, killed = threading.Lock(), iter(range(requests_total)), threading.Event()

        def reader():
            connection = http.client.HTTPConnection("127.0.0.1", self.varnish_port, timeout=30)
            while True:
                with lock:
                    n = next(issued, None)
                if n is None:
                    return
                if n == kill_after and not killed.is_set():
                    killed.set()
                    victim.kill()
                path = f"{paths[n % len(paths)]}?drill={n}"
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    ok, why = response.status == 200, response.status
                except (OSError, http.client.HTTPException) as error:
                    ok, why = False, repr(error)
                    connection.close()
                with lock:
                    counts["served" if ok else "failed"] += 1
                    if not ok:
                        counts["failures"].append((path, why))

        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            for _ in range(threads):
                pool.submit(reader)
        counts["seconds"] = time.monotonic() - started
        counts["by_host"] = {host.name: host.served("drill=") for host in self.hosts}
        return counts
