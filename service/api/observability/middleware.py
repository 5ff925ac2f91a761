"""What every request leaves behind: a count and a latency in the metrics, and one access
log line.

Called by the app's HTTP layer (`service.api.middleware.HttpLayer`) once the response has
been sent; labels use the route *template* (`/v1/people/{person_id}`), never the raw path,
and nothing of the query string, headers or bodies is logged.
"""

from __future__ import annotations

import logging

from starlette.types import Scope

from service.api.observability.metrics import UNMATCHED_ROUTE, HttpMetrics

access_logger = logging.getLogger("calling.access")


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else UNMATCHED_ROUTE


def record_request(
    metrics: HttpMetrics | None, scope: Scope, status: int, seconds: float, request_id: str
) -> None:
    route = route_template(scope)
    method = str(scope["method"])
    if metrics is not None:
        metrics.observe(method, route, status, seconds)
    if access_logger.isEnabledFor(logging.INFO):
        access_logger.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "org_id": scope.get("state", {}).get("org_id"),
            },
        )
