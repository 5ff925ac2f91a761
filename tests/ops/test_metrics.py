"""`/metrics`: Prometheus text, requests by route *template* and status, pool gauge."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from service.api.observability.metrics import HttpMetrics
from tests.conftest import Tenant

Key = tuple[str, str, str]


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return found


def _request_counts(client: TestClient) -> Counter[Key]:
    response = client.get("/metrics")
    assert response.status_code == 200
    counts: Counter[Key] = Counter()
    for labels, value in _samples(response.text).get("calling_http_requests_total", []):
        counts[(labels["method"], labels["route"], labels["status"])] += int(value)
    return counts


def test_requests_are_counted_by_route_template(client: TestClient, tenant: Tenant) -> None:
    before = _request_counts(client)
    for person_id in ("per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "per_01JD5ZQ8W4M3KXHNB7T2C9V6RF"):
        assert client.get(f"/v1/people/{person_id}", headers=tenant.headers()).status_code == 404
    assert client.get("/v1/people", headers=tenant.headers()).status_code == 200
    assert client.get("/livez").status_code == 200
    assert client.get("/no/such/path/per_x").status_code == 404
    after = _request_counts(client)

    delta = after - before
    assert delta[("GET", "/v1/people/{person_id}", "404")] == 2
    assert delta[("GET", "/v1/people", "200")] == 1
    assert delta[("GET", "/livez", "200")] == 1
    assert delta[("GET", "<unmatched>", "404")] == 1
    assert delta[("GET", "/metrics", "200")] == 1  # the first scrape, seen by the second
    assert not any("per_" in route for _, route, _ in after), "raw paths leaked into labels"


def test_latency_histogram_and_pool_gauge(client: TestClient, tenant: Tenant) -> None:
    client.get("/v1/people", headers=tenant.headers())
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(response.text)
    buckets = samples["calling_http_request_duration_seconds_bucket"]
    assert any(
        labels["route"] == "/v1/people" and labels["status"] == "200" and labels["le"] == "+Inf"
        for labels, _ in buckets
    )
    ((labels, in_use),) = samples["calling_db_connections_in_use"]
    assert labels == {} and in_use >= 0
    ((_, size),) = samples["calling_db_pool_size"]
    assert size >= 1


def test_metrics_need_no_api_key_and_hold_no_tenant_data(
    client: TestClient, tenant: Tenant
) -> None:
    client.get("/v1/people", headers=tenant.headers())
    response = client.get("/metrics")
    assert response.status_code == 200
    assert tenant.org_id not in response.text
    assert tenant.admin_key not in response.text


def test_pool_gauge_counts_checked_out_connections(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'pool.db'}")  # a QueuePool
    metrics = HttpMetrics(engine)
    with engine.connect():
        samples = _samples(metrics.render().decode())
        assert samples["calling_db_connections_in_use"] == [({}, 1.0)]
    assert _samples(metrics.render().decode())["calling_db_connections_in_use"] == [({}, 0.0)]
    engine.dispose()


def test_pools_without_a_count_report_nothing() -> None:
    engine = create_engine("sqlite://")  # in memory: SingletonThreadPool
    with engine.connect():
        text = HttpMetrics(engine).render().decode()
    assert "calling_db_connections_in_use" not in text
    engine.dispose()


def test_every_app_has_its_own_registry(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'two.db'}")
    first, second = HttpMetrics(engine), HttpMetrics(engine)
    first.observe("GET", "/livez", 200, 0.01)
    assert "calling_http_requests_total" in first.render().decode()
    assert 'route="/livez"' not in second.render().decode()
    engine.dispose()


def test_metrics_is_plain_text_and_not_part_of_the_integrators_contract(
    client: TestClient,
) -> None:
    # Probes and metrics are for the operator (README), not for integrators' clients.
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
