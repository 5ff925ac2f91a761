"""The hostile-load test (issue 10): for 30 s, clients without a key and a `feedback:submit`
client send the bodies of the issue to a real `calling serve` process on loopback, while an
honest client of another organization reads. The process stays under 300 MiB RSS, the honest
client's p99 stays under 10× its unloaded p99, and `/livez` never takes more than 0.5 s.
The figures are printed in the reliability section of the test summary."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Tenant, make_tenant
from tests.live_server import live_server

SECONDS = 30.0
NESTED = b"[" * 900_000 + b"]" * 900_000  # 1.8 MB of nested arrays, no key
UNKNOWN_MEMBERS = json.dumps({f"u{i:05d}": 0 for i in range(100_000)}).encode()  # 1.3 MB
JSON = {"Content-Type": "application/json"}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def read_loop(
    base: str, tenant: Tenant, stop: threading.Event, out: list[float], statuses: list[int]
) -> None:
    with httpx.Client(base_url=base, timeout=15, headers=tenant.headers("read")) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.get("/v1/people", params={"limit": 20})
            out.append(time.perf_counter() - started)
            statuses.append(response.status_code)
            stop.wait(0.02)


def hostile_loop(
    base: str, send: Callable[[httpx.Client], httpx.Response], stop: threading.Event,
    statuses: list[int],
) -> None:  # fmt: skip
    with httpx.Client(base_url=base, timeout=15) as client:
        while not stop.is_set():
            try:
                statuses.append(send(client).status_code)
            except httpx.TransportError:  # the server may hang up on an unread body
                statuses.append(0)


def test_hostile_load(
    backend: str, database_url: str, db: Engine, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    if backend != "postgresql":
        pytest.skip("the hostile-load test runs once, on PostgreSQL, as deployed")
    honest, hostile = make_tenant(db, "Honest Ltd"), make_tenant(db, "Hostile Ltd")
    pids: list[int] = []
    with live_server(database_url, tmp_path / "server.log", serve=True, pids=pids) as base:
        (pid,) = pids
        with httpx.Client(base_url=base, headers=honest.headers("write")) as client:
            for i in range(20):
                client.post("/v1/people", json={"external_id": f"E{i}", "display_name": "Ann"})
            leader = client.get("/v1/people").json()["data"][0]["id"]
        # Unloaded: the honest client alone.
        stop = threading.Event()
        unloaded: list[float] = []
        honest_statuses: list[int] = []
        reader = threading.Thread(target=read_loop, args=(base, honest, stop, unloaded, []))
        reader.start()
        time.sleep(5)
        stop.set()
        reader.join()
        rss_before = rss_mib(pid)

        submit = {**JSON, **hostile.headers("feedback:submit")}
        feedback = {"leader_id": leader, "relationship": "peer"}
        many_errors = json.dumps(
            {**feedback, **{f"unknown_{i}": [0] * 30 for i in range(250)}}
        ).encode()
        senders: list[Callable[[httpx.Client], httpx.Response]] = [
            lambda c: c.post("/v1/people", content=NESTED, headers=JSON),
            lambda c: c.post("/v1/feedback", content=NESTED, headers=JSON),
            lambda c: c.post("/v1/feedback", content=UNKNOWN_MEMBERS, headers=submit),
            lambda c: c.post("/v1/feedback", content=many_errors, headers=submit),
        ]
        stop = threading.Event()
        loaded: list[float] = []
        hostile_statuses: list[int] = []
        threads = [
            threading.Thread(target=hostile_loop, args=(base, send, stop, hostile_statuses))
            for send in senders
        ]
        threads.append(
            threading.Thread(target=read_loop, args=(base, honest, stop, loaded, honest_statuses))
        )
        rss_peak, livez_worst = rss_before, 0.0
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            with httpx.Client(base_url=base, timeout=10) as probe:
                while time.monotonic() - started < SECONDS:
                    began = time.perf_counter()
                    assert probe.get("/livez").status_code == 200
                    livez_worst = max(livez_worst, time.perf_counter() - began)
                    rss_peak = max(rss_peak, rss_mib(pid))
                    time.sleep(0.1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    counts = {s: hostile_statuses.count(s) for s in sorted(set(hostile_statuses))}
    figures(
        f"{SECONDS:.0f} s: RSS {rss_before:.0f} → peak {rss_peak:.0f} MiB; honest p99 "
        f"unloaded {p99(unloaded) * 1000:.1f} ms, loaded {p99(loaded) * 1000:.1f} ms "
        f"({len(loaded)} reads); /livez worst {livez_worst * 1000:.0f} ms; hostile answers "
        f"{counts}"
    )
    assert rss_peak < 300
    assert p99(loaded) < 10 * p99(unloaded)
    assert livez_worst < 0.5
    assert set(honest_statuses) == {200}
    assert not any(s >= 500 for s in hostile_statuses)
