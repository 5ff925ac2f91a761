"""Benchmark: alignment and themes read latency at 1 k and 100 k feedback rows (PostgreSQL).

    python bench/insights_read.py [--sizes 1000 100000] [--reads 200]

For each size: a fresh migrated database loaded by bench/dataset.py, one organization with
200 leaders; the measured
leader has five active beliefs and a submitted reflection. Feedback rows are loaded with COPY
into the reporting period before the current one (10 % of them about the measured leader,
from a pool of 60 respondents who answer again and again, each rating the five beliefs; the
rest spread over the other leaders), every answer with `needs` and `dreams` drawn from the
test corpus (English, Swedish, emoji). The period is then closed (`close_due_periods`: the
trust, belief and theme cells are computed once) and the database vacuumed and analyzed,
and GET /v1/leaders/{id}/alignment and GET /v1/leaders/{id}/themes are measured over HTTP
in-process, interleaved. Prints the median and p95 per
size and route and checks that the largest size's medians are within 1.5× of the smallest's
(exit 1 if not).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import load as load_dataset
from service.api.app import create_app
from service.api_keys.keys import Scope
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, pg_available

BELIEFS = 5
ROUTES = ("alignment", "themes")


def load(url: str, rows: int, now: datetime) -> tuple[str, str, float]:
    """Return (API key, measured leader id, seconds spent closing the period)."""
    data = load_dataset(
        url,
        rows,
        now,
        measured_beliefs=BELIEFS,
        reflection=True,
        window="previous",
        texts=1.0,
    )
    assert data.closed_periods == 1, data.closed_periods
    return data.tokens[Scope.read], data.measured, data.seconds["close"]


def measure(url: str, token: str, leader: str, reads: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    timings: dict[str, list[float]] = {route: [] for route in ROUTES}
    unlimited = Settings(database_url=url, rate_limit_per_minute=0)  # measure reads, not 429s
    with TestClient(create_app(unlimited)) as client:
        for i in range(reads + 20):
            for route in ROUTES:  # interleaved, so a disturbance hits both alike
                started = time.perf_counter()
                response = client.get(f"/v1/leaders/{leader}/{route}", headers=headers)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                if i >= 20:  # warm-up
                    timings[route].append(elapsed)
        body = client.get(f"/v1/leaders/{leader}/alignment", headers=headers).json()
        assert body["period"] is not None, body
        assert any(b["others"]["suppressed"] is False for b in body["beliefs"]), body
        assert client.get(f"/v1/leaders/{leader}/themes", headers=headers).json()["themes"]
    return timings


def main() -> int:
    logging.disable(logging.INFO)  # the access log would drown the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    reason = pg_available()
    if reason is not None:
        print(f"PostgreSQL not reachable ({reason})")
        return 1
    now = datetime.now(UTC)
    medians: dict[str, dict[int, float]] = {route: {} for route in ROUTES}
    for size in args.sizes:
        name = f"calling_bench_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(name)
        try:
            started = time.perf_counter()
            token, leader, closing = load(url, size, now)
            loaded = time.perf_counter() - started
            timings = measure(url, token, leader, args.reads)
        finally:
            drop_pg_database(name)
        for route in ROUTES:
            medians[route][size] = statistics.median(timings[route])
            p95 = statistics.quantiles(timings[route], n=20)[-1]
            print(
                f"{size:>9,} feedback rows: {route:<9} read median "
                f"{medians[route][size] * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms over "
                f"{args.reads} reads (load {loaded:.1f} s, of it closing the period "
                f"{closing:.1f} s)",
                flush=True,
            )
    ok = True
    for route in ROUTES:
        smallest, largest = min(medians[route]), max(medians[route])
        ratio = medians[route][largest] / medians[route][smallest]
        verdict = "ok" if ratio <= 1.5 else "OVER the 1.5x bound"
        ok = ok and ratio <= 1.5
        print(
            f"{route}: median at {largest:,} / median at {smallest:,} = {ratio:.2f} "
            f"(bound 1.5) {verdict}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
