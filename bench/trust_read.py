"""Benchmark: trust-score read latency at 1 k, 100 k and 1 M feedback rows (PostgreSQL).

    python bench/trust_read.py [--sizes 1000 100000 1000000] [--reads 300]

For each size: a fresh migrated database loaded by bench/dataset.py (one organization with
200 leaders, feedback rows loaded with COPY: 10 % of them about the measured leader, from a
pool of 60 respondents who answer again and again, so most rows are superseded; the rest
spread over the other leaders) over the last 300 days, the ended reporting periods closed
(`service.closing.close_due_periods`, as `calling close-periods` does). Then
GET /v1/leaders/{id}/trust-score (the latest closed period, and the open period's count) is
measured over HTTP in-process, the sizes read round-robin in one run (bench/interleave.py).
Prints the median and p95 per size and checks that the 1 M median is within 1.5× of the 1 k
median (exit 1 if not).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import load as load_dataset
from bench.interleave import clients, databases, interleaved, summary, within
from service.api_keys.keys import Scope
from tests.conftest import pg_available

BOUND = 1.5


def read(client: TestClient, token: str, leader: str) -> None:
    response = client.get(
        f"/v1/leaders/{leader}/trust-score", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


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
    with databases(args.sizes) as urls:
        loaded: dict[int, tuple[str, str, float]] = {}
        for size, url in urls.items():
            started = time.perf_counter()
            data = load_dataset(url, size, now)
            loaded[size] = (data.tokens[Scope.read], data.measured, time.perf_counter() - started)
        with clients(urls) as apps:
            timings = interleaved(
                {size: partial(read, apps[size], *loaded[size][:2]) for size in urls},
                args.reads,
            )
    medians: dict[int, float] = {}
    for size in args.sizes:
        medians[size], p95 = summary(timings[size])
        print(
            f"{size:>9,} feedback rows: trust-score read median {medians[size]:6.2f} ms,"
            f" p95 {p95:6.2f} ms over {args.reads} reads (load + close {loaded[size][2]:.1f} s)",
            flush=True,
        )
    return 0 if within(medians, BOUND) else 1


if __name__ == "__main__":
    raise SystemExit(main())
