"""`CallingRoute`: the route class every router uses.

Every POST operation gets the `Idempotency-Key` header (declared in the spec) and, when
a key is sent, the response it produced is stored in the request's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from service.auth import Principal, authenticate
from service.db import SessionDep
from service.idempotency.service import (
    REPLAYED_HEADERS,
    SECRET_MARKER,
    IdempotencyClaim,
    claim,
    fingerprint,
)
from service.settings import get_settings

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description=(
            "Makes a retry safe: the same key with the same body replays the first response "
            "and creates nothing new (kept ≥ 24 h); with another body → 422; while the first "
            "request is still in flight → 409."
        ),
        examples=["3f1c9a52-5c7e-4c43-8a8e-0d7b3d0f9d11"],
    ),
]


async def idempotency(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(authenticate)],
    idempotency_key: IdempotencyKeyHeader = None,
) -> IdempotencyClaim | None:
    if idempotency_key is None:
        return None
    body = await request.body()
    print_ = fingerprint(request.method, request.url.path, body)
    ttl = timedelta(hours=get_settings().idempotency_ttl_hours)
    result = await run_in_threadpool(claim, session, principal.org_id, idempotency_key, print_, ttl)
    request.state.idempotency_claim = result
    return result


def secret_response(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an endpoint whose response holds a secret shown once: a replay gets 409, and
    the body is never stored."""
    endpoint.__dict__["calling_secret_response"] = True
    return endpoint


class CallingRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in (kwargs.get("methods") or [])}
        if "POST" in methods:
            kwargs["dependencies"] = [
                *(kwargs.get("dependencies") or []),
                Depends(idempotency, scope="function"),
            ]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        secret = bool(getattr(self.endpoint, "calling_secret_response", False))

        async def record_idempotent_response(request: Request) -> Response:
            # Runs inside the dependencies' exit stack: the session has not committed yet.
            response = await handler(request)
            claim_: IdempotencyClaim | None = getattr(request.state, "idempotency_claim", None)
            if claim_ is not None and 200 <= response.status_code < 300:
                headers = {
                    k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS
                }
                body = bytes(response.body)
                if secret:
                    headers, body = {SECRET_MARKER: "1"}, b""
                session = request.state.session
                await run_in_threadpool(claim_.record, session, response.status_code, headers, body)
            return response

        return record_idempotent_response
