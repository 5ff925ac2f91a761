"""API keys: their material, scopes, and the lookup of a presented key.

A key reads `csk_<org>_<key>_<secret>` (a sandbox organization's: `csk_test_<org>_<key>_
<secret>`): the prefix makes a leaked key recognizable (secret scanners) and a sandbox's key
told apart from a live one at a glance, the org and key parts let the lookup use the
tenant-leading primary key, and the secret (160 random bits) is only ever stored as a
SHA-256 and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.api_keys.models import ApiKey
from service.organizations.models import Organization

KEY_PREFIX = "csk"
SANDBOX_KEY_PREFIX = "csk_test"
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
    # A sandbox organization's key; its test clock's offset when the key was looked up.
    sandbox: bool = False
    clock_offset: timedelta = timedelta(0)

    def allows(self, scope: Scope) -> bool:
        return any(scope == s or scope in _IMPLIED.get(s, ()) for s in self.scopes)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_prefix(sandbox: bool) -> str:
    return SANDBOX_KEY_PREFIX if sandbox else KEY_PREFIX


def new_key_material(org_id: str, key_id: str, sandbox: bool = False) -> tuple[str, str]:
    """Return (the full key to show once, the hash to store)."""
    secret = secrets.token_hex(_SECRET_BYTES)
    org, key = org_id.removeprefix("org_"), key_id.removeprefix("key_")
    return f"{key_prefix(sandbox)}_{org}_{key}_{secret}", hash_secret(secret)


def parse(token: str) -> tuple[str, str, str, bool] | None:
    """(org id, key id, secret, whether it is a sandbox key) of a well-formed key."""
    sandbox = token.startswith(SANDBOX_KEY_PREFIX + "_")
    parts = token.removeprefix(SANDBOX_KEY_PREFIX + "_" if sandbox else KEY_PREFIX + "_")
    pieces = parts.split("_") if parts != token else []
    if len(pieces) != 3:
        return None
    org, key, secret = pieces
    if len(org) != 26 or len(key) != 26 or len(secret) != 2 * _SECRET_BYTES:
        return None
    return f"org_{org}", f"key_{key}", secret, sandbox


_DUMMY_HASH = hash_secret("0" * 2 * _SECRET_BYTES)


def lookup(session: Session, token: str) -> Principal | None:
    parsed = parse(token)
    row = (
        session.execute(
            select(
                ApiKey,
                Organization.deactivated_at,
                Organization.sandbox,
                Organization.test_clock_seconds,
            )
            .join(Organization, Organization.org_id == ApiKey.org_id)
            .where(ApiKey.org_id == parsed[0], ApiKey.id == parsed[1])
        ).first()
        if parsed
        else None
    )  # one statement: the key, and whether its organization is deactivated or a sandbox
    key = row[0] if row is not None else None
    secret = parsed[2] if parsed else ""
    stored = key.secret_hash if key is not None else _DUMMY_HASH
    matches = hmac.compare_digest(stored, hash_secret(secret))
    if key is None or row is None or not matches or key.revoked_at is not None:
        return None
    if row[1] is not None:  # the organization is deactivated
        return None
    if bool(row[2]) != (parsed is not None and parsed[3]):  # a live key's prefix on a sandbox's
        return None
    return Principal(
        org_id=key.org_id,
        key_id=key.id,
        scopes=frozenset(key.scopes),
        sandbox=bool(row[2]),
        clock_offset=timedelta(seconds=row[3]),
    )
