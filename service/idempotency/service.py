"""`Idempotency-Key` on POST: replay the first response, refuse a different body or a race.

The record is written in the same transaction as the work it describes, so a replayable
response exists exactly when the work was committed. On PostgreSQL a transaction-scoped
advisory lock on (org, key) marks a request in flight; a second request with that key gets
409 instead of waiting. SQLite serializes writers (BEGIN IMMEDIATE), so the second request
sees the first one's committed record and replays it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.db import utcnow
from service.errors import Conflict, ServiceError, Unprocessable, problem_response
from service.idempotency.models import IdempotencyRecord

REPLAYED_HEADERS = ("location", "etag", "content-type")
SECRET_MARKER = "x-calling-secret-response"  # noqa: S105 - a header name, not a secret


class Replay(Exception):
    """Raised with a copy of the stored response (the session is rolled back after it)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.status_code = record.status_code
        self.headers = dict(record.headers)
        self.body = bytes(record.body)


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass
class IdempotencyClaim:
    org_id: str
    key: str
    fingerprint: str
    ttl: timedelta

    def record(
        self, session: Session, status_code: int, headers: dict[str, str], body: bytes
    ) -> None:
        now = utcnow()
        session.add(
            IdempotencyRecord(
                org_id=self.org_id,
                key=self.key,
                fingerprint=self.fingerprint,
                status_code=status_code,
                headers=headers,
                body=body,
                created_at=now,
                expires_at=now + self.ttl,
            )
        )
        try:
            session.flush()
        except IntegrityError as exc:
            raise _in_flight() from exc


def _in_flight() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        headers={"Retry-After": "1"},
    )


def claim(
    session: Session, org_id: str, key: str, fingerprint_: str, ttl: timedelta
) -> IdempotencyClaim:
    """Replay, refuse, or let the request proceed (returning the claim to record it)."""
    if session.get_bind().dialect.name == "postgresql":
        lock_key = func.hashtextextended(f"{org_id}:{key}", 0)
        if not session.scalar(select(func.pg_try_advisory_xact_lock(lock_key))):
            raise _in_flight()
    now = utcnow()
    existing = session.get(IdempotencyRecord, (org_id, key))
    if existing is not None and existing.expires_at <= now:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.org_id == org_id, IdempotencyRecord.expires_at <= now
            )
        )
        existing = None
    if existing is not None:
        if existing.fingerprint != fingerprint_:
            raise Unprocessable(
                "This Idempotency-Key was used with a different request body.",
                errors=[{"field": "header.Idempotency-Key", "message": "reused with another body"}],
            )
        raise Replay(existing)
    return IdempotencyClaim(org_id=org_id, key=key, fingerprint=fingerprint_, ttl=ttl)


def replay_response(replay: Replay) -> tuple[int, dict[str, str], bytes]:
    if SECRET_MARKER in replay.headers:
        raise Conflict(
            "The first request with this Idempotency-Key succeeded; its response held a secret "
            "that is shown only once. If it was lost, revoke that key and create another."
        )
    return replay.status_code, {**replay.headers, "Idempotent-Replayed": "true"}, replay.body


async def replay_handler(request: Request, exc: Exception) -> Response:
    """Send the stored first response again (or a problem when it held a secret)."""
    assert isinstance(exc, Replay)
    try:
        status, headers, body = replay_response(exc)
    except ServiceError as error:
        return problem_response(
            request, error.status, error.slug, error.title, error.detail, headers=error.headers
        )
    return Response(body, status_code=status, headers=headers)
