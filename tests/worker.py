"""Run the background worker in the test's process, as `manage.py db_worker` does."""

import io
from contextlib import nullcontext
from unittest import mock

from django.core.management import call_command
from django.db import connection


def run_worker():
    """Run every task that is due, then return (the worker's --batch mode).

    A real worker has a connection of its own. Here it shares the test's, and in a test
    that runs inside a transaction the worker's check for stale connections would close
    it (Django closes a connection whose autocommit differs from the settings, and
    PostgreSQL then refuses every later query). Only that check is skipped, and only
    inside a test transaction; tests with `transaction=True` run the worker unchanged.
    """
    keep = (
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections")
        if connection.in_atomic_block
        else nullcontext()
    )
    with keep:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
