"""Prometheus metrics of one app: requests by route template and status, latency, and the
database connections in use. Each app has its own registry (tests build many apps)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

# The classic text format, which `generate_latest` writes.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Requests no route matched share one label value: raw paths would explode cardinality.
UNMATCHED_ROUTE = "<unmatched>"

_LABELS = ("method", "route", "status")


class DatabasePoolCollector:
    """Reads the SQLAlchemy pool at scrape time. Pools that keep no count (SQLite in memory's
    SingletonThreadPool, NullPool, StaticPool) report nothing rather than a made-up zero."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        pool = self.engine.pool
        if not isinstance(pool, QueuePool):
            return
        in_use = GaugeMetricFamily(
            "calling_db_connections_in_use",
            "Database connections checked out of the pool right now.",
        )
        in_use.add_metric([], pool.checkedout())
        yield in_use
        size = GaugeMetricFamily(
            "calling_db_pool_size", "Connections the pool keeps open (overflow excluded)."
        )
        size.add_metric([], pool.size())
        yield size


class HttpMetrics:
    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "calling_http_requests",
            "HTTP requests handled, by method, route template and status code.",
            _LABELS,
            registry=self.registry,
        )
        self.latency = Histogram(
            "calling_http_request_duration_seconds",
            "Time to handle an HTTP request, by method, route template and status code.",
            _LABELS,
            registry=self.registry,
        )
        self.registry.register(DatabasePoolCollector(engine))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
