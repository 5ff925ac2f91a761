"""Read latency compared across data sets within one run: the read benches' shared measurer.

Every data set is loaded first and served by its own in-process app; then the reads go
round-robin over the data sets (and routes), the order rotated each round, so a disturbance
on a 2-core machine (autovacuum, a checkpoint, a neighbour) hits every size alike and the
ratio of medians measures the data's size, not the moment it was read.

Used by bench/trust_read.py and bench/insights_read.py.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database

K = TypeVar("K", bound=Hashable)
WARMUP = 20


@contextmanager
def databases(sizes: Sequence[int]) -> Iterator[dict[int, str]]:
    """A fresh PostgreSQL database per size (its URL), dropped on the way out."""
    names: list[str] = []
    try:
        urls: dict[int, str] = {}
        for size in sizes:
            name = f"calling_bench_{uuid.uuid4().hex[:8]}"
            names.append(name)
            urls[size] = create_pg_database(name)
        yield urls
    finally:
        for name in names:
            drop_pg_database(name)


@contextmanager
def clients(urls: Mapping[int, str]) -> Iterator[dict[int, TestClient]]:
    """One in-process app per database, rate limit off (reads measured, not 429s)."""
    with ExitStack() as stack:
        yield {
            size: stack.enter_context(
                TestClient(create_app(Settings(database_url=url, rate_limit_per_minute=0)))
            )
            for size, url in urls.items()
        }


def interleaved(reads: Mapping[K, Callable[[], None]], rounds: int) -> dict[K, list[float]]:
    """Seconds per call of each read, `rounds` calls each after a warm-up, round-robin."""
    keys = list(reads)
    timings: dict[K, list[float]] = {key: [] for key in keys}
    for i in range(rounds + WARMUP):
        shift = i % len(keys)
        for key in keys[shift:] + keys[:shift]:  # rotated: nobody is always first
            started = time.perf_counter()
            reads[key]()
            elapsed = time.perf_counter() - started
            if i >= WARMUP:
                timings[key].append(elapsed)
    return timings


def summary(timings: Sequence[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    return statistics.median(timings) * 1000, statistics.quantiles(timings, n=20)[-1] * 1000


def within(medians: Mapping[int, float], bound: float, label: str = "") -> bool:
    """Print and check the largest size's median against the smallest's: at most `bound`×."""
    smallest, largest = min(medians), max(medians)
    ratio = medians[largest] / medians[smallest]
    verdict = "ok" if ratio <= bound else f"OVER the {bound}x bound"
    print(
        f"{label}median at {largest:,} / median at {smallest:,} = {ratio:.2f} "
        f"(bound {bound}) {verdict}"
    )
    return ratio <= bound
