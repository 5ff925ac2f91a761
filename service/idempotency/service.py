"""`Idempotency-Key` on POST: replay the first response, refuse a different body or a race.

A record belongs to the API key that made it: another key of the organization sending the
same `Idempotency-Key` makes a new request, and a replay reaches its key only after that
key's scope check (`CallingRoute` authorizes before the record is even looked up). The
fingerprint is an HMAC-SHA256 under the server secret. Erasing a person deletes every stored
response that mentions them (`forget_person`); `purge_expired` (`calling purge`) deletes
records past their time.

The record is written in the same transaction as the work it describes, so a replayable
response exists exactly when the work was committed. On PostgreSQL a transaction-scoped
advisory lock on (org, key) marks a request in flight; a second request with that key gets
409 instead of waiting. SQLite serializes writers (BEGIN IMMEDIATE), so the second request
sees the first one's committed record and replays it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import clock
from service.errors import Conflict, Unprocessable
from service.idempotency.models import IdempotencyRecord
from service.problem_types import (
    ANONYMOUS_REPLAY_REFUSED,
    IDEMPOTENCY_KEY_IN_FLIGHT,
    IDEMPOTENCY_KEY_REUSED,
    SECRET_REPLAY_REFUSED,
)

REPLAYED_HEADERS = ("location", "etag", "content-type")
SECRET_MARKER = "x-calling-secret-response"  # noqa: S105 - a header name, not a secret
# A record of a request that stored an anonymous answer: it keeps neither the response (the
# receipt would link the key's owner — a response token's recipient — to the answer) nor the
# body's fingerprint (a replay that told a right guess of the body from a wrong one would be
# an oracle for the answer). Any replay of its key is refused alike.
ANONYMOUS_MARKER = "x-calling-anonymous-answer"
_NO_FINGERPRINT = "anonymous"


class Replay(Exception):
    """Raised with a copy of the stored response (the session is rolled back after it)."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.status_code = record.status_code
        self.headers = dict(record.headers)
        self.body = bytes(record.body)


def fingerprint(secret: bytes, method: str, path: str, body: bytes) -> str:
    """HMAC-SHA256 under the server secret of the method, the path and the body (canonical
    JSON when it parses, so a retry that reorders members is the same request)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = body
    digest = hmac.new(secret, digestmod=hashlib.sha256)
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass
class IdempotencyClaim:
    org_id: str
    api_key_id: str
    key: str
    fingerprint: str
    ttl: timedelta

    def record(
        self,
        session: Session,
        status_code: int,
        headers: dict[str, str],
        body: bytes,
        anonymous: bool = False,
    ) -> None:
        """Store the response for replays; for an `anonymous` answer, only that the key was
        used (`ANONYMOUS_MARKER`)."""
        now = clock.real_now()  # the service's time: records outlive no test clock
        fingerprint_ = self.fingerprint
        if anonymous:
            headers, body, fingerprint_ = {ANONYMOUS_MARKER: "1"}, b"", _NO_FINGERPRINT
        session.add(
            IdempotencyRecord(
                org_id=self.org_id,
                api_key_id=self.api_key_id,
                key=self.key,
                fingerprint=fingerprint_,
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
        cause=IDEMPOTENCY_KEY_IN_FLIGHT,
        headers={"Retry-After": "1"},
    )


def claim(
    session: Session,
    org_id: str,
    api_key_id: str,
    key: str,
    fingerprint_: str,
    ttl: timedelta,
) -> IdempotencyClaim:
    """Replay, refuse, or let the request proceed (returning the claim to record it)."""
    if session.get_bind().dialect.name == "postgresql":
        lock_key = func.hashtextextended(f"{org_id}:{api_key_id}:{key}", 0)
        if not session.scalar(select(func.pg_try_advisory_xact_lock(lock_key))):
            raise _in_flight()
    now = clock.real_now()
    existing = session.get(IdempotencyRecord, (org_id, api_key_id, key))
    if existing is not None and existing.expires_at <= now:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.org_id == org_id, IdempotencyRecord.expires_at <= now
            )
        )
        existing = None
    if existing is not None:
        if ANONYMOUS_MARKER in existing.headers:  # whatever the body: nothing to compare
            raise Conflict(
                "The first request with this Idempotency-Key stored an anonymous answer. Its "
                "receipt is not kept, so that nothing about the answer can be read back: the "
                "answer is stored; do not send it again.",
                cause=ANONYMOUS_REPLAY_REFUSED,
            )
        if not hmac.compare_digest(existing.fingerprint, fingerprint_):
            raise Unprocessable(
                "This Idempotency-Key was used with a different request body.",
                cause=IDEMPOTENCY_KEY_REUSED,
                errors=[{"field": "header.Idempotency-Key", "message": "reused with another body"}],
            )
        raise Replay(existing)
    return IdempotencyClaim(
        org_id=org_id, api_key_id=api_key_id, key=key, fingerprint=fingerprint_, ttl=ttl
    )


def forget_person(session: Session, org_id: str, person_id: str) -> int:
    """Delete the stored responses that mention `person_id` (erasure): a response that
    describes a person holds their id. Returns how many went."""
    # The id's random part: unique, and free of LIKE's wildcards (`per_` holds a `_`).
    marker = person_id.rpartition("_")[2].encode()
    if session.get_bind().dialect.name == "sqlite":  # SQLite's LIKE does not search BLOBs
        mentions = func.instr(IdempotencyRecord.body, marker) > 0
    else:
        mentions = IdempotencyRecord.body.contains(marker)  # bytea LIKE bytea
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.org_id == org_id, mentions)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, now: datetime) -> int:
    """Delete every record past its `expires_at` (all organizations); `calling purge`."""
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def replay_response(replay: Replay) -> tuple[int, dict[str, str], bytes]:
    if SECRET_MARKER in replay.headers:
        raise Conflict(
            "The first request with this Idempotency-Key succeeded; its response held a secret "
            "that is shown only once. If it was lost, revoke that key and create another.",
            cause=SECRET_REPLAY_REFUSED,
        )
    return replay.status_code, {**replay.headers, "Idempotent-Replayed": "true"}, replay.body
