"""Run the background worker in the test's process, as `manage.py db_worker` does."""

import io

from django.core.management import call_command


def run_worker():
    """Run every task that is due, then return (the worker's --batch mode)."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
