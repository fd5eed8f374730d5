"""The operator's documentation keeps up with the code: every environment variable that
cms/settings.py or gunicorn.conf.py reads has exactly one row in the README's configuration
tables and an entry in .env.example, and every runtime requirement has a row saying why."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def variables_read():
    names = set()
    settings = (ROOT / "cms" / "settings.py").read_text(encoding="utf-8")
    names |= set(re.findall(r'\benv(?:_bool|_list)?\(\s*"([A-Z][A-Z0-9_]+)"', settings))
    gunicorn = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    names |= set(re.findall(r'environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', gunicorn))
    return names


def table_first_cells(text, header):
    """Backticked names in the first cell of every row of tables whose header starts so."""
    cells, in_table = [], False
    for line in text.splitlines():
        if line.startswith(header):
            in_table = True
        elif in_table and line.startswith("|"):
            first = line.split("|")[1]
            cells += re.findall(r"`([^`]+)`", first) or [first.strip()]
        else:
            in_table = False
    return [cell for cell in cells if not set(cell) <= {"-"}]


def test_every_variable_read_has_one_row_in_the_configuration_tables():
    read = variables_read()
    assert len(read) > 30  # the pattern really finds them
    rows = table_first_cells(README, "| Variable |")
    assert sorted(name for name in rows if name in read) == sorted(read)
    assert [name for name in rows if name not in read] == []


def test_every_variable_read_is_in_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert sorted(n for n in variables_read() if not re.search(rf"\b{n}=", example)) == []


def test_every_runtime_requirement_has_a_row_saying_why():
    required = [
        re.split(r"[=<>\[]", line)[0].lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line and not line.startswith(("#", "-"))
    ]
    rows = [re.split(r"\[", cell)[0].lower() for cell in table_first_cells(README, "| Package |")]
    assert sorted(rows) == sorted(required)
