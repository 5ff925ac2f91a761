"""`/metrics`: Prometheus text format; no API key, no tenant data."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from service.api.observability.metrics import CONTENT_TYPE, HttpMetrics

router = APIRouter(tags=["Operations"], include_in_schema=False)  # not the integrators' contract

_EXAMPLE = """\
# HELP calling_http_requests_total HTTP requests handled, by method, route template and status code.
# TYPE calling_http_requests_total counter
calling_http_requests_total{method="GET",route="/v1/people/{person_id}",status="200"} 42.0
# HELP calling_db_connections_in_use Database connections checked out of the pool right now.
# TYPE calling_db_connections_in_use gauge
calling_db_connections_in_use 1.0
"""


@router.get(
    "/metrics",
    operation_id="metrics",
    summary="Metrics in the Prometheus text format",
    description="Request counts and latency by route template and status code, and the "
    "database connections in use. Carries no tenant data.",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "The current metrics.",
            "content": {"text/plain": {"schema": {"type": "string"}, "example": _EXAMPLE}},
        }
    },
)
async def metrics(request: Request) -> Response:
    http_metrics: HttpMetrics = request.app.state.metrics
    return Response(http_metrics.render(), media_type=CONTENT_TYPE)
