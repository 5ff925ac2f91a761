"""Shared helpers of the trust tests: a frozen clock, people, answers, reads, closing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service import clock
from service.closing import close_all, purge_all
from service.db import make_sessionmaker
from tests.conftest import Tenant

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def at(self, when: datetime) -> None:
        assert when >= self.now, "the frozen clock only moves forward"
        self.now = when

    def advance(self, **delta: float) -> None:
        self.at(self.now + timedelta(**delta))


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.now)
    yield c


def all_items(value: int) -> dict[str, int]:
    return {"trust": value, "greater_good": value, "want_to_follow": value, "leaned_on": value}


def person(client: TestClient, tenant: Tenant, external_id: str) -> str:
    r = client.post(
        "/v1/people",
        json={"external_id": external_id, "display_name": external_id},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def give(
    client: TestClient,
    tenant: Tenant,
    leader: str,
    ref: str | None,
    answers: int | dict[str, int],
    relationship: str = "peer",
    *,
    attributed: str | None = None,
) -> str:
    """An answer about `leader`: anonymous with reference `ref` (None: no reference), or
    attributed to the person `attributed`."""
    respondent: dict[str, str] = {}
    if attributed is not None:
        respondent = {"person_id": attributed}
    elif ref is not None:
        respondent = {"reference": ref}
    r = client.post(
        "/v1/feedback",
        json={
            "leader_id": leader,
            "relationship": relationship,
            "answers": all_items(answers) if isinstance(answers, int) else answers,
            "respondent": respondent,
        },
        headers=tenant.headers("write"),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def retract(client: TestClient, tenant: Tenant, feedback_id: str) -> None:
    r = client.post(f"/v1/feedback/{feedback_id}/retract", headers=tenant.headers("admin"))
    assert r.status_code == 200, r.text


def erase(client: TestClient, tenant: Tenant, person_id: str) -> None:
    etag = client.get(f"/v1/people/{person_id}", headers=tenant.headers()).headers["etag"]
    r = client.delete(f"/v1/people/{person_id}", headers=tenant.headers(**{"If-Match": etag}))
    assert r.status_code == 204, r.text


def change_settings(client: TestClient, tenant: Tenant, **settings: Any) -> None:
    etag = client.get("/v1/organization", headers=tenant.headers()).headers["etag"]
    r = client.patch(
        "/v1/organization",
        json={"settings": settings},
        headers=tenant.headers(**{"If-Match": etag}),
    )
    assert r.status_code == 200, r.text


def score(
    client: TestClient, tenant: Tenant, leader: str, *, scope: str = "read", **params: str
) -> dict[str, Any]:
    r = client.get(
        f"/v1/leaders/{leader}/trust-score", params=params, headers=tenant.headers(scope)
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def close(engine: Engine) -> int:
    """The `calling close-periods` step, in-process (the frozen clock applies)."""
    return close_all(make_sessionmaker(engine))


def purge(engine: Engine) -> int:
    """The `calling purge` step, in-process."""
    return purge_all(make_sessionmaker(engine))
