"""The outbox of the event feed: the endpoints subscribed to it and one delivery per event and
subscribed endpoint, queued in the transaction of the change that emits the event (the
transactional outbox), so an event and its deliveries commit or roll back together.

`service.webhooks` builds on this: it manages the endpoints and drains the deliveries over
HTTP (`webhooks.worker`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from service import clock
from service.db import Base, TenantMixin, TimestampMixin
from service.events.models import Event
from service.ids import new_id


class WebhookEndpoint(TenantMixin, TimestampMixin, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        ForeignKeyConstraint(["org_id"], ["organizations.org_id"], ondelete="CASCADE"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(200), default=None)
    # Empty: every type.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="enabled")
    disabled_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # The signing secret is derived from the server secret and this salt, so the database
    # alone never holds a usable secret (service.webhooks.signing).
    secret_salt: Mapped[str] = mapped_column(String(64))
    previous_secret_salt: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class WebhookDelivery(TenantMixin, Base):
    """One event to one endpoint: pending until a 2xx (or given up on); retried with backoff."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["org_id", "endpoint_id"],
            ["webhook_endpoints.org_id", "webhook_endpoints.id"],
            ondelete="CASCADE",
        ),
        Index(None, "org_id", "endpoint_id", "id"),
        Index(None, "org_id", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(32))
    event_seq: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status_code: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column()


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
    now = clock.real_now()  # the worker's time (an event of a sandbox is dated by its test clock)
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
            next_attempt_at=now,
            created_at=now,
        )
        for event in events
        for endpoint in endpoints
        if not endpoint.event_types or event.type in endpoint.event_types
    )
    session.flush()


def drop_deliveries(session: Session, org_id: str, event_seqs: Sequence[int]) -> None:
    """The pending and past deliveries of these events (erasure)."""
    session.execute(
        delete(WebhookDelivery)
        .where(WebhookDelivery.org_id == org_id, WebhookDelivery.event_seq.in_(event_seqs))
        .execution_options(synchronize_session=False)
    )
