"""Single-use response tokens: `frt_<org>_<respondent>_<secret>`, stored as a SHA-256.

Like API keys, the org and respondent parts let the lookup use the tenant-leading primary
key and the secret (160 random bits) is compared in constant time; the token travels in the
`Authorization` header, never in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "frt"
_SECRET_BYTES = 20


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(org_id: str, recipient_id: str) -> tuple[str, str]:
    """Return (the token to show once, the hash to store)."""
    secret = secrets.token_hex(_SECRET_BYTES)
    org, rcp = org_id.removeprefix("org_"), recipient_id.removeprefix("rcp_")
    return f"{PREFIX}_{org}_{rcp}_{secret}", _hash(secret)


def parse(token: str) -> tuple[str, str, str] | None:
    """(org id, respondent id, secret), or None when it is not a token of this shape."""
    parts = token.split("_")
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    _, org, rcp, secret = parts
    if len(org) != 26 or len(rcp) != 26 or len(secret) != 2 * _SECRET_BYTES:
        return None
    return f"org_{org}", f"rcp_{rcp}", secret


_DUMMY = _hash("0" * 2 * _SECRET_BYTES)


def matches(stored_hash: str | None, secret: str) -> bool:
    return hmac.compare_digest(stored_hash or _DUMMY, _hash(secret)) and stored_hash is not None
