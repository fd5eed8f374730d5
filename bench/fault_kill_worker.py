#!/usr/bin/env python3
"""Fault drill: gunicorn keeps serving when a worker is killed and when it reloads.

Starts gunicorn (WORKERS sync workers, 127.0.0.1, its own SQLite database in a temporary
folder, the demo article imported), runs a bounded load from a thread pool, then:
  1. SIGKILLs one worker mid-load: the master must replace it, and every request must
     succeed. A request the killed worker was holding dies with the worker; the client
     retries it once, as a proxy retries an idempotent GET on another upstream
     (nginx proxy_next_upstream). Those retries are counted and printed.
  2. SIGHUPs the master mid-load (graceful reload): every worker is replaced, and no
     request may fail or need a retry.
Stops everything it started and exits non-zero on any failure.

    .venv/bin/python bench/fault_kill_worker.py [--workers 4] [--threads 8]
"""

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO = ROOT / "articles" / "demo_content" / "community-care-hamzah-khan.txt"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_of(master):
    """PIDs whose parent is the gunicorn master."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.add(int(entry.name))
    return pids


def wait_for(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class Load:
    """Threads requesting pages until stopped; results are tagged with the current phase."""

    def __init__(self, port, paths, threads):
        self.port, self.paths, self.threads = port, paths, threads
        self.phase = "warm-up"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.stats = {}

    def record(self, phase, key):
        with self.lock:
            counts = self.stats.setdefault(phase, {"ok": 0, "retried": 0, "failed": 0})
            counts[key] += 1

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request("GET", path, headers={"Connection": "close"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def worker(self, n):
        i = n
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            phase = self.phase
            try:
                status = self.get(path)
                self.record(phase, "ok" if status == 200 else "failed")
                continue
            except (ConnectionError, http.client.HTTPException, OSError):
                pass
            try:  # the worker holding this request died: retry once, as a proxy would
                status = self.get(path)
                self.record(phase, "retried" if status == 200 else "failed")
            except (ConnectionError, http.client.HTTPException, OSError):
                self.record(phase, "failed")

    def __enter__(self):
        self.pool = ThreadPoolExecutor(self.threads)
        for n in range(self.threads):
            self.pool.submit(self.worker, n)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.pool.shutdown(wait=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--phase-seconds", type=float, default=4.0)
    args = parser.parse_args()

    failures = []
    with tempfile.TemporaryDirectory(prefix="standfirst-fault-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/fault.sqlite3", "DJANGO_DEBUG": "0"}
        manage = [str(BIN / "python"), "manage.py"]
        # Our own interpreter and scripts, no shell, no outside input: S603 does not apply.
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        out = subprocess.run(  # noqa: S603
            [*manage, "import_article", str(DEMO), "--publish"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        article_url = out.split("url: ")[1].split()[0]
        port = free_port()
        log = open(Path(tmp) / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
        gunicorn = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "cms.wsgi", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--graceful-timeout", "10", "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            master = gunicorn.pid
            probe = Load(port, ["/healthz"], 1)

            def healthy():
                try:
                    return probe.get("/healthz") == 200
                except OSError:
                    return False

            if not wait_for(healthy, 30) or not wait_for(
                lambda: len(workers_of(master)) == args.workers, 30
            ):
                raise SystemExit("gunicorn did not start; see its log")
            print(f"gunicorn master {master} on 127.0.0.1:{port}, {args.workers} workers")

            with Load(port, ["/", article_url, "/healthz"], args.threads) as load:
                time.sleep(args.phase_seconds / 2)

                load.phase = "kill"
                before = workers_of(master)
                victim = min(before)
                os.kill(victim, signal.SIGKILL)
                print(f"SIGKILL worker {victim}")
                replaced = wait_for(
                    lambda: (
                        victim not in workers_of(master) and len(workers_of(master)) == args.workers
                    ),
                    15,
                )
                new = workers_of(master) - before
                print(f"  master replaced it: {replaced} (new worker {sorted(new)})")
                if not replaced:
                    failures.append("the killed worker was not replaced")
                time.sleep(args.phase_seconds)

                load.phase = "reload"
                before = workers_of(master)
                os.kill(master, signal.SIGHUP)
                print(f"SIGHUP master {master} (graceful reload)")
                reloaded = wait_for(
                    lambda: (
                        not (workers_of(master) & before)
                        and len(workers_of(master)) == args.workers
                    ),
                    30,
                )
                print(f"  every worker replaced: {reloaded}")
                if not reloaded:
                    failures.append("the reload did not replace every worker")
                time.sleep(args.phase_seconds)
                load.phase = "after"
                time.sleep(args.phase_seconds / 2)

            print(f"{'phase':<8} {'ok':>7} {'retried':>8} {'failed':>7}")
            for phase, counts in load.stats.items():
                print(f"{phase:<8} {counts['ok']:>7} {counts['retried']:>8} {counts['failed']:>7}")
            total_failed = sum(c["failed"] for c in load.stats.values())
            if total_failed:
                failures.append(f"{total_failed} requests failed")
            if load.stats.get("reload", {}).get("retried"):
                failures.append("requests needed a retry during the graceful reload")
            if not all(load.stats.get(p, {}).get("ok") for p in ["kill", "reload", "after"]):
                failures.append("a phase served no requests")
            if gunicorn.poll() is not None:
                failures.append("the gunicorn master exited")
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
            log.close()
            if failures:
                print((Path(tmp) / "gunicorn.log").read_text()[-3000:])
    print("FAIL: " + "; ".join(failures) if failures else "PASS: no request failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
