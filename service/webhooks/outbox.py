"""Queue a delivery of each new event to each enabled endpoint subscribed to its type, in the
transaction of the change (the transactional outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.events.models import Event
from service.ids import new_id
from service.webhooks.models import WebhookDelivery, WebhookEndpoint


def enqueue(session: Session, org_id: str, events: Sequence[Event]) -> None:
    endpoints = list(
        session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
                WebhookEndpoint.org_id == org_id, WebhookEndpoint.status == "enabled"
            )
        )
    )
    if not endpoints:
        return
    session.add_all(
        WebhookDelivery(
            org_id=org_id,
            id=new_id("dlv"),
            endpoint_id=endpoint.id,
            event_seq=event.seq,
            event_id=event.id,
            event_type=event.type,
            status="pending",
            attempts=0,
            next_attempt_at=event.occurred_at,
            created_at=event.occurred_at,
        )
        for event in events
        for endpoint in endpoints
        if not endpoint.event_types or event.type in endpoint.event_types
    )
    session.flush()
