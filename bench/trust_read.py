"""Benchmark: trust-score read latency at 1 k, 100 k and 1 M feedback rows (PostgreSQL).

    python bench/trust_read.py [--sizes 1000 100000 1000000] [--reads 300]

For each size: a fresh migrated database loaded by bench/dataset.py (one organization with
200 leaders, feedback rows loaded with COPY: 10 % of them about the measured leader, from a
pool of 60 respondents who answer again and again, so most rows are superseded; the rest
spread over the other leaders) over the last 300 days, the ended reporting periods closed
(`service.closing.close_due_periods`, as `calling close-periods` does), then
GET /v1/leaders/{id}/trust-score (the latest closed period, and the open period's count)
measured over HTTP in-process. Prints the median and p95
per size and checks that the 1 M median is within 1.5× of the 1 k median (exit 1 if not).
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


def load(url: str, rows: int, now: datetime) -> tuple[str, str]:
    """Return (API key, measured leader id)."""
    data = load_dataset(url, rows, now)
    return data.tokens[Scope.read], data.measured


def measure(url: str, token: str, leader: str, reads: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    unlimited = Settings(database_url=url, rate_limit_per_minute=0)  # measure reads, not 429s
    with TestClient(create_app(unlimited)) as client:
        for i in range(reads + 20):
            started = time.perf_counter()
            response = client.get(f"/v1/leaders/{leader}/trust-score", headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text
            if i >= 20:  # warm-up
                timings.append(elapsed)
    return timings


def main() -> int:
    logging.disable(logging.INFO)  # the access log would drown the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    reason = pg_available()
    if reason is not None:
        print(f"PostgreSQL not reachable ({reason})")
        return 1
    now = datetime.now(UTC)
    medians: dict[int, float] = {}
    for size in args.sizes:
        name = f"calling_bench_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(name)
        try:
            started = time.perf_counter()
            token, leader = load(url, size, now)
            loaded = time.perf_counter() - started
            timings = measure(url, token, leader, args.reads)
        finally:
            drop_pg_database(name)
        medians[size] = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{size:>9,} feedback rows: trust-score read median {medians[size] * 1000:6.2f} ms,"
            f" p95 {p95 * 1000:6.2f} ms over {args.reads} reads (load + close {loaded:.1f} s)",
            flush=True,
        )
    smallest, largest = min(medians), max(medians)
    ratio = medians[largest] / medians[smallest]
    verdict = "ok" if ratio <= 1.5 else "OVER the 1.5x bound"
    print(f"median at {largest:,} / median at {smallest:,} = {ratio:.2f} (bound 1.5) {verdict}")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
