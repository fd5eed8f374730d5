"""A real HTTP server on 127.0.0.1 for the intake tests (http.server in a thread).

Each route maps a path to a canned response: the corpus pages in ../shared/intake/ served
in place with their real bytes, redirects, slow or oversized answers, wrong content types.
A route with an ETag answers 304 to a request naming it in If-None-Match, as a feed
server does; `requests` keeps every request's headers.
"""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "intake"
if not CORPUS.exists():  # a worktree beside /work/main
    CORPUS = Path("/work/shared/intake")
FIXTURES = Path(__file__).resolve().parent / "intake_fixtures"
HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = HTML
    headers: dict = field(default_factory=dict)
    delay: float = 0
    send_length: bool = True


class IntakeServer:
    def __init__(self):
        self.routes = {}
        self.hits = []
        self.requests = []  # (path, request headers)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits.append((self.path, self.headers.get("Host")))
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path) or Route(b"Not found", 404, "text/plain")
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    route = Route(status=304, content_type="", headers={"ETag": etag})
                time.sleep(route.delay)
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                # The client may stop reading (the size cap at work).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path, body=b"", **response):
        self.routes[path] = Route(body, **response)
        return self.url(path)

    def page(self, name):
        """Serve a corpus page (../shared/intake/pages/NAME) at /pages/NAME, as it is."""
        return self.add(f"/pages/{name}", (CORPUS / "pages" / name).read_bytes())

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
