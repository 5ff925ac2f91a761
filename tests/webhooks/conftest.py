from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.db import make_sessionmaker, utcnow
from service.events.outbox import WebhookDelivery
from service.settings import Settings
from service.webhooks.worker import Worker


@pytest.fixture(scope="session")
def loopback_app(settings: Settings) -> FastAPI:
    """The app with the test-only setting that lets webhooks go to a loopback receiver."""
    return create_app(settings.model_copy(update={"webhooks_allow_loopback": True}))


@pytest.fixture
def hclient(loopback_app: FastAPI, db: Engine) -> Iterator[TestClient]:
    with TestClient(loopback_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def worker(db: Engine, settings: Settings) -> Worker:
    return Worker(
        sessions=make_sessionmaker(db),
        server_secret=settings.secret_key.get_secret_value(),
        allow_loopback=True,
    )


def make_due(engine: Engine) -> None:
    """Time passes: every waiting retry is due now (the clock itself stays real, so that the
    signatures' timestamps pass the receiver's tolerance)."""
    with engine.begin() as conn:
        conn.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
            .values(next_attempt_at=utcnow())
        )
