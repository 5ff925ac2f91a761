"""Benchmark: alignment, themes and connections read latency at 1 k and 100 k feedback rows
(PostgreSQL).

    python bench/insights_read.py [--sizes 1000 100000] [--reads 200]

For each size: a fresh migrated database loaded by bench/dataset.py, one organization with
200 leaders; the measured
leader has five active beliefs and a submitted reflection. Feedback rows are loaded with COPY
into the reporting period before the current one (10 % of them about the measured leader,
from a pool of 60 respondents who answer again and again, each rating the five beliefs; the
rest spread over the other leaders), every answer with `needs` and `dreams` drawn from the
test corpus (English, Swedish, emoji). The period is then closed (`close_due_periods`: the
trust, belief and theme cells are computed once) and the database vacuumed and analyzed,
and GET /v1/leaders/{id}/alignment, /themes and /connections are measured over HTTP
in-process, every size and route read round-robin in one run (bench/interleave.py). Prints
the median and p95 per size and route and checks that the largest size's medians are within
1.5× of the smallest's (exit 1 if not).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import load as load_dataset
from bench.interleave import clients, databases, interleaved, summary, within
from service.api_keys.keys import Scope
from tests.conftest import pg_available

BELIEFS = 5
ROUTES = ("alignment", "themes", "connections")
BOUND = 1.5


def load(url: str, rows: int, now: datetime) -> tuple[str, str, float, float]:
    """Return (API key, measured leader id, seconds loading, of them closing the period)."""
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
    total = sum(data.seconds.values())
    return data.tokens[Scope.read], data.measured, total, data.seconds["close"]


def read(client: TestClient, token: str, leader: str, route: str) -> None:
    response = client.get(
        f"/v1/leaders/{leader}/{route}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


def check(client: TestClient, token: str, leader: str) -> None:
    """The figures measured are real ones: a shown alignment cell and themes."""
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/v1/leaders/{leader}/alignment", headers=headers).json()
    assert body["period"] is not None, body
    assert any(b["others"]["suppressed"] is False for b in body["beliefs"]), body
    themes = client.get(f"/v1/leaders/{leader}/themes", headers=headers).json()
    assert themes["overall"] and themes["stakeholder_groups"], themes
    connections = client.get(f"/v1/leaders/{leader}/connections", headers=headers).json()
    assert connections["connections"], connections


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
    with databases(args.sizes) as urls:
        loaded = {size: load(url, size, now) for size, url in urls.items()}
        with clients(urls) as apps:
            for size in urls:
                check(apps[size], *loaded[size][:2])
            timings = interleaved(
                {
                    (size, route): partial(read, apps[size], *loaded[size][:2], route)
                    for size in urls
                    for route in ROUTES
                },
                args.reads,
            )
    ok = True
    for route in ROUTES:
        medians: dict[int, float] = {}
        for size in args.sizes:
            medians[size], p95 = summary(timings[size, route])
            print(
                f"{size:>9,} feedback rows: {route:<11} read median {medians[size]:6.2f} ms,"
                f" p95 {p95:6.2f} ms over {args.reads} reads (load {loaded[size][2]:.1f} s,"
                f" of it closing the period {loaded[size][3]:.1f} s)",
                flush=True,
            )
        ok = within(medians, BOUND, f"{route}: ") and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
