"""make bench: Standfirst's pages against the floor and the limit, measured in one run.

Starts gunicorn with production settings on PostgreSQL and Redis (127.0.0.1 only), fills a
database per size with generate_demo, and runs wrk (2 threads, 16 connections, a few seconds
each) against the pages, two baselines (a bare WSGI app answering the article's bytes from
memory: the floor; nginx serving them as a static file: the limit) and the reference nginx
front cache. Prints a table and the targets with pass/fail; writes bench/results/<time>.json.
Everything it starts it stops, also on Ctrl-C or an error.

In the same run, at the largest size:
- Wagtail 8 (bench/wagtail_site/, its own virtualenv bench/.venv-wagtail, made here from the
  local package index) serving the same articles from wagtail_bench_<N>, uncached, with as
  many sync workers as Standfirst;
- the newsroom mix: readers spread over the articles by a Zipf-like law (a wrk Lua script),
  without and then with bench/newsroom_churn.py publishing and moderating through
  articles.actions, while the worker (manage.py db_worker) runs as in production;
- Varnish (deploy/varnish.vcl) in front of Standfirst: hit throughput against nginx serving
  the same bytes, and bench/redaction_edge.py: the time from a redaction's commit until
  Varnish no longer serves the name, then that with the origin stopped Varnish answers an
  error page, never the redacted copy.

SQL queries per request come from separate one-worker probe servers that run with
STANDFIRST_QUERY_COUNT_HEADER=on (an X-Query-Count response header), so the measured servers
carry no counting code.

    python bench/run.py            # growth at 1,000 and 100,000 articles (about 10 minutes)
    python bench/run.py --quick    # 1,000 and 10,000 articles (a few minutes)
    python bench/run.py --sizes 1000 --seconds 3    # one small size, for development
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import popularity

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
HOST = "127.0.0.1"
PORTS = {
    "app": 18001,
    "app_off": 18002,
    "probe": 18003,
    "probe_off": 18004,
    "floor": 18005,
    "floor_django": 18006,
    "static": 18007,
    "front": 18008,
    "wagtail": 18009,
    "varnish": 18010,
    "edge_origin": 18011,
    "app_cold": 18012,
    "probe_cold": 18013,
}
WAGTAIL_SITE = ROOT / "bench" / "wagtail_site"
WAGTAIL_VENV = ROOT / "bench" / ".venv-wagtail"
SEED = 1
COMMENTS_PER_ARTICLE = 10
RANDOM_PAGE_COST = 1.1
TARGETS = {
    "article, app cache hit": ("floor", 0.9),
    "article, 304": ("floor", 1.0),
    "article, app cache off": ("floor", 0.25),
    "article, nginx front cache": ("limit", 0.8),
    "article, Varnish hit": ("limit", 0.8),
}
WAGTAIL_ROW = "Wagtail article, uncached"
# A page-cache miss on a live site still finds the article's kept parts (articles.fragments)
# unless the article itself changed; the cold row is a first render with nothing kept.
COLD_ROW = "article, cold (no page cache, no kept parts)"
WAGTAIL_RATIO = 3.0  # Standfirst's uncached article against Wagtail's
MIX_RPS_RATIO = 0.8  # req/s with the churn against without
MIX_P99_RATIO = 2.0  # p99 with the churn against without
VARNISH_RATIO = 0.8  # a Varnish hit against nginx's static file
REDACTION_MS = 1000  # a redacted name gone from Varnish after the commit
GROWTH_LIMIT = 1.5
MEMORY_LIMIT = 0.10
MEMORY_REQUESTS = 20_000
MEMORY_WARMUP = 2_000
MEMORY_MAX_SECONDS = 600  # a busy machine may not reach MEMORY_REQUESTS; the report says so


def log(message):
    print(message, file=sys.stderr, flush=True)


class Processes:
    """What this run started; stop() ends each one (its process group), and only those."""

    def __init__(self):
        self.running = {}

    def start(self, name, command, env=None, cwd=ROOT, logdir=None):
        logfile = open(Path(logdir) / f"{name}.log", "wb")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
            command,
            cwd=cwd,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = (process, logfile)
        return process

    def stop(self, name):
        process, logfile = self.running.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        logfile.close()

    def stop_all(self):
        for name in list(self.running):
            self.stop(name)


def run(command, timeout, **kwargs):
    return subprocess.run(command, check=True, timeout=timeout, **kwargs)  # noqa: S603


def ensure_tool(binary, package):
    if shutil.which(binary):
        return
    log(f"{binary} is missing: installing the Debian package {package}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run([*sudo, "apt-get", "install", "-y", "-q", package], timeout=600)


def psql(sql, database="postgres"):
    result = subprocess.run(  # noqa: S603
        ["psql", "-X", "-q", "-tA", "-d", f"{PG}/{database}", "-c", sql],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout.strip()


def django_env(database, port, **extra):
    """Production settings as deployed, on loopback over plain HTTP."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STANDFIRST_"))}
    return base | {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SITE_URL": f"http://{HOST}:{port}",
        "DATABASE_URL": f"{PG}/{database}?conn_max_age=600",
        "REDIS_URL": REDIS_URL,
        **extra,
    }


def manage(database, *args, timeout=1800):
    env = django_env(database, PORTS["app"])
    return run([str(BIN / "python"), "manage.py", *args], timeout=timeout, cwd=ROOT, env=env)


def applied_migrations_are_ours(name):
    """False when the database was migrated by another history (renamed or removed files):
    migrating it again would fail, so it is generated anew."""
    code, out = psql("SELECT name FROM django_migrations WHERE app = 'articles'", name)
    ours = {p.stem for p in (ROOT / "articles" / "migrations").glob("0*.py")}
    return code == 0 and set(out.split()) <= ours


def prepare_database(articles):
    """standfirst_bench_<N>: N articles and 10 comments each (100,000 and 1,000,000 in the
    full run), generated once and reused while it still holds them. Returns the database's
    name and the seconds generate_demo took (None when reused)."""
    name = f"standfirst_bench_{articles}"
    comments = articles * COMMENTS_PER_ARTICLE
    code, counts = psql(
        "SELECT (SELECT count(*) FROM articles_article) || ' ' ||"
        " (SELECT count(*) FROM articles_comment)",
        name,
    )
    if code != 0 or counts != f"{articles} {comments}" or not applied_migrations_are_ours(name):
        log(f"Generating {articles:,} articles and {comments:,} comments into {name}")
        psql(f"DROP DATABASE IF EXISTS {name}")
        code, out = psql(f"CREATE DATABASE {name}")
        if code != 0:
            raise SystemExit(f"Cannot create database {name}: {out}")
        manage(name, "migrate", "--noinput", "-v0")
        began = time.monotonic()
        manage(
            name,
            "generate_demo",
            "--articles",
            str(articles),
            "--comments",
            str(comments),
            "--seed",
            str(SEED),
        )
        seconds = round(time.monotonic() - began)
        psql("VACUUM ANALYZE", name)
    else:
        seconds = None
        manage(name, "migrate", "--noinput", "-v0")
    # As docker-compose.yml configures the production database (SSD, hot rows in memory).
    psql(f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")
    return name, seconds


def wagtail_python():
    """bench/.venv-wagtail with bench/wagtail_site/requirements.txt, made here and updated
    when the requirements change (pip uses the package index configured for it)."""
    python = WAGTAIL_VENV / "bin" / "python"
    requirements = (WAGTAIL_SITE / "requirements.txt").read_text()
    stamp = WAGTAIL_VENV / ".installed-requirements.txt"
    if not python.exists():
        log("Creating bench/.venv-wagtail")
        run([sys.executable, "-m", "venv", str(WAGTAIL_VENV)], timeout=300)
    if not stamp.exists() or stamp.read_text() != requirements:
        log("Installing Wagtail into bench/.venv-wagtail")
        run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "-r",
                str(WAGTAIL_SITE / "requirements.txt"),
            ],
            timeout=1200,
        )
        stamp.write_text(requirements)
    return python


def wagtail_env(database):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STANDFIRST_"))}
    return base | {
        "DJANGO_SETTINGS_MODULE": "benchsite.settings",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"{PG}/{database}",
    }


def wagtail_stamp(source):
    """Which Standfirst database (its OID changes when it is generated anew) and which
    Wagtail site a Wagtail database was loaded from and for."""
    _, oid = psql(f"SELECT oid FROM pg_database WHERE datname = '{source}'")  # noqa: S608 - ours
    files = sorted(
        p for p in WAGTAIL_SITE.rglob("*") if p.is_file() and p.suffix in {".py", ".txt"}
    )
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:16]
    return f"from {source} {oid}, site {digest}"


def prepare_wagtail_database(articles, source, logdir):
    """wagtail_bench_<N>: the published articles of standfirst_bench_<N> as Wagtail pages
    (bench/export_articles.py, then the site's load_articles), loaded once and reused while
    neither the source database nor the Wagtail site changed."""
    python = wagtail_python()
    name, stamp = f"wagtail_bench_{articles}", wagtail_stamp(source)
    _, loaded = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"  # noqa: S608 - a name made from an int
    )
    if loaded != stamp:
        log(f"Loading the articles of {source} into {name}")
        psql(f"DROP DATABASE IF EXISTS {name}")
        code, out = psql(f"CREATE DATABASE {name}")
        if code != 0:
            raise SystemExit(f"Cannot create database {name}: {out}")
        env = wagtail_env(name)
        run(
            [str(python), "manage.py", "migrate", "--noinput", "-v0"],
            600,
            cwd=WAGTAIL_SITE,
            env=env,
        )
        export = Path(logdir) / f"articles-{articles}.jsonl"
        exporter = [str(BIN / "python"), "bench/export_articles.py", str(export)]
        run(exporter, 1800, cwd=ROOT, env=django_env(source, PORTS["app"]))
        loader = [str(python), "manage.py", "load_articles", str(export)]
        run(loader, 1800, cwd=WAGTAIL_SITE, env=env)
        export.unlink()
        psql("VACUUM ANALYZE", name)
        psql(f"COMMENT ON DATABASE {name} IS '{stamp}'")
    psql(f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")
    return name


def wagtail_path(database, slug):
    """The URL of the Wagtail page loaded from the Standfirst article with this slug-id."""
    if not re.fullmatch(r"[\w-]+", slug):
        raise SystemExit(f"Not a slug: {slug!r}")
    sql = (
        "SELECT substr(p.url_path, length(h.url_path)) FROM wagtailcore_page p,"  # noqa: S608
        " wagtailcore_site s JOIN wagtailcore_page h ON h.id = s.root_page_id"
        f" WHERE s.is_default_site AND p.slug = '{slug}'"  # a slug, checked above
    )
    code, path = psql(sql, database)
    if code != 0 or not path:
        raise SystemExit(f"No Wagtail page {slug} in {database}")
    return path


def wait_until_up(url, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up within {deadline}s")


def gunicorn(procs, name, app, env, logdir, workers=None, bin_dir=BIN, cwd=ROOT):
    """Sync workers as deployed; as many as --workers (WEB_CONCURRENCY) unless `workers`."""
    command = [str(bin_dir / "gunicorn"), app, "-c", str(ROOT / "bench" / "gunicorn_bench.py")]
    command += ["--bind", f"{HOST}:{PORTS[name]}"]
    if workers:
        command += ["--workers", str(workers)]
    procs.start(name, command, env=env, cwd=cwd, logdir=logdir)
    wait_until_up(f"http://{HOST}:{PORTS[name]}/")


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page_urls(database):
    """The URLs to measure, picked from the generated site: the pages, the memory run's
    rotation, the measured article's Wagtail slug and the readers' articles, most popular
    first."""
    code = (
        "import json; from articles.models import Article, Section;"
        "from bench import popularity;"
        "a = Article.objects.published().exclude(tags=None).order_by('-published_at')[10];"
        "t = a.tags.order_by('id').first();"
        "s = Section.objects.order_by('position', 'id').first();"
        "print(json.dumps({'article': a.get_absolute_url(), 'home': '/',"
        " 'section': s.get_absolute_url(), 'tag': t.get_absolute_url(),"
        " 'search': '/search/?q=care', 'rss': '/feed/'}));"
        "print(json.dumps([x.get_absolute_url() for x in"
        " Article.objects.published().order_by('-published_at')[:150]]));"
        "print(json.dumps(f'{a.slug}-{a.pk}'));"
        "print(json.dumps([x.get_absolute_url() for x in popularity.reader_ranking(Article)]))"
    )
    env = django_env(database, PORTS["app"])
    out = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    return [json.loads(line) for line in out[-4:]]


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, headers=(), script=None):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        # No completed request (all timed out on an overloaded machine) prints 0.00us.
        return round(float(value) * UNITS[unit], 3) or None

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def queries(probe, url, headers=None):
    """X-Query-Count of the second request (the first may fill caches). No header: the
    page cache's WSGI door answered before Django (and so the database) was entered."""
    fetch(f"http://{HOST}:{PORTS[probe]}{url}", headers)
    _, response_headers, _ = fetch(f"http://{HOST}:{PORTS[probe]}{url}", headers)
    return int(response_headers.get("X-Query-Count", 0))


def worker_rss_kib(master_pid):
    total = 0
    for status_file in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status_file.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            total += int(re.search(r"^VmRSS:\s+(\d+) kB", text, re.M).group(1))
    return total


def rotation_script(urls, directory):
    """A wrk Lua script walking through many pages, for the memory run."""
    path = Path(directory) / "rotate.lua"
    quoted = ", ".join(json.dumps(url) for url in urls)
    path.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\nend\n"
    )
    return str(path)


def nginx_config(directory, front_upstream):
    """nginx.conf for the limit (a static file) and the reference front cache, verbatim."""
    front = (ROOT / "deploy" / "nginx-frontcache.conf").read_text()
    front = front.replace("/var/cache/nginx/standfirst", f"{directory}/cache")
    front = front.replace("server 127.0.0.1:8000;", f"server {HOST}:{front_upstream};")
    front = front.replace("listen 127.0.0.1:8080;", f"listen {HOST}:{PORTS['front']};")
    config = f"""
worker_processes 2;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
{"user root root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    server {{
        listen {HOST}:{PORTS["static"]};
        root {directory}/static;
        location / {{ try_files /article.html =404; }}
    }}
    {front}
}}
"""
    path = Path(directory) / "nginx.conf"
    path.write_text(config)
    return str(path)


def growth_run(database, seconds, procs, logdir):
    """Uncached p50 of home, section, tag and article at one size."""
    gunicorn(
        procs,
        "app_off",
        "cms.wsgi",
        django_env(database, PORTS["app_off"], STANDFIRST_PAGE_CACHE="off"),
        logdir,
    )
    try:
        urls, *_ = page_urls(database)
        base = f"http://{HOST}:{PORTS['app_off']}"
        return {
            page: wrk(base + urls[page], seconds) for page in ("home", "section", "tag", "article")
        }
    finally:
        procs.stop("app_off")


def zipf_script(paths, exponent, directory):
    """A wrk Lua script: each request reads an article drawn by the readers' popularity
    law (bench/popularity.py), each thread with its own seed."""
    cdf = popularity.cumulative(len(paths), exponent)
    path = Path(directory) / "zipf.lua"
    path.write_text(
        f"local paths = {{{', '.join(json.dumps(p) for p in paths)}}}\n"
        f"local cdf = {{{', '.join(f'{c:.9g}' for c in cdf)}}}\n"
        "local threads = 0\n"
        'function setup(thread) threads = threads + 1; thread:set("seed", threads) end\n'
        "function init(args) math.randomseed(7919 * seed) end\n"
        "request = function()\n"
        "  local r, lo, hi = math.random(), 1, #cdf\n"
        "  while lo < hi do\n"
        "    local mid = math.floor((lo + hi) / 2)\n"
        "    if cdf[mid] < r then lo = mid + 1 else hi = mid end\n"
        "  end\n"
        "  return wrk.format(nil, paths[lo])\n"
        "end\n"
    )
    return str(path)


def varnish_config(directory):
    """deploy/varnish.vcl, verbatim but for the backends: both web hosts are the edge
    origin, probed with the one host name it allows."""
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    for web in ("8000", "8001"):
        vcl = vcl.replace(f'.port = "{web}";', f'.port = "{PORTS["edge_origin"]}";')
    vcl = vcl.replace('"Host: news.example.org"', f'"Host: {HOST}"')
    path = Path(directory) / "standfirst.vcl"
    path.write_text(vcl)
    return str(path)


def wait_for_line(logfile, key, process, deadline):
    """The first JSON line of a script's log holding `key` (bounded in time)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        for line in Path(logfile).read_text().splitlines():
            if line.startswith("{") and key in json.loads(line):
                return json.loads(line)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"{logfile} printed no {key!r}: {Path(logfile).read_text()[-2000:]}")


def newsroom_mix(base, readers, env, args, procs, logdir):
    """Readers by popularity over the articles, first alone, then while the newsroom churns;
    a warm-up pass first fills the page cache as readers would."""
    script = zipf_script(readers, args.zipf, logdir)
    seconds = args.mix_seconds
    log(f"Newsroom mix over {len(readers):,} articles (Zipf s={args.zipf}): warm-up {seconds}s")
    wrk(base + "/", seconds, script=script)
    log(f"wrk {seconds}s: newsroom mix, no churn")
    quiet = wrk(base + "/", seconds, script=script)
    command = [str(BIN / "python"), "bench/newsroom_churn.py", "--rate", str(args.churn_rate)]
    command += ["--seconds", str(seconds), "--zipf", str(args.zipf)]
    churn = procs.start("churn", command, env=env, logdir=logdir)
    wait_for_line(Path(logdir) / "churn.log", "ready", churn, 300)
    log(f"wrk {seconds}s: newsroom mix, churn {args.churn_rate}/s")
    busy = wrk(base + "/", seconds, script=script)
    churn.wait(timeout=seconds + 600)
    done = wait_for_line(Path(logdir) / "churn.log", "actions", churn, 10)
    procs.stop("churn")
    return {
        "articles": len(readers),
        "zipf": args.zipf,
        "churn_rate": args.churn_rate,
        "seconds": seconds,
        "no_churn": quiet,
        "churn": busy,
        "newsroom": done,
        "rps_ratio": ratio(busy["rps"], quiet["rps"]),
        "p99_ratio": ratio(busy["p99_ms"], quiet["p99_ms"]),
    }


def edge_redaction(varnish, env, procs):
    """bench/redaction_edge.py: the redaction's time to absence, then an origin outage."""

    def phase(*args):
        command = [str(BIN / "python"), "bench/redaction_edge.py", *args, "--varnish", varnish]
        out = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True
        ).stdout
        return json.loads(out.splitlines()[-1])

    log("Redaction at the edge: commit to absence")
    timing = phase("timing")
    log("Redaction at the edge: the origin down after a hard purge")
    prepared = phase("prepare")
    procs.stop("edge_origin")
    outage = phase(
        "check", "--url", prepared["url"], "--name", prepared["name"],
        "--article", str(prepared["article"]),
    )  # fmt: skip
    return {"timing": timing, "outage": outage}


def main_run(database, wagtail_db, args, procs, logdir):
    seconds = args.seconds
    urls, rotation, wagtail_slug, readers = page_urls(database)
    edge = {
        "STANDFIRST_EDGE_PURGE": "varnish",
        "STANDFIRST_VARNISH_URLS": f"http://{HOST}:{PORTS['varnish']}/",
    }
    app_env = django_env(database, PORTS["app"], **edge)
    off_env = django_env(database, PORTS["app_off"], STANDFIRST_PAGE_CACHE="off")
    # The worker as in production: the churn's emails and purges run there, after commit.
    worker = [str(BIN / "python"), "manage.py", "db_worker", "--no-reload"]
    procs.start("worker", worker, env=app_env, logdir=logdir)
    gunicorn(procs, "app", "cms.wsgi", app_env, logdir)
    gunicorn(procs, "app_off", "cms.wsgi", off_env, logdir)
    cold_env = django_env(
        database, PORTS["app_cold"], STANDFIRST_PAGE_CACHE="off", STANDFIRST_FRAGMENT_CACHE="off"
    )
    gunicorn(procs, "app_cold", "cms.wsgi", cold_env, logdir)
    probe_env = {"STANDFIRST_QUERY_COUNT_HEADER": "on"}
    gunicorn(procs, "probe", "cms.wsgi", app_env | probe_env, logdir, workers=1)
    gunicorn(procs, "probe_off", "cms.wsgi", off_env | probe_env, logdir, workers=1)
    gunicorn(procs, "probe_cold", "cms.wsgi", cold_env | probe_env, logdir, workers=1)
    edge_origin_env = django_env(database, PORTS["edge_origin"], **edge)
    gunicorn(procs, "edge_origin", "cms.wsgi", edge_origin_env, logdir)
    wagtail_bin = WAGTAIL_VENV / "bin"
    gunicorn(
        procs, "wagtail", "benchsite.wsgi", wagtail_env(wagtail_db), logdir,
        bin_dir=wagtail_bin, cwd=WAGTAIL_SITE,
    )  # fmt: skip
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    procs.start(
        "varnish",
        [
            # -j none: no privilege drop, so it may read this run's files.
            varnishd, "-F", "-j", "none", "-n", f"{logdir}/varnish",
            "-a", f"{HOST}:{PORTS['varnish']}", "-f", varnish_config(logdir),
            "-s", "malloc,256m", "-p", "first_byte_timeout=5", "-p", "connect_timeout=1",
        ],
        logdir=logdir,
    )  # fmt: skip
    wait_until_up(f"http://{HOST}:{PORTS['varnish']}/")

    status, headers, body = fetch(f"http://{HOST}:{PORTS['app']}{urls['article']}")
    if status != 200:
        raise SystemExit(f"The article page answered {status}")
    etag = headers["ETag"]
    (Path(logdir) / "static").mkdir()
    (Path(logdir) / "static" / "article.html").write_bytes(body)
    (Path(logdir) / "article.html").write_bytes(body)
    floor_env = dict(os.environ, FLOOR_BODY=str(Path(logdir) / "article.html"))
    floor_env["DJANGO_SECRET_KEY"] = SECRET_KEY
    gunicorn(procs, "floor", "bench.floor_app", floor_env, logdir)
    gunicorn(procs, "floor_django", "bench.floor_django", floor_env, logdir)
    procs.start(
        "nginx",
        ["nginx", "-c", nginx_config(logdir, PORTS["app"]), "-p", logdir, "-e", "stderr"],
        logdir=logdir,
    )
    wait_until_up(f"http://{HOST}:{PORTS['static']}/")
    wait_until_up(f"http://{HOST}:{PORTS['front']}/")

    def server(name):
        return f"http://{HOST}:{PORTS[name]}"

    article = urls["article"]
    urls["wagtail_article"] = wagtail_path(wagtail_db, wagtail_slug)
    # (label, server, path, extra request headers, probe server that counts its queries)
    plan = [
        ("floor (bare WSGI, bytes from memory)", "floor", "/", {}, None),
        ("limit (nginx static file)", "static", "/", {}, None),
        ("Django floor (one view, no middleware)", "floor_django", "/", {}, None),
        ("article, app cache hit", "app", article, {}, "probe"),
        ("article, 304", "app", article, {"If-None-Match": etag}, "probe"),
        ("article, app cache off", "app_off", article, {}, "probe_off"),
        (COLD_ROW, "app_cold", article, {}, "probe_cold"),
        (WAGTAIL_ROW, "wagtail", urls["wagtail_article"], {}, None),
        ("article, nginx front cache", "front", article, {}, None),
        ("article, Varnish hit", "varnish", article, {}, None),
    ]
    notes = []
    for page in ("home", "section", "tag", "search", "rss"):
        status, _, _ = fetch(server("app_off") + urls[page])
        if status == 404:
            notes.append(f"{page} ({urls[page]}): skipped, no such URL on this branch yet")
            continue
        plan.append((f"{page}, app cache off", "app_off", urls[page], {}, "probe_off"))
        plan.append((f"{page}, app cache hit", "app", urls[page], {}, "probe"))

    rows = {}
    for label, name, path, headers, probe in plan:
        log(f"wrk {seconds}s: {label}")
        status, first_headers, _ = fetch(server(name) + path, headers)
        if status not in (200, 304):
            raise SystemExit(f"{label}: {server(name) + path} answered {status}")
        row = wrk(server(name) + path, seconds, [f"{k}: {v}" for k, v in headers.items()])
        if probe:
            row["queries"] = queries(probe, path, headers)
        elif name in ("front", "varnish"):
            # Answered from the front cache: Django, and so the database, never see it.
            _, again, _ = fetch(server(name) + path)
            hit = "HIT" in (again.get("X-Cache-Status"), again.get("X-Cache"))
            row["queries"] = 0 if hit else None
        rows[label] = row

    log(f"Memory: {MEMORY_REQUESTS:,} uncached requests over {len(rotation)} pages")
    script = rotation_script(rotation, logdir)
    master = procs.running["app_off"][0].pid
    estimate = max(rows["article, app cache off"]["rps"] / 2, 20)
    warm = wrk(server("app_off") + "/", min(60, int(MEMORY_WARMUP / estimate) + 1), script=script)
    before = worker_rss_kib(master)
    done, deadline = warm["requests"], time.monotonic() + MEMORY_MAX_SECONDS
    while done < MEMORY_REQUESTS and time.monotonic() < deadline:
        rate = max(warm["rps"], 10)
        run_for = min(120, int((MEMORY_REQUESTS - done) / rate) + 1)
        done += wrk(server("app_off") + "/", run_for, script=script)["requests"]
    after = worker_rss_kib(master)
    memory = {
        "requests": done,
        "warmup_requests": warm["requests"],
        "rss_kib_after_warmup": before,
        "rss_kib_after": after,
        "growth": round((after - before) / before, 4),
    }
    mix = newsroom_mix(server("app"), readers, app_env, args, procs, logdir)
    edge_result = edge_redaction(server("varnish"), app_env, procs)
    return urls, rows, notes, memory, mix, edge_result


def ratio(value, base):
    return round(value / base, 3) if base else None


def report(rows, growth, sizes, memory, mix, edge, notes, args):
    floor = rows["floor (bare WSGI, bytes from memory)"]["rps"]
    limit = rows["limit (nginx static file)"]["rps"]
    django_floor = rows["Django floor (one view, no middleware)"]["rps"]
    head = f"{'target':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'q/req':>6}"
    print(f"\n{head} {'×floor':>7} {'×Django':>8} {'×limit':>7}")
    for label, row in rows.items():
        row["x_floor"] = ratio(row["rps"], floor)
        row["x_django_floor"] = ratio(row["rps"], django_floor)
        row["x_limit"] = ratio(row["rps"], limit)
        q = row.get("queries", "")
        print(
            f"{label:<40} {row['rps']:>9.0f} {row['p50_ms']!s:>8} {row['p99_ms']!s:>8} {q!s:>6}"
            f" {row['x_floor']:>7.3f} {row['x_django_floor']:>8.3f} {row['x_limit']:>7.3f}"
        )
        if row["non_2xx_3xx"] or row["socket_errors"]:
            errors = f"{row['non_2xx_3xx']} error responses, socket errors: {row['socket_errors']}"
            print(f"  ! {errors}")
    small, large = sizes[0], sizes[-1]
    growth_ratios = {}
    if small != large:
        print(f"\nGrowth, uncached p50 (ms) at {small:,} and {large:,} articles:")
        for page in growth[small]:
            a, b = growth[small][page]["p50_ms"], growth[large][page]["p50_ms"]
            growth_ratios[page] = ratio(b, a) if a and b else None
            print(f"  {page:<10} {a!s:>8} {b!s:>8}  ×{growth_ratios[page]}")
    print(
        f"\nWorker RSS (all workers): {memory['rss_kib_after_warmup']:,} KiB after "
        f"{memory['warmup_requests']:,} requests, {memory['rss_kib_after']:,} KiB after "
        f"{memory['requests']:,}: {memory['growth']:+.1%}"
    )
    print(
        f"\nNewsroom mix: readers over {mix['articles']:,} articles (Zipf s={mix['zipf']}),"
        f" app cache on, wrk -t2 -c16 -d{mix['seconds']}s after a warm-up as long:"
    )
    print(f"  {'':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, row in (
        ("no churn", mix["no_churn"]),
        (f"churn {mix['churn_rate']}/s", mix["churn"]),
    ):
        print(
            f"  {label:<28} {row['rps']:>9.0f} {row['p50_ms']!s:>8} {row['p99_ms']!s:>8}"
            f" {row['non_2xx_3xx']:>7}"
        )
    newsroom = mix["newsroom"]
    print(
        f"  churn: {newsroom['actions']} in {newsroom['seconds']} s, an action took"
        f" {newsroom['mean_action_ms']} ms on average, {newsroom['max_action_ms']} ms at most"
    )
    for refusal in newsroom["refused"]:
        print(f"  ! refused: {refusal}")
    timing, outage = edge["timing"], edge["outage"]
    print(
        f"\nRedaction at the edge: the name gone from Varnish {timing['absent_ms']} ms after"
        f" the commit ({timing['polls']} polls); origin down after the hard purge: Varnish"
        f" answered {outage['status']}, the name {'SERVED' if outage['name_served'] else 'absent'}"
    )
    for note in notes:
        print(f"Note: {note}")

    verdicts = []
    for label, (base, minimum) in TARGETS.items():
        value = rows[label]["x_floor" if base == "floor" else "x_limit"]
        verdicts.append((f"{label} ≥ {minimum}× the {base}", value >= minimum, f"{value}×"))
    for label in ("article, app cache off", COLD_ROW):
        value = ratio(rows[label]["rps"], rows[WAGTAIL_ROW]["rps"])
        verdicts.append(
            (f"{label} ≥ {WAGTAIL_RATIO}× {WAGTAIL_ROW}", value >= WAGTAIL_RATIO, f"{value}×")
        )
    for page, value in growth_ratios.items():
        if page == "article":
            continue
        verdicts.append(
            (
                f"{page} p50 at {large:,} within {GROWTH_LIMIT}× of {small:,}",
                value is not None and value <= GROWTH_LIMIT,
                f"{value}×",
            )
        )
    verdicts.append(
        (
            f"worker RSS flat within {MEMORY_LIMIT:.0%} after warm-up ({MEMORY_REQUESTS:,} req)",
            memory["growth"] <= MEMORY_LIMIT and memory["requests"] >= MEMORY_REQUESTS,
            f"{memory['growth']:+.1%}",
        )
    )
    rps, p99 = mix["rps_ratio"], mix["p99_ratio"]
    verdicts += [
        (
            f"newsroom mix req/s with churn ≥ {MIX_RPS_RATIO}× without",
            rps >= MIX_RPS_RATIO,
            f"{rps}×",
        ),
        (
            f"newsroom mix p99 with churn ≤ {MIX_P99_RATIO}× without",
            p99 is not None and p99 <= MIX_P99_RATIO,
            f"{p99}×",
        ),
        (
            f"redacted name gone from Varnish ≤ {REDACTION_MS} ms after commit",
            timing["absent_ms"] is not None and timing["absent_ms"] <= REDACTION_MS,
            f"{timing['absent_ms']} ms",
        ),
        (
            "origin down after a legal purge: Varnish answers an error, never the old copy",
            outage["status"] >= 500 and not outage["name_served"],
            f"{outage['status']}",
        ),
    ]
    print("\nTargets:")
    for name, ok, value in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")
    if small != large and large < 100_000:
        print(f"  (growth measured at {small:,} and {large:,}, not 100,000)")
    return verdicts


def parse_sizes(text):
    sizes = sorted({int(n) for n in text.split(",") if n.strip()})
    if not sizes or sizes[0] < 100:
        raise argparse.ArgumentTypeError("give article counts of at least 100, e.g. 1000,10000")
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="--sizes 1000,10000")
    parser.add_argument(
        "--sizes", type=parse_sizes, help="article counts (default 1000,100000); the main table"
        " is at the largest, growth compares the smallest and the largest",
    )  # fmt: skip
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per target")
    parser.add_argument(
        "--workers", type=int, default=2, help="sync workers per server (Standfirst, Wagtail)"
    )
    parser.add_argument("--zipf", type=float, default=1.0, help="the readers' Zipf exponent")
    parser.add_argument("--churn-rate", type=float, default=1.0, help="newsroom actions per s")
    parser.add_argument("--mix-seconds", type=int, default=10, help="wrk duration, newsroom mix")
    parser.add_argument("--max-minutes", type=int, default=45, help="hard limit for the run")
    args = parser.parse_args()
    if args.workers < 1 or args.churn_rate <= 0 or args.zipf < 0:
        parser.error("--workers ≥ 1, --churn-rate > 0 and --zipf ≥ 0, please")
    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 100_000])
    # Every gunicorn of the run (gunicorn.conf.py reads it): Standfirst, Wagtail, the floors.
    os.environ["WEB_CONCURRENCY"] = str(args.workers)

    def out_of_time(signum, frame):
        raise TimeoutError(f"bench/run.py ran over --max-minutes={args.max_minutes}")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    signal.alarm(args.max_minutes * 60)

    ensure_tool("wrk", "wrk")
    ensure_tool("nginx", "nginx-light")
    ensure_tool("varnishd", "varnish")
    if not list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        ensure_tool("varnish-modules-missing", "varnish-modules")
    run(["redis-cli", "-u", REDIS_URL, "ping"], timeout=10, capture_output=True)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    procs = Processes()
    logdir = tempfile.mkdtemp(prefix="standfirst-bench-")
    try:
        manage(f"standfirst_bench_{sizes[0]}", "collectstatic", "--noinput", "-v0")
        growth, generated = {}, {}
        for size in sizes:
            database, generated[size] = prepare_database(size)
            run(["redis-cli", "-u", REDIS_URL, "flushdb"], timeout=10, capture_output=True)
            log(f"Uncached growth pages at {size:,} articles")
            growth[size] = growth_run(database, max(args.seconds, 5), procs, logdir)
        wagtail_db = prepare_wagtail_database(sizes[-1], database, logdir)
        run(["redis-cli", "-u", REDIS_URL, "flushdb"], timeout=10, capture_output=True)
        urls, rows, notes, memory, mix, edge = main_run(database, wagtail_db, args, procs, logdir)
    finally:
        procs.stop_all()
        signal.alarm(0)
    print(f"\nStandfirst benchmark, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, ", end="")
    print(f"load average before {load_before[0]:.2f} (other work on the machine adds noise).")
    print(
        f"Main table at {sizes[-1]:,} articles; {args.workers} sync workers per server;"
        f" wrk -t2 -c16 -d{args.seconds}s per row."
    )
    for size, seconds in generated.items():
        if seconds is not None:
            notes.append(
                f"generate_demo: {size:,} articles and {size * COMMENTS_PER_ARTICLE:,} comments"
                f" in {seconds} s"
            )
    verdicts = report(rows, growth, sizes, memory, mix, edge, notes, args)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "cores": os.cpu_count(),
                "load_average_before": load_before,
                "sizes": sizes,
                "workers": args.workers,
                "seconds_per_row": args.seconds,
                "urls": urls,
                "rows": rows,
                "growth": {str(k): v for k, v in growth.items()},
                "memory": memory,
                "newsroom_mix": mix,
                "redaction_edge": edge,
                "generate_demo_seconds": {str(k): v for k, v in generated.items()},
                "notes": notes,
                "targets": [{"target": n, "pass": ok, "value": v} for n, ok, v in verdicts],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nWritten to {path.relative_to(ROOT)}")
    shutil.rmtree(logdir, ignore_errors=True)


SECRET_KEY = secrets.token_urlsafe(50)

if __name__ == "__main__":
    main()
