"""Webhook endpoints: register (SSRF-checked), change, rotate secrets, log, redeliver."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Conflict, NotFound, Unprocessable
from service.events.outbox import WebhookDelivery, WebhookEndpoint
from service.ids import new_id
from service.pages import PageParams, paginate
from service.problem_types import DELIVERY_PENDING, NOT_FOUND, WEBHOOK_URL_REFUSED
from service.webhooks import signing, ssrf
from service.webhooks.schemas import (
    DeliveryOut,
    DeliveryStatus,
    EndpointCreate,
    EndpointOut,
    EndpointPatch,
)


def check_url(url: str, resolve: ssrf.Resolver, rules: dict[str, bool]) -> None:
    """422 on `url` unless it passes the SSRF rules (`ssrf.rules` of the organization)."""
    try:
        ssrf.check(url, resolve, **rules)
    except ssrf.Refused as exc:
        raise Unprocessable(
            f"url: {exc}.",
            cause=WEBHOOK_URL_REFUSED,
            errors=[{"field": "url", "message": str(exc)}],
        ) from exc


def create_endpoint(
    session: Session, org_id: str, body: EndpointCreate, now: datetime
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        org_id=org_id,
        id=new_id("whk"),
        url=body.url,
        description=body.description,
        event_types=sorted({str(t) for t in body.event_types}),
        status="enabled",
        secret_salt=signing.new_salt(),
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def secret_of(endpoint: WebhookEndpoint, server_secret: str) -> str:
    return signing.derive_secret(server_secret, endpoint.org_id, endpoint.id, endpoint.secret_salt)


def get_endpoint(session: Session, org_id: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, (org_id, endpoint_id))
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.", cause=NOT_FOUND)
    return endpoint


def list_endpoints(
    session: Session, org_id: str, page: PageParams
) -> tuple[list[WebhookEndpoint], str | None]:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id)
    return paginate(session, stmt, [WebhookEndpoint.id], page, lambda e: [e.id])


def update_endpoint(
    session: Session, endpoint: WebhookEndpoint, body: EndpointPatch, now: datetime
) -> None:
    changes = body.model_dump(exclude_unset=True)
    if "event_types" in changes:
        changes["event_types"] = sorted({str(t) for t in changes["event_types"]})
    if "status" in changes:
        changes["status"] = str(changes["status"])
        if changes["status"] == "enabled":
            endpoint.disabled_reason = None
    changed = {k: v for k, v in changes.items() if getattr(endpoint, k) != v}
    if not changed:
        return
    for name, value in changed.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = now
    session.flush()


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    session.delete(endpoint)
    session.flush()


def rotate_secret(
    session: Session, endpoint: WebhookEndpoint, overlap: timedelta, now: datetime
) -> None:
    """A new secret; the previous one keeps signing (both signatures sent) until the end of
    the overlap."""
    endpoint.previous_secret_salt = endpoint.secret_salt if overlap else None
    endpoint.previous_secret_expires_at = now + overlap if overlap else None
    endpoint.secret_salt = signing.new_salt()
    endpoint.updated_at = now
    session.flush()


def endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut.model_validate(endpoint)


def list_deliveries(
    session: Session,
    endpoint: WebhookEndpoint,
    page: PageParams,
    status: DeliveryStatus | None = None,
) -> tuple[list[WebhookDelivery], str | None]:
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.org_id == endpoint.org_id, WebhookDelivery.endpoint_id == endpoint.id
    )
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return paginate(session, stmt, [WebhookDelivery.id], page, lambda d: [d.id])


def get_delivery(session: Session, endpoint: WebhookEndpoint, delivery_id: str) -> WebhookDelivery:
    delivery = session.get(WebhookDelivery, (endpoint.org_id, delivery_id))
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound(f"No delivery {delivery_id} of this endpoint.", cause=NOT_FOUND)
    return delivery


def redeliver(session: Session, delivery: WebhookDelivery, now: datetime) -> None:
    """Send it again as soon as a worker is free (same `webhook-id`), with a fresh schedule."""
    if delivery.status == "pending":
        raise Conflict(
            "This delivery is still pending; it will be attempted as scheduled.",
            cause=DELIVERY_PENDING,
        )
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.delivered_at = None
    session.flush()


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=DeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
    )
