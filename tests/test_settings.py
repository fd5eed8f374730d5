"""Production mode is fail-closed, and `check --deploy` is clean in it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.settings import BASE_DIR, database_from_url

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "Zx9!pQ-2vT_8mR#4wL@6nB^3cF&7hJ*1sD+5gK%0"


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "news.example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "x.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_real_settings(env, message):
    result = manage("check", env={"DJANGO_ENV": "production", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_in_production():
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # Nothing else: no warnings, and no axes start-up banner on every command. The one
    # silenced check is "HSTS preload is off", which is off until the operator opts in.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert result.stderr == ""


def test_local_editor_is_refused_in_production():
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = manage("ensure_local_editor", env=env)
    assert result.returncode != 0
    assert "Refused: production mode" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///db.sqlite3", {"NAME": str(BASE_DIR / "db.sqlite3"), "CONN_MAX_AGE": 0}),
        ("sqlite:////var/lib/x.db", {"NAME": "/var/lib/x.db"}),
        ("sqlite://", {"NAME": ":memory:"}),
        (
            "postgres://ann:p%40ss@db.example:5433/news",
            {"USER": "ann", "PASSWORD": "p@ss", "HOST": "db.example", "NAME": "news",
             "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
             "OPTIONS": {"connect_timeout": 3}},
        ),
        (
            "postgresql://h/x?conn_max_age=600&sslmode=require",
            {"CONN_MAX_AGE": 600, "OPTIONS": {"connect_timeout": 3, "sslmode": "require"}},
        ),
        ("pgsql://h", {"NAME": "standfirst"}),
    ],
)  # fmt: skip
def test_database_url_keeps_its_meaning(url, expected):
    """DATABASE_URL as the README documents it (dj-database-url with our defaults)."""
    config = database_from_url(url)
    assert {key: config.get(key) for key in expected} == expected
    assert "conn_max_age" not in config.get("OPTIONS", {})


def test_database_url_of_another_engine_is_refused():
    for url in ["mysql://h/x", "ftp://h/x"]:
        with pytest.raises(ImproperlyConfigured):
            database_from_url(url)
