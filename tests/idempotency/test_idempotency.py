from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from service import cli
from service.events.models import Event
from service.idempotency.models import IdempotencyRecord
from service.idempotency.service import fingerprint
from service.models import Base
from service.settings import get_settings
from tests.conftest import Tenant

BODY = {"external_id": "E-1", "display_name": "Ada"}


def people_count(client: TestClient, tenant: Tenant) -> int:
    return len(client.get("/v1/people", headers=tenant.headers()).json()["data"])


def test_same_key_same_body_replays(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "abc"})
    first = client.post("/v1/people", json=BODY, headers=headers)
    second = client.post("/v1/people", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert people_count(client, tenant) == 1


def test_same_key_other_body_is_422(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "abc"})
    assert client.post("/v1/people", json=BODY, headers=headers).status_code == 201
    other = client.post("/v1/people", json={**BODY, "display_name": "Bo"}, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert people_count(client, tenant) == 1


def test_keys_are_per_organization(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    a = client.post("/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "k"}))
    b = client.post(
        "/v1/people", json=BODY, headers=other_tenant.headers(**{"Idempotency-Key": "k"})
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_failed_request_is_not_recorded(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "retry-me"})
    bad = client.post(
        "/v1/people", json={**BODY, "manager_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}, headers=headers
    )
    assert bad.status_code == 422
    fixed = client.post(
        "/v1/people", json={**BODY, "manager_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}, headers=headers
    )
    assert fixed.status_code == 422  # still invalid, and still not recorded
    good = client.post("/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "x"}))
    assert good.status_code == 201


def test_key_longer_than_255_is_422(client: TestClient, tenant: Tenant) -> None:
    response = client.post(
        "/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "k" * 256})
    )
    assert response.status_code == 422
    assert people_count(client, tenant) == 0


def test_concurrent_requests_with_one_key_create_one_row(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers(**{"Idempotency-Key": "burst"})

    def post(_: int) -> tuple[int, str | None]:
        response = client.post("/v1/people", json=BODY, headers=headers)
        return response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(post, range(30)))
    statuses = sorted({status for status, _ in results})
    assert set(statuses) <= {201, 409}, results
    created_ids = {pid for status, pid in results if status == 201}
    assert len(created_ids) == 1
    assert people_count(client, tenant) == 1


# --- issue 10: records per API key, replays after the scope check, keyed fingerprints,
# erasure and purging ------------------------------------------------------------------


def test_another_key_of_the_organization_cannot_replay(client: TestClient, tenant: Tenant) -> None:
    """A `read` key sending an admin's Idempotency-Key and body gets 403, not the stored
    person; a `write` key's same key is a new request of its own."""
    admin = tenant.headers("admin", **{"Idempotency-Key": "victim"})
    first = client.post("/v1/people", json={**BODY, "email": "ada@example.com"}, headers=admin)
    assert first.status_code == 201
    reader = client.post(
        "/v1/people",
        json={**BODY, "email": "ada@example.com"},
        headers=tenant.headers("read", **{"Idempotency-Key": "victim"}),
    )
    assert reader.status_code == 403
    assert "ada@example.com" not in reader.text
    assert "idempotent-replayed" not in reader.headers
    # Guessing bodies against someone else's key tells nothing: a new request each time.
    writer = client.post(
        "/v1/people",
        json={"external_id": "E-2", "display_name": "Bo"},
        headers=tenant.headers("write", **{"Idempotency-Key": "victim"}),
    )
    assert writer.status_code == 201
    assert "idempotent-replayed" not in writer.headers
    assert writer.json()["id"] != first.json()["id"]


def test_retraction_replay_needs_the_admin_scope(client: TestClient, tenant: Tenant) -> None:
    leader = client.post("/v1/people", json=BODY, headers=tenant.headers()).json()["id"]
    respondent = client.post(
        "/v1/people", json={"external_id": "E-9", "display_name": "Cy"}, headers=tenant.headers()
    ).json()["id"]
    feedback = client.post(
        "/v1/feedback",
        json={
            "leader_id": leader,
            "relationship": "peer",
            "respondent": {"person_id": respondent},
            "answers": {"trust": 4, "greater_good": 4, "want_to_follow": 4, "leaned_on": 4},
            "needs": "ATTRIBUTED-SECRET",
        },
        headers=tenant.headers("admin"),
    ).json()["id"]
    path = f"/v1/feedback/{feedback}/retract"
    admin = client.post(path, headers=tenant.headers("admin", **{"Idempotency-Key": "r1"}))
    assert admin.status_code == 200
    submitter = client.post(
        path, headers=tenant.headers("feedback:submit", **{"Idempotency-Key": "r1"})
    )
    assert submitter.status_code == 403
    assert "ATTRIBUTED-SECRET" not in submitter.text


def test_the_fingerprint_is_keyed_with_the_server_secret(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    response = client.post(
        "/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "hmac"})
    )
    assert response.status_code == 201
    with db.connect() as conn:
        stored = conn.scalar(select(IdempotencyRecord.fingerprint))
    canonical = json.dumps(BODY, sort_keys=True, separators=(",", ":")).encode()
    unkeyed = hashlib.sha256()
    for part in (b"POST", b"/v1/people", canonical):
        unkeyed.update(len(part).to_bytes(8, "big") + part)
    assert stored != unkeyed.hexdigest()
    assert stored == fingerprint(
        get_settings_secret(client), "POST", "/v1/people", json.dumps(BODY).encode()
    )
    assert stored != fingerprint(b"another secret", "POST", "/v1/people", canonical)


def get_settings_secret(client: TestClient) -> bytes:
    return bytes(client.app.state.settings.secret_key.get_secret_value().encode())  # type: ignore[attr-defined]


def test_erasure_deletes_the_stored_responses_that_describe_the_person(
    client: TestClient, tenant: Tenant, db: Engine
) -> None:
    name, email = "MARKER-Name-4d1e", "marker-4d1e@example.com"
    created = client.post(
        "/v1/people",
        json={"external_id": "E-77", "display_name": name, "email": email},
        headers=tenant.headers(**{"Idempotency-Key": "erase-me"}),
    )
    assert created.status_code == 201
    person = created.json()["id"]
    bulk = client.post(
        "/v1/people/bulk",
        json={"people": [{"external_id": "E-77", "display_name": name, "email": email}]},
        headers=tenant.headers(**{"Idempotency-Key": "erase-me-bulk"}),
    )
    assert bulk.status_code in (200, 201), bulk.text
    other = client.post(
        "/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "keep-me"})
    )
    assert other.status_code == 201
    etag = client.get(f"/v1/people/{person}", headers=tenant.headers()).headers["etag"]
    deleted = client.delete(f"/v1/people/{person}", headers=tenant.headers(**{"If-Match": etag}))
    assert deleted.status_code == 204
    everything = all_text(db)  # a marker scan of every table
    assert name not in everything and email not in everything
    # Their opaque id stays only in the events feed's `person.deleted` tombstone (so mirrors
    # delete them too): no stored response, nor any other row, names them.
    assert person.removeprefix("per_") not in all_text(db, exclude={"events"})
    with db.connect() as conn:
        naming = [
            row.type
            for row in conn.execute(select(Event.type, Event.data))
            if person in repr(row.data)
        ]
    assert naming == ["person.deleted"]
    # The replay no longer returns them (the request runs again, as a new one).
    again = client.post(
        "/v1/people",
        json={"external_id": "E-77", "display_name": name, "email": email},
        headers=tenant.headers(**{"Idempotency-Key": "erase-me"}),
    )
    assert "idempotent-replayed" not in again.headers
    # Another person's stored response stays.
    replay = client.post(
        "/v1/people", json=BODY, headers=tenant.headers(**{"Idempotency-Key": "keep-me"})
    )
    assert replay.headers["idempotent-replayed"] == "true"


def all_text(engine: Engine, exclude: frozenset[str] | set[str] = frozenset()) -> str:
    chunks = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in exclude:
                continue
            for row in conn.execute(select(table)):
                chunks.append(repr(tuple(row)))
    return "\n".join(chunks)


def test_calling_purge_deletes_expired_records(
    client: TestClient,
    tenant: Tenant,
    db: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("old", "new"):
        response = client.post(
            "/v1/people",
            json={"external_id": key, "display_name": key},
            headers=tenant.headers(**{"Idempotency-Key": key}),
        )
        assert response.status_code == 201
    with db.begin() as conn:
        conn.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    monkeypatch.setenv("CALLING_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["purge"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Purged 1 expired idempotency records" in result.output
    with db.connect() as conn:
        assert list(conn.scalars(select(IdempotencyRecord.key))) == ["new"]
