"""Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-id`,
`webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
one `v1,…` per valid secret (several during a rotation's overlap), space-separated.

An endpoint's secret is never stored: it is derived from the server secret and a random salt
kept in the database (`whsec_` + base64 of 32 bytes), so a copy of the database alone cannot
sign as us.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105


def new_salt() -> str:
    return secrets.token_hex(32)


def derive_secret(server_secret: str, org_id: str, endpoint_id: str, salt: str) -> str:
    key = hmac.new(
        server_secret.encode(), f"calling/webhook/{org_id}/{endpoint_id}".encode(), hashlib.sha256
    ).digest()
    raw = hmac.new(key, salt.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.b64encode(raw).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
    }
