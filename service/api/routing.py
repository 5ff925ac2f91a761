"""`CallingRoute`: the route class every router uses.

Authentication, then the route's scope (`require(scope)` among its dependencies), come
first: before the body is read (415 and 413 included), before `If-Match` is looked at and
before the idempotency record is claimed. A request without a valid key is answered `401`
without its body being read at all.

Every POST operation gets the `Idempotency-Key` header (declared in the spec) and, when
a key is sent, the response it produced is stored in the request's own transaction.

A route that declares `If-Match` answers `428` when it is missing before anything else runs,
so the answer does not depend on the state of the resource (a deleted one would be `404`).

An id in a path is matched by its URL convertor (`/{person_id:per_id}`, `service.api.paths`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from service.api import paths  # noqa: F401  (registers the id convertors)
from service.api.auth import authenticate, authorize, declared_scopes, leave_organization
from service.api.middleware import refuse_body_early
from service.api.session import SessionDep
from service.api.strict_json import StrictJSONRequest
from service.api_keys.keys import Principal
from service.errors import IF_MATCH_REQUIRED_DETAIL, PreconditionRequired, ServiceError
from service.idempotency.service import (
    REPLAYED_HEADERS,
    SECRET_MARKER,
    IdempotencyClaim,
    claim,
    fingerprint,
)
from service.problem_types import IF_MATCH_REQUIRED

# Printable ASCII without leading or trailing spaces: what survives an HTTP header unchanged.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "Makes a retry safe: the same key with the same body, sent by the same API key, "
            "replays the first response and creates nothing new (kept ≥ 24 h); with another "
            "body → 422; while the first request is still in flight → 409. Another API key's "
            "same Idempotency-Key is a request of its own."
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
    settings = request.app.state.settings
    secret = settings.secret_key.get_secret_value().encode()
    print_ = fingerprint(secret, request.method, request.url.path, body)
    ttl = timedelta(hours=settings.idempotency_ttl_hours)
    result = await run_in_threadpool(
        claim, session, principal.org_id, principal.key_id, idempotency_key, print_, ttl
    )
    request.state.idempotency_claim = result
    return result


def secret_response(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an endpoint whose response holds a secret shown once: a replay gets 409, and
    the body is never stored."""
    endpoint.__dict__["calling_secret_response"] = True
    return endpoint


def _requires_if_match(dependant: Any) -> bool:
    """Whether the route (the public `APIRoute.dependant`) or one of its dependencies
    declares a required `If-Match` header (`service.api.http.IfMatchHeader`)."""
    stack = [dependant]
    while stack:
        current = stack.pop()
        stack.extend(getattr(current, "dependencies", ()))
        for field in getattr(current, "header_params", ()):
            if field.alias.lower() == "if-match" and field.field_info.is_required():
                return True
    return False


def _has_body(request: Request) -> bool:
    headers = request.headers
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


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

        requires_if_match = _requires_if_match(self.dependant)  # runs inside __init__
        scopes = sorted(declared_scopes(self.dependant))

        async def record_idempotent_response(request: Request) -> Response:
            try:
                return await respond(request)
            finally:
                leave_organization(request)  # the organization's clock, `authorize` set

        async def respond(request: Request) -> Response:
            try:
                if scopes:  # the key, then its scope: before anything else
                    await authorize(request, scopes)
                refuse_body_early(request.scope, request.app.state.settings.max_body_bytes)
                if requires_if_match and "if-match" not in request.headers:
                    raise PreconditionRequired(IF_MATCH_REQUIRED_DETAIL, cause=IF_MATCH_REQUIRED)
            except ServiceError as refused:
                if _has_body(request):  # unread: close rather than receive it to keep alive
                    refused.headers["Connection"] = "close"
                raise
            request = StrictJSONRequest(request.scope, request.receive)  # RFC 8259 bodies
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
                anonymous = bool(getattr(request.state, "anonymous_answer", False))
                await run_in_threadpool(
                    claim_.record, session, response.status_code, headers, body, anonymous
                )
            return response

        return record_idempotent_response
