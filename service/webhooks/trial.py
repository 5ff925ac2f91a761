"""A test event, sent at once: so an integrator can try a receiver before any real event.

`webhook.test` is signed and sent as a real delivery is (Standard Webhooks headers, the
endpoint's current secrets, the address checked against the SSRF rules again), but it is not
an event of the feed, queues nothing and changes nothing: the endpoint's status and its
delivery log stay as they are, whatever the receiver answers (a 410 does not disable it).
"""

from __future__ import annotations

import json
import time
from datetime import datetime

from service.events.outbox import WebhookEndpoint
from service.ids import new_id
from service.webhooks import signing, ssrf
from service.webhooks.delivery import Outcome
from service.webhooks.schemas import TEST_EVENT_TYPE, WebhookTestResult
from service.webhooks.worker import Sender, secrets_for


def prepare(
    endpoint: WebhookEndpoint, server_secret: str, now: datetime
) -> tuple[str, str, dict[str, str], bytes]:
    """(event id, url, headers, body) of a signed `webhook.test` event for `endpoint`."""
    event_id = new_id("evt")
    body = json.dumps(
        {
            "id": event_id,
            "type": TEST_EVENT_TYPE,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": {"endpoint_id": endpoint.id, "message": "A test event from Calling."},
        },
        separators=(",", ":"),
    ).encode()
    secrets_ = secrets_for(endpoint, server_secret, now)
    headers = signing.headers(secrets_, event_id, int(now.timestamp()), body)
    return event_id, endpoint.url, headers, body


def send(
    event_id: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    sent_at: datetime,
    *,
    resolve: ssrf.Resolver,
    rules: dict[str, bool],
    sender: Sender,
) -> WebhookTestResult:
    """Send it once (no retry) and say what the receiver answered."""
    started = time.perf_counter()
    try:
        target = ssrf.check(url, resolve, **rules)
    except ssrf.Refused as exc:
        outcome = Outcome(None, f"refused: {exc}"[:200])
    else:
        outcome = sender(target, headers, body)
    return WebhookTestResult(
        event_id=event_id,
        event_type=TEST_EVENT_TYPE,
        succeeded=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error,
        sent_at=sent_at,
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
