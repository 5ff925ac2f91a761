"""Times every request, counts it in the metrics and writes one access log line.

Runs inside `RequestContextMiddleware`, so the request id is set; labels use the route
*template* (`/v1/people/{person_id}`), never the raw path, and nothing of the query string,
headers or bodies is logged.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.middleware import request_id_var
from service.api.observability.metrics import UNMATCHED_ROUTE, HttpMetrics

access_logger = logging.getLogger("calling.access")


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else UNMATCHED_ROUTE


class TelemetryMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: the outer middleware renders the 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            method = str(scope["method"])
            self.metrics.observe(method, route, status, seconds)
            access_logger.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "request_id": request_id_var.get(),
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "org_id": scope.get("state", {}).get("org_id"),
                },
            )
