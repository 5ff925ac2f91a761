"""Benchmark: the HTTP server `calling serve` runs (uvicorn + h11 with the transport limits
of service/api/transport.py) against bare uvicorn with httptools (no head cap, no head timeout).

    python bench/http_server.py [--seconds 5] [--clients 8]

Serves a throwaway SQLite database on loopback both ways and prints, for each, the requests
per second and the p50/p99 latency of `GET /livez` and of an authenticated `GET /v1/people`
from `--clients` concurrent keep-alive clients, and how long a connection that sends half a
request head stays open (capped at 20 s). Prints figures only; it decides nothing.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.db import make_engine, make_sessionmaker
from service.migrate import upgrade
from service.organizations.service import create_organization
from service.settings import Settings
from tests.live_server import live_server


def load(base: str, path: str, headers: dict[str, str], seconds: float, clients: int) -> str:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        mine = []
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                client.get(path).raise_for_status()
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    q = statistics.quantiles(latencies, n=100)
    return (
        f"{len(latencies) / seconds:7.0f} req/s  p50 {q[49] * 1000:6.1f} ms  "
        f"p99 {q[98] * 1000:6.1f} ms"
    )


def half_head_open_seconds(base: str, cap: float = 20.0) -> float:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conn.settimeout(cap)
        started = time.monotonic()
        try:
            while conn.recv(65536):
                pass
        except TimeoutError:
            pass
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        settings = Settings(database_url=url, rate_limit_per_minute=0)
        upgrade(settings)
        with make_sessionmaker(make_engine(settings))() as session, session.begin():
            org = create_organization(session, "Bench")
            _, token = create_api_key(session, org.org_id, "bench", [Scope.read])
        auth = {"Authorization": f"Bearer {token}"}
        for name, serve in (("calling serve (h11 + limits)", True), ("uvicorn (httptools)", False)):
            with live_server(
                url, Path(tmp) / "server.log", serve=serve, rate_limit_per_minute="0"
            ) as base:
                print(f"{name}:")
                print(f"  /livez       {load(base, '/livez', {}, args.seconds, args.clients)}")
                print(
                    f"  /v1/people   {load(base, '/v1/people', auth, args.seconds, args.clients)}"
                )
                print(f"  half-sent head kept open {half_head_open_seconds(base):.1f} s")


if __name__ == "__main__":
    main()
