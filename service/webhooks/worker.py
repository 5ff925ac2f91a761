"""`calling worker`: deliver pending webhook deliveries.

Each delivery is claimed in a short transaction of its own: on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, so several workers run at once and each delivery is taken
by one of them, which moves its next attempt a lease ahead; the HTTP call happens outside any
transaction, and a second one records the outcome. On SQLite run one worker (`calling serve`
runs it in-process there); the API's writes never wait for a receiver.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import utcnow
from service.events.models import Event
from service.events.outbox import WebhookDelivery, WebhookEndpoint
from service.events.service import purge_expired
from service.organizations.models import Organization
from service.reflections.due import emit_due_reflections
from service.webhooks import backoff, signing, ssrf
from service.webhooks.delivery import Outcome, post

logger = logging.getLogger("calling.webhooks")

Sender = Callable[[ssrf.Target, dict[str, str], bytes], Outcome]

# How long a claimed delivery is left to the worker that claimed it: more than the longest
# attempt (5 s to connect + 10 s to answer, plus DNS), so no two workers send it at once.
LEASE = timedelta(seconds=60)


@dataclass
class Worker:
    sessions: sessionmaker[Session]
    server_secret: str
    allow_loopback: bool = False  # the test-only deployment setting
    sandbox_loopback: bool = True  # `sandbox_webhooks_allow_loopback`
    resolve: ssrf.Resolver = ssrf.system_resolver
    send: Sender = post
    rng: random.Random = field(default_factory=random.Random)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop` is set, sleeping `idle_seconds` when nothing is due."""
        purged_at: datetime | None = None
        checked_at: datetime | None = None
        while not self.stop.is_set():
            try:
                if self.deliver_one() is None:
                    now = utcnow()
                    if checked_at is None or (now - checked_at).total_seconds() > 60:
                        self.announce_due()
                        checked_at = now
                    if purged_at is None or (now - purged_at).total_seconds() > 3600:
                        with self.sessions.begin() as session:
                            purge_expired(session, now)
                        purged_at = now
                    self.stop.wait(idle_seconds)
            except Exception as exc:  # a database outage: wait and try again
                logger.warning("webhook worker error: %s", type(exc).__name__)
                self.stop.wait(idle_seconds)

    def announce_due(self) -> int:
        """Emit `reflection.due` for every reflection that fell due (once each)."""
        with self.sessions.begin() as session:
            return emit_due_reflections(session, utcnow())

    def drain(self) -> int:
        """Deliver everything due now; return how many attempts were made (tests, CLI)."""
        count = 0
        while self.deliver_one() is not None:
            count += 1
        return count

    def deliver_one(self) -> str | None:
        """Claim one due delivery, send it, record the outcome; its id, or None when nothing
        is due. The claim (a short transaction) pushes the delivery's next attempt a lease
        ahead, so no other worker takes it while this one sends it, and no transaction or
        lock is held during DNS and HTTP."""
        with self.sessions.begin() as session:
            now = utcnow()
            stmt = (
                select(WebhookDelivery)
                .join(
                    WebhookEndpoint,
                    (WebhookEndpoint.org_id == WebhookDelivery.org_id)
                    & (WebhookEndpoint.id == WebhookDelivery.endpoint_id),
                )
                .where(
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookEndpoint.status == "enabled",
                )
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_seq)
                .limit(1)
            )
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(of=WebhookDelivery, skip_locked=True)
            delivery = session.scalar(stmt)
            if delivery is None:
                return None
            key = (delivery.org_id, delivery.id)
            request = self._claim(session, delivery, now)
        if request is not None:
            url, headers, body, sandbox = request
            rules = ssrf.rules(sandbox, self.allow_loopback, self.sandbox_loopback)
            try:
                target = ssrf.check(url, self.resolve, **rules)
            except ssrf.Refused as exc:
                outcome = Outcome(None, f"refused: {exc}")
            else:
                outcome = self.send(target, headers, body)
            with self.sessions.begin() as session:
                self._record(session, key, outcome, utcnow())
        return key[1]

    def _claim(
        self, session: Session, delivery: WebhookDelivery, now: datetime
    ) -> tuple[str, dict[str, str], bytes, bool] | None:
        """(url, signed headers, body, whether the organization is a sandbox) to send."""
        endpoint = session.get(WebhookEndpoint, (delivery.org_id, delivery.endpoint_id))
        event = session.get(Event, (delivery.org_id, delivery.event_seq))
        assert endpoint is not None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        if event is None:  # older than the feed keeps
            delivery.status, delivery.last_error = "failed", "the event has expired"
            return None
        body = json.dumps(
            {
                "id": event.id,  # also the `webhook-id` header: the body is the feed's event
                "type": event.type,
                "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
                "data": event.data,
            },
            separators=(",", ":"),
        ).encode()
        secrets_ = secrets_for(endpoint, self.server_secret, now)
        headers = signing.headers(secrets_, event.id, int(now.timestamp()), body)
        sandbox = session.scalar(
            select(Organization.sandbox).where(Organization.org_id == delivery.org_id)
        )
        return endpoint.url, headers, body, bool(sandbox)

    def _record(
        self, session: Session, key: tuple[str, str], outcome: Outcome, now: datetime
    ) -> None:
        delivery = session.get(WebhookDelivery, key)
        if delivery is None or delivery.status != "pending":
            return  # the endpoint was deleted meanwhile
        endpoint = session.get(WebhookEndpoint, (delivery.org_id, delivery.endpoint_id))
        assert endpoint is not None
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.status, delivery.delivered_at = "succeeded", now
            return
        if outcome.status_code == 410:
            delivery.status = "failed"
            endpoint.status = "disabled"
            endpoint.disabled_reason = "The receiver answered 410 Gone."
            endpoint.updated_at = now
            return
        delay = backoff.next_delay(delivery.attempts, self.rng)
        if delay is None:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = now + delay


def secrets_for(endpoint: WebhookEndpoint, server_secret: str, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    found = [
        signing.derive_secret(server_secret, endpoint.org_id, endpoint.id, endpoint.secret_salt)
    ]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_salt and expires is not None and expires > now:
        found.append(
            signing.derive_secret(
                server_secret, endpoint.org_id, endpoint.id, endpoint.previous_secret_salt
            )
        )
    return found
