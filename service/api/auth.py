"""The bearer scheme and the scope checks of the routes (keys: `service.api_keys`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from service import clock
from service.api.keycache import KeyCache
from service.api.middleware import SANDBOX_STATE
from service.api.ratelimit import acount_anonymous_request, acount_request
from service.api.session import ConnectionSlots
from service.api_keys.keys import Principal, Scope
from service.api_keys.keys import lookup as _lookup
from service.api_keys.keys import parse as _parse
from service.api_keys.models import ApiKey
from service.errors import Forbidden, Unauthorized
from service.organizations.models import Organization
from service.problem_types import INVALID_API_KEY, MISSING_API_KEY, MISSING_SCOPE

MISSING_KEY = "Send an API key as `Authorization: Bearer <key>`."

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


async def _lookup_in_pool(request: Request, token: str) -> Principal | None:
    slots: ConnectionSlots | None = getattr(request.app.state, "connection_slots", None)
    factory: sessionmaker[Session] = request.app.state.sessionmaker

    def lookup() -> Principal | None:
        with factory() as session:
            return _lookup(session, token)

    if slots is None:
        return await run_in_threadpool(lookup)
    async with slots.hold():
        return await run_in_threadpool(lookup)


async def authorize(request: Request, scopes: Iterable[Scope]) -> Principal:
    """The API key, then its scope: the first thing every secured route does, before its body
    is read, `If-Match` is looked at or the idempotency record is claimed. A request without
    a valid key costs one key lookup at most (none without a well-formed key) and counts
    against its client address's limit; one with a key counts against its organization's.

    An accepted key is remembered for `auth_cache_seconds` (`service.api.keycache`): a
    revocation or deactivation committed through this app forgets its organization's keys
    at once; one made elsewhere (another replica, the CLI) takes effect here within that
    bound."""
    token = _bearer_token(request)
    principal: Principal | None = None
    if token is not None and _parse(token) is not None:
        cache: KeyCache[Principal] | None = getattr(request.app.state, "key_cache", None)
        principal = cache.get(token) if cache is not None else None
        if principal is None:
            principal = await _lookup_in_pool(request, token)
            if principal is not None and cache is not None:
                cache.put(token, principal.org_id, principal)
    if principal is None:
        await acount_anonymous_request(request)  # 429 when over the limit
        if token is None:
            raise Unauthorized(MISSING_KEY, cause=MISSING_API_KEY)
        raise Unauthorized(
            "The API key is invalid or revoked, or its organization is deactivated.",
            cause=INVALID_API_KEY,
        )
    request.state.org_id = principal.org_id
    enter_organization(request, principal.sandbox, principal.clock_offset)
    await acount_request(request, principal.org_id)  # 429 when over it
    for scope in scopes:
        if not principal.allows(scope):
            raise Forbidden(f"This API key lacks the `{scope}` scope.", cause=MISSING_SCOPE)
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


CLOCK_STATE = "organization_clock"


def enter_organization(request: Request, sandbox: bool, offset: timedelta) -> None:
    """The rest of the request runs on the organization's time (a sandbox's test clock; see
    `service.clock`) and its response is flagged when the organization is a sandbox.
    `leave_organization` undoes it once the response is made."""
    if sandbox:
        setattr(request.state, SANDBOX_STATE, True)
    if offset:
        setattr(request.state, CLOCK_STATE, clock.enter_organization_time(offset))


def is_sandbox(request: Request) -> bool:
    """Whether the request's key (or response token) is a sandbox organization's."""
    return bool(getattr(request.state, SANDBOX_STATE, False))


def leave_organization(request: Request) -> None:
    token = getattr(request.state, CLOCK_STATE, None)
    if token is not None:
        clock.leave_organization_time(token)
        delattr(request.state, CLOCK_STATE)


async def authenticate(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal `authorize` accepted (`CallingRoute` runs it before anything else)."""
    principal: Principal | None = getattr(request.state, PRINCIPAL_STATE, None)
    if principal is None:
        raise Unauthorized(MISSING_KEY, cause=MISSING_API_KEY)
    return principal


def require(scope: Scope) -> object:
    """The dependency of a route that needs `scope`, declared with FastAPI's own
    `Security(…, scopes=[scope])`: `CallingRoute` (before the body) and the spec
    (`x-required-scope`) read the scopes FastAPI recorded (`declared_scopes`)."""

    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.allows(scope):  # `authorize` refused it already; kept as a guard
            raise Forbidden(f"This API key lacks the `{scope}` scope.", cause=MISSING_SCOPE)
        return principal

    check.__name__ = f"require_{scope}"
    return Security(check, scopes=[scope.value])


def declared_scopes(dependant: Any) -> set[Scope]:
    """The scopes the `Security(…, scopes=…)` dependencies of a route declare, less those
    implied by another of them (`write` and `read` → `write`). `dependant` is the route's
    public `dependant`; its `own_oauth_scopes` are what `Security(scopes=…)` recorded."""
    found: set[Scope] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        stack.extend(getattr(current, "dependencies", ()))
        found.update(Scope(s) for s in getattr(current, "own_oauth_scopes", None) or ())

    def implied(scope: Scope) -> bool:
        return any(
            other != scope and Principal("", "", frozenset({other})).allows(scope)
            for other in found
        )

    return {scope for scope in found if not implied(scope)}


def install_key_cache(sessions: sessionmaker[Session], ttl: float) -> KeyCache[Principal]:
    """The app's cache of accepted keys, forgetting an organization's keys when a change to
    one of its keys, or to the organization, commits in a session of `sessions`."""
    cache: KeyCache[Principal] = KeyCache(ttl)
    cache.watch(sessions, (ApiKey, Organization))
    return cache


Reader = Annotated[Principal, require(Scope.read)]
Writer = Annotated[Principal, require(Scope.write)]
Admin = Annotated[Principal, require(Scope.admin)]
FeedbackSubmitter = Annotated[Principal, require(Scope.feedback_submit)]
Platform = Annotated[Principal, require(Scope.platform)]
