"""The HTTP attempt itself: no redirects, timeouts, a cap on what is read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from service.webhooks import delivery
from service.webhooks.delivery import post
from service.webhooks.ssrf import Target


@contextmanager
def server(behaviour: str) -> Iterator[tuple[Target, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(self.path)
            self.rfile.read(int(self.headers.get("content-length", "0")))
            if behaviour == "redirect":
                self.send_response(307)
                self.send_header("location", "/elsewhere")
                self.send_header("content-length", "0")
                self.end_headers()
            elif behaviour == "slow":
                time.sleep(1.5)
                self.send_response(200)
                self.end_headers()
            elif behaviour == "huge":
                self.send_response(200)
                self.end_headers()
                try:
                    for _ in range(10_000):
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    hits.append("stopped")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    target = Target("http", "receiver.test", httpd.server_address[1], "127.0.0.1", "/in")
    try:
        yield target, hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_redirects_are_not_followed() -> None:
    with server("redirect") as (target, hits):
        outcome = post(target, {}, b"{}")
    assert outcome.status_code == 307 and not outcome.ok
    assert hits == ["/in"]


def test_a_slow_receiver_times_out(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(delivery, "READ_TIMEOUT", 0.3)
    with server("slow") as (target, _):
        started = time.monotonic()
        outcome = post(target, {}, b"{}")
    assert outcome.error == "timeout" and time.monotonic() - started < 1.4


def test_only_a_capped_amount_of_the_answer_is_read() -> None:
    with server("huge") as (target, _):
        started = time.monotonic()
        outcome = post(target, {}, b"{}")
    assert outcome.ok and time.monotonic() - started < 5
