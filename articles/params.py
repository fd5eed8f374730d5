"""Public query parameters, parsed strictly in one place.

A number is 1 to 9 ASCII digits, nothing else: `str.isdigit()` also accepts "²" or "٣",
which `int()` then refuses or reads as a number nobody typed, and a long run of digits
overflows a database integer. Anything else is "not a number", never a 500.
"""

import re

_NUMBER = re.compile(r"[0-9]{1,9}")


def query_int(request, name, default=None):
    """The ?name= value as an int; `default` when it is absent, None when it is not a number."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    return int(raw) if _NUMBER.fullmatch(raw) else None
