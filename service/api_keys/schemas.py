"""API key bodies, and the platform's new tenant with its first key."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict

from service.api_keys.keys import Scope
from service.ids import id_pattern
from service.organizations.schemas import TenantOut
from service.schema import Schema
from service.types import Name


class KeyScope(StrEnum):
    """A scope an organization's key can be given (`platform` keys come from the CLI only)."""

    read = "read"
    write = "write"
    admin = "admin"
    feedback_submit = "feedback:submit"


class ApiKeyCreate(Schema):
    """A new API key."""

    name: Name = Field(description="What the key is for.", examples=["HR sync (production)"])
    scopes: list[KeyScope] = Field(
        min_length=1,
        max_length=4,
        description="`read`; `write` (implies read and `feedback:submit`); `admin` (implies "
        "all); `feedback:submit` (may only submit feedback).",
        examples=[["read", "write"]],
    )


# `csk_<org>_<key>_<secret>` (api_keys.keys): the org and key parts of the ids, 40 hex digits.
_C32 = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32


class ApiKeyOut(Schema):
    """An API key of your organization (never its secret)."""

    id: str = Field(
        pattern=id_pattern("key"),
        description="API key id.",
        examples=["key_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )
    name: Name = Field(description="What the key is for.", examples=["HR sync (production)"])
    scopes: list[Scope] = Field(
        max_length=len(Scope),
        description="`read`; `write` (implies read and `feedback:submit`); `admin` (implies "
        "all); `feedback:submit` (may only submit feedback).",
        examples=[["read", "write"]],
    )
    prefix: str = Field(
        max_length=44,
        pattern=rf"^csk_(test_)?{_C32}{{26}}_{_C32}{{8}}$",
        description="The key's first characters, to recognise it (`csk_test_…`: a sandbox "
        "organization's key).",
        examples=["csk_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8"],
    )
    created_at: datetime = Field(
        description="When the key was created.", examples=["2025-01-02T10:00:00Z"]
    )
    revoked_at: datetime | None = Field(
        description="When the key was revoked; `null` while it works.", examples=[None]
    )


class CurrentApiKey(ApiKeyOut):
    """The API key that made this request, and its organization."""

    organization_id: str = Field(
        pattern=id_pattern("org"),
        description="The organization the key belongs to.",
        examples=["org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    )


class ApiKeyCreated(ApiKeyOut):
    """A new API key, with its secret: shown this once."""

    key: str = Field(
        max_length=103,
        pattern=rf"^csk_(test_)?{_C32}{{26}}_{_C32}{{26}}_[0-9a-f]{{40}}$",
        description="The API key. Shown once: store it now.",
        examples=[
            "csk_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8W4M3KXHNB7T2C9V6RF_"
            "0123456789abcdef0123456789abcdef01234567"
        ],
    )


class TenantCreate(Schema):
    """A new customer organization and the name of its first admin key."""

    name: Name = Field(description="The organization's display name.", examples=["Acme AB"])
    admin_key_name: Name = Field(
        "Initial admin key",
        description="What its first admin key is for.",
        examples=["Acme AB: HR platform integration"],
    )
    sandbox: Annotated[bool, Strict()] = Field(
        False,
        description="Create a sandbox: an organization for an integrator's tests, with a test "
        "clock (`advance_test_clock`) and webhooks allowed to `http://` and loopback "
        "receivers. Its keys read `csk_test_…` and every response to them carries "
        "`Calling-Sandbox: true`. Never made live; the same privacy rules apply.",
        examples=[False],
    )


class TenantCreated(Schema):
    """The new organization and its first admin key, with the key's secret: shown this once."""

    organization: TenantOut = Field(
        description="The new organization.",
        examples=[
            {
                "id": "org_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
                "name": "Acme AB",
                "revision": 1,
                "created_at": "2025-01-02T10:00:00Z",
                "updated_at": "2025-01-02T10:00:00Z",
                "deactivated_at": None,
                "sandbox": False,
            }
        ],
    )
    admin_key: ApiKeyCreated = Field(
        description="Its first API key, scope `admin`; works at once. Shown once: store it now.",
        examples=[
            {
                "id": "key_01JD5ZQ8W4M3KXHNB7T2C9V6RF",
                "name": "Initial admin key",
                "scopes": ["admin"],
                "prefix": "csk_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8",
                "created_at": "2025-01-02T10:00:00Z",
                "revoked_at": None,
                "key": "csk_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8W4M3KXHNB7T2C9V6RF_"
                "0123456789abcdef0123456789abcdef01234567",
            }
        ],
    )
