"""Several workers at once: each delivery is claimed by one (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.events.data import PersonUpdatedData
from service.events.outbox import WebhookEndpoint
from service.events.service import emit_many
from service.settings import Settings
from service.webhooks.delivery import Outcome
from service.webhooks.ssrf import Target
from service.webhooks.worker import Worker
from tests.conftest import Tenant

EVENTS = 1000


def test_two_workers_deliver_each_of_1000_events_once(
    db: Engine, tenant: Tenant, settings: Settings, backend: str
) -> None:
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        session.add(
            WebhookEndpoint(
                org_id=tenant.org_id,
                id="whk_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
                url="https://hooks.example.com/in",
                event_types=[],
                status="enabled",
                secret_salt="00" * 32,
            )
        )
        session.flush()
        events = emit_many(
            session,
            tenant.org_id,
            [PersonUpdatedData(id=f"per_{i:026d}", version=2) for i in range(EVENTS)],
        )
        expected = {e.id for e in events}

    received: list[tuple[str, str]] = []
    lock = threading.Lock()

    def sender(name: str):  # type: ignore[no-untyped-def]
        def send(target: Target, headers: dict[str, str], body: bytes) -> Outcome:
            time.sleep(0.0005)  # a receiver takes a moment: the workers overlap
            with lock:
                received.append((name, headers["webhook-id"]))
            return Outcome(204)

        return send

    workers = [
        Worker(
            sessions=sessions,
            server_secret=settings.secret_key.get_secret_value(),
            resolve=lambda host, port: ["93.184.215.14"],
            send=sender(name),
        )
        for name in ("one", "two")
    ]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    ids = Counter(event_id for _, event_id in received)
    assert set(ids) == expected
    assert max(ids.values()) == 1, "an event was delivered twice"
    by_worker = Counter(name for name, _ in received)
    if backend == "postgresql":  # SKIP LOCKED: both work at once
        assert by_worker["one"] > 50 and by_worker["two"] > 50, by_worker
