"""make bench: Standfirst's pages against the floor and the limit, measured in one run.

Starts gunicorn with production settings on PostgreSQL and Redis (127.0.0.1 only), fills a
database per size with generate_demo, and runs wrk (2 threads, 16 connections, a few seconds
each) against the pages, two baselines (a bare WSGI app answering the article's bytes from
memory: the floor; nginx serving them as a static file: the limit) and the reference nginx
front cache. Prints a table and the targets with pass/fail; writes bench/results/<time>.json.
Everything it starts it stops, also on Ctrl-C or an error.

SQL queries per request come from separate one-worker probe servers that run with
STANDFIRST_QUERY_COUNT_HEADER=on (an X-Query-Count response header), so the measured servers
carry no counting code.

    python bench/run.py            # growth at 1,000 and 100,000 articles (about 10 minutes)
    python bench/run.py --quick    # 1,000 and 10,000 articles (a few minutes)
"""

import argparse
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
}
SEED = 1
COMMENTS_PER_ARTICLE = 10
RANDOM_PAGE_COST = 1.1
TARGETS = {
    "article, app cache hit": ("floor", 0.9),
    "article, 304": ("floor", 1.0),
    "article, app cache off": ("floor", 0.25),
    "article, nginx front cache": ("limit", 0.8),
}
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


def gunicorn(procs, name, app, env, logdir, workers=None):
    command = [str(BIN / "gunicorn"), app, "-c", "bench/gunicorn_bench.py"]
    command += ["--bind", f"{HOST}:{PORTS[name]}"]
    if workers:
        command += ["--workers", str(workers)]
    procs.start(name, command, env=env, logdir=logdir)
    wait_until_up(f"http://{HOST}:{PORTS[name]}/")


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page_urls(database):
    """The URLs to measure, picked from the generated site."""
    code = (
        "import json; from articles.models import Article, Section;"
        "a = Article.objects.published().exclude(tags=None).order_by('-published_at')[10];"
        "t = a.tags.order_by('id').first();"
        "s = Section.objects.order_by('position', 'id').first();"
        "print(json.dumps({'article': a.get_absolute_url(), 'home': '/',"
        " 'section': s.get_absolute_url(), 'tag': t.get_absolute_url(),"
        " 'search': '/search/?q=care', 'rss': '/feed/'}));"
        "print(json.dumps([x.get_absolute_url() for x in"
        " Article.objects.published().order_by('-published_at')[:150]]))"
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
    return json.loads(out[-2]), json.loads(out[-1])


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
        urls, _ = page_urls(database)
        base = f"http://{HOST}:{PORTS['app_off']}"
        return {
            page: wrk(base + urls[page], seconds) for page in ("home", "section", "tag", "article")
        }
    finally:
        procs.stop("app_off")


def main_run(database, seconds, procs, logdir):
    urls, rotation = page_urls(database)
    app_env = django_env(database, PORTS["app"])
    off_env = django_env(database, PORTS["app_off"], STANDFIRST_PAGE_CACHE="off")
    gunicorn(procs, "app", "cms.wsgi", app_env, logdir)
    gunicorn(procs, "app_off", "cms.wsgi", off_env, logdir)
    probe_env = {"STANDFIRST_QUERY_COUNT_HEADER": "on"}
    gunicorn(procs, "probe", "cms.wsgi", app_env | probe_env, logdir, workers=1)
    gunicorn(procs, "probe_off", "cms.wsgi", off_env | probe_env, logdir, workers=1)

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
    # (label, server, path, extra request headers, probe server that counts its queries)
    plan = [
        ("floor (bare WSGI, bytes from memory)", "floor", "/", {}, None),
        ("limit (nginx static file)", "static", "/", {}, None),
        ("Django floor (one view, no middleware)", "floor_django", "/", {}, None),
        ("article, app cache hit", "app", article, {}, "probe"),
        ("article, 304", "app", article, {"If-None-Match": etag}, "probe"),
        ("article, app cache off", "app_off", article, {}, "probe_off"),
        ("article, nginx front cache", "front", article, {}, None),
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
        _, first_headers, _ = fetch(server(name) + path, headers)
        row = wrk(server(name) + path, seconds, [f"{k}: {v}" for k, v in headers.items()])
        if probe:
            row["queries"] = queries(probe, path, headers)
        elif name == "front":
            # Answered by nginx from its cache: Django, and so the database, never see it.
            _, again, _ = fetch(server(name) + path)
            row["queries"] = 0 if again.get("X-Cache-Status") == "HIT" else None
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
    return urls, rows, notes, memory


def ratio(value, base):
    return round(value / base, 3) if base else None


def report(rows, growth, sizes, memory, notes, args):
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
    small, large = sizes
    print(f"\nGrowth, uncached p50 (ms) at {small:,} and {large:,} articles:")
    growth_ratios = {}
    for page in growth[small]:
        a, b = growth[small][page]["p50_ms"], growth[large][page]["p50_ms"]
        growth_ratios[page] = ratio(b, a) if a and b else None
        print(f"  {page:<10} {a!s:>8} {b!s:>8}  ×{growth_ratios[page]}")
    print(
        f"\nWorker RSS (all workers): {memory['rss_kib_after_warmup']:,} KiB after "
        f"{memory['warmup_requests']:,} requests, {memory['rss_kib_after']:,} KiB after "
        f"{memory['requests']:,}: {memory['growth']:+.1%}"
    )
    for note in notes:
        print(f"Note: {note}")

    verdicts = []
    for label, (base, minimum) in TARGETS.items():
        value = rows[label]["x_floor" if base == "floor" else "x_limit"]
        verdicts.append((f"{label} ≥ {minimum}× the {base}", value >= minimum, f"{value}×"))
    for page in ("home", "section", "tag"):
        value = growth_ratios[page]
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
    print("\nTargets:")
    for name, ok, value in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")
    if args.quick:
        print(f"  (quick mode: growth measured at {small:,} and {large:,}, not 100,000)")
    return verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 articles")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per target")
    parser.add_argument("--max-minutes", type=int, default=45, help="hard limit for the run")
    args = parser.parse_args()
    sizes = (1_000, 10_000) if args.quick else (1_000, 100_000)

    def out_of_time(signum, frame):
        raise TimeoutError(f"bench/run.py ran over --max-minutes={args.max_minutes}")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    signal.alarm(args.max_minutes * 60)

    ensure_tool("wrk", "wrk")
    ensure_tool("nginx", "nginx-light")
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
        run(["redis-cli", "-u", REDIS_URL, "flushdb"], timeout=10, capture_output=True)
        urls, rows, notes, memory = main_run(database, args.seconds, procs, logdir)
    finally:
        procs.stop_all()
        signal.alarm(0)
    print(f"\nStandfirst benchmark, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, ", end="")
    print(f"load average before {load_before[0]:.2f} (other work on the machine adds noise).")
    print(f"Main table at {sizes[1]:,} articles; wrk -t2 -c16 -d{args.seconds}s per row.")
    for size, seconds in generated.items():
        if seconds is not None:
            notes.append(
                f"generate_demo: {size:,} articles and {size * COMMENTS_PER_ARTICLE:,} comments"
                f" in {seconds} s"
            )
    verdicts = report(rows, growth, sizes, memory, notes, args)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "cores": os.cpu_count(),
                "load_average_before": load_before,
                "quick": args.quick,
                "sizes": sizes,
                "seconds_per_row": args.seconds,
                "urls": urls,
                "rows": rows,
                "growth": {str(k): v for k, v in growth.items()},
                "memory": memory,
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
