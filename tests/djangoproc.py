"""Run a snippet of Django code in a fresh process with its own environment.

For what one process cannot switch in place: production mode, the admin path, a
database or Redis that is down. The snippet prints one JSON value; run() returns it.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 20 + "Zx9!pQ-2vT_8mR#4wL@6nB^3cF&7hJ*1sD+5gK%0",
    "DJANGO_ALLOWED_HOSTS": "news.example.org,testserver",
}
PRELUDE = """\
import json, django
django.setup()
from django.test import Client
"""


def run(code, env=(), timeout=90):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter and snippet
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "cms.settings"} | dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
