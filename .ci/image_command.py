#!/usr/bin/env python3
"""Run the Docker image's command line against the checkout, where Docker cannot run.

Reads the Dockerfile: its ENV, the collectstatic of its build, its CMD and its HEALTHCHECK.
Starts the CMD (gunicorn) with that environment plus what docker-compose.yml would pass (a
secret key, allowed hosts, a database: SQLite in a temporary folder, migrated as the release
step does), runs the HEALTHCHECK's own command against it, asks for the home page as the
proxy in front would (HTTPS, the public host), then stops it with SIGTERM as `docker stop`
does. Exits non-zero if any of that fails.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "news.example.org"


def instructions():
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    steps = instructions()
    env_pairs = " ".join(args for name, args in steps if name == "ENV")
    image_env = dict(re.findall(r"(\w+)=(\S+)", env_pairs))
    cmd = json.loads(next(args for name, args in steps if name == "CMD"))
    healthcheck = next(args for name, args in steps if name == "HEALTHCHECK")
    probe = json.loads(healthcheck.split(" CMD ", 1)[1])
    port = free_port()
    collected = ROOT / "staticfiles"  # STATIC_ROOT; removed again unless it was there
    keep = collected.exists()
    try:
        run_image(cmd, probe, image_env, port)
    finally:
        if not keep:
            shutil.rmtree(collected, ignore_errors=True)
    return 0


def run_image(cmd, probe, image_env, port):
    with tempfile.TemporaryDirectory(prefix="standfirst-image-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
        env |= image_env | {
            "MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "SITE_URL": f"https://{HOST}",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
        }
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"  # gunicorn and python of the venv

        def run(*command):
            subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own

        run(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0")  # the build's
        run(sys.executable, "manage.py", "migrate", "--noinput", "-v0")  # the release step
        print("CMD:", " ".join(cmd))
        server = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 - the image's CMD
        try:
            probe = [arg.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for arg in probe]
            deadline = time.monotonic() + 60
            while subprocess.run(probe, cwd=ROOT, env=env, capture_output=True).returncode:  # noqa: S603
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the image's HEALTHCHECK never passed")
                time.sleep(0.5)
            print("HEALTHCHECK passed")
            request = urllib.request.Request(  # noqa: S310 - our own server
                f"http://127.0.0.1:{port}/", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                if response.status != 200:  # a redirect was followed: not the page itself
                    raise SystemExit(f"the home page answered {response.status}")
            print("home page: 200 (production settings, collected static files)")
        finally:
            server.send_signal(signal.SIGTERM)  # docker stop
            status = server.wait(40)
        if status != 0:
            raise SystemExit(f"gunicorn exited with {status} on SIGTERM")
        print("stopped on SIGTERM: exit 0")


if __name__ == "__main__":
    sys.exit(main())
