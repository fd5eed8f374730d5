"""The floor: a bare WSGI app answering the article page's bytes from memory.

gunicorn runs it with the same settings as Standfirst; nothing can serve a page through
gunicorn faster, so the page cache is measured against it. FLOOR_BODY names the file.
"""

import os
from pathlib import Path

BODY = Path(os.environ["FLOOR_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
