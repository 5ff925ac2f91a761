"""The bearer scheme and the scope checks of the routes (keys: `service.api_keys`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from service.api.ratelimit import count_anonymous_request, count_request
from service.api_keys.keys import Principal, Scope
from service.api_keys.keys import lookup as _lookup
from service.api_keys.keys import parse as _parse
from service.db import ConnectionSlots
from service.errors import Forbidden, Unauthorized

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key of your organization: `Authorization: Bearer csk_…`.",
)

PRINCIPAL_STATE = "principal"


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def authorize(request: Request, scopes: Iterable[Scope]) -> Principal:
    """The API key, then its scope: the first thing every secured route does, before its body
    is read, `If-Match` is looked at or the idempotency record is claimed. A request without
    a valid key costs one key lookup at most (none without a well-formed key) and counts
    against its client address's limit; one with a key counts against its organization's."""
    token = _bearer_token(request)
    principal: Principal | None = None
    if token is not None and _parse(token) is not None:
        slots: ConnectionSlots | None = getattr(request.app.state, "connection_slots", None)
        factory: sessionmaker[Session] = request.app.state.sessionmaker

        def lookup() -> Principal | None:
            with factory() as session:
                return _lookup(session, token)

        if slots is None:
            principal = await run_in_threadpool(lookup)
        else:
            async with slots.hold():
                principal = await run_in_threadpool(lookup)
    if principal is None:
        await run_in_threadpool(count_anonymous_request, request)  # 429 when over the limit
        if token is None:
            raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        raise Unauthorized("The API key is invalid or revoked, or its organization is deactivated.")
    request.state.org_id = principal.org_id
    await run_in_threadpool(count_request, request, principal.org_id)  # 429 when over it
    for scope in scopes:
        if not principal.allows(scope):
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


def authenticate(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal `authorize` accepted (`CallingRoute` runs it before anything else)."""
    principal: Principal | None = getattr(request.state, PRINCIPAL_STATE, None)
    if principal is None:
        raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
    return principal


def require(scope: Scope) -> object:
    def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.allows(scope):  # `authorize` refused it already; kept as a guard
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return principal

    check.__name__ = f"require_{scope}"
    check.__dict__["required_scope"] = scope  # published as x-required-scope (api.openapi)
    return Depends(check)


Reader = Annotated[Principal, require(Scope.read)]
Writer = Annotated[Principal, require(Scope.write)]
Admin = Annotated[Principal, require(Scope.admin)]
FeedbackSubmitter = Annotated[Principal, require(Scope.feedback_submit)]
Platform = Annotated[Principal, require(Scope.platform)]
