"""cms/settings.py evaluated afresh under other environment variables, to test what an
operator's configuration produces without restarting the test process."""

import importlib.util
from pathlib import Path

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "cms" / "settings.py"


def settings_with(environ, monkeypatch):
    """A fresh module of the settings, read with these variables set (monkeypatch undoes them)."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
