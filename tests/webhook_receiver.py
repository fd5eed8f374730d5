"""A partner's webhook receiver: a real HTTP server on 127.0.0.1 (a port in 18250-18299)
that checks every delivery as the Standard Webhooks receiver side does."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

PORTS = range(18250, 18300)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    payload: dict | None  # what verify() returned; None when it refused
    refusal: str


class Receiver:
    """Answers each POST with the next of `statuses` (then 204), after verifying it with
    `secret` (set once the endpoint exists); a delivery that fails verification gets 401."""

    def __init__(self):
        self.secret = None
        self.statuses = []
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = dict(self.headers.items())
                try:
                    payload, refusal = Webhook(receiver.secret).verify(body, headers), ""
                except WebhookVerificationError as error:
                    payload, refusal = None, str(error)
                receiver.received.append(Received(self.path, headers, body, payload, refusal))
                status = (
                    401 if refusal else (receiver.statuses.pop(0) if receiver.statuses else 204)
                )
                answer = json.dumps({"refused": refusal} if refusal else {"seen": status}).encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("No free port in 18250-18299 for the webhook receiver.")
        self.httpd.daemon_threads = True
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hooks/standfirst"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self):
        """The types of the verified deliveries, in the order they came."""
        return [r.payload["type"] for r in self.received if r.payload]
