"""API keys → `Principal`; scopes.

A key reads `csk_<org>_<key>_<secret>`: the prefix makes a leaked key recognizable (secret
scanners), the org and key parts let the lookup use the tenant-leading primary key, and the
secret (160 random bits) is only ever stored as a SHA-256 and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from service.api.keycache import KeyCache
from service.api.ratelimit import acount_anonymous_request, acount_request
from service.db import ConnectionSlots
from service.errors import Forbidden, Unauthorized
from service.organizations.models import ApiKey, Organization

KEY_PREFIX = "csk"
_SECRET_BYTES = 20


class Scope(StrEnum):
    """What an API key may do: `read`, `write` (implies read and `feedback:submit`), `admin`
    (implies all), or only `feedback:submit` (a survey tool that posts feedback and nothing
    else)."""

    read = "read"
    write = "write"
    admin = "admin"
    feedback_submit = "feedback:submit"
    platform = "platform"


# admin ⊇ write ⊇ read. `platform` (keys of the platform organization only) implies nothing
# else: it manages organizations and reads no organization's data.
_IMPLIED: dict[str, set[str]] = {
    Scope.admin: {Scope.admin, Scope.write, Scope.read, Scope.feedback_submit},
    Scope.write: {Scope.write, Scope.read, Scope.feedback_submit},
    Scope.read: {Scope.read},
    Scope.feedback_submit: {Scope.feedback_submit},
    Scope.platform: {Scope.platform},
}


@dataclass(frozen=True)
class Principal:
    org_id: str
    key_id: str
    scopes: frozenset[str]

    def allows(self, scope: Scope) -> bool:
        return any(scope == s or scope in _IMPLIED.get(s, ()) for s in self.scopes)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key_material(org_id: str, key_id: str) -> tuple[str, str]:
    """Return (the full key to show once, the hash to store)."""
    secret = secrets.token_hex(_SECRET_BYTES)
    token = f"{KEY_PREFIX}_{org_id.removeprefix('org_')}_{key_id.removeprefix('key_')}_{secret}"
    return token, hash_secret(secret)


def _parse(token: str) -> tuple[str, str, str] | None:
    parts = token.split("_")
    if len(parts) != 4 or parts[0] != KEY_PREFIX:
        return None
    _, org, key, secret = parts
    if len(org) != 26 or len(key) != 26 or len(secret) != 2 * _SECRET_BYTES:
        return None
    return f"org_{org}", f"key_{key}", secret


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key of your organization: `Authorization: Bearer csk_…`.",
)

_DUMMY_HASH = hash_secret("0" * 2 * _SECRET_BYTES)


PRINCIPAL_STATE = "principal"


def _lookup(session: Session, token: str) -> Principal | None:
    parsed = _parse(token)
    row = (
        session.execute(
            select(ApiKey, Organization.deactivated_at)
            .join(Organization, Organization.org_id == ApiKey.org_id)
            .where(ApiKey.org_id == parsed[0], ApiKey.id == parsed[1])
        ).first()
        if parsed
        else None
    )  # one statement: the key and whether its organization is deactivated
    key = row[0] if row is not None else None
    secret = parsed[2] if parsed else ""
    stored = key.secret_hash if key is not None else _DUMMY_HASH
    matches = hmac.compare_digest(stored, hash_secret(secret))
    if key is None or row is None or not matches or key.revoked_at is not None:
        return None
    if row[1] is not None:  # the organization is deactivated
        return None
    return Principal(org_id=key.org_id, key_id=key.id, scopes=frozenset(key.scopes))


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
            raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        raise Unauthorized("The API key is invalid or revoked, or its organization is deactivated.")
    request.state.org_id = principal.org_id
    await acount_request(request, principal.org_id)  # 429 when over it
    for scope in scopes:
        if not principal.allows(scope):
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


async def authenticate(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The principal `authorize` accepted (`CallingRoute` runs it before anything else)."""
    principal: Principal | None = getattr(request.state, PRINCIPAL_STATE, None)
    if principal is None:
        raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
    return principal


def require(scope: Scope) -> object:
    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.allows(scope):  # `authorize` refused it already; kept as a guard
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return principal

    check.__name__ = f"require_{scope}"
    check.__dict__["required_scope"] = scope  # published as x-required-scope (api.openapi)
    return Depends(check)


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
