"""Every event type's `data` has its own model (service.events.data) and its own schema in the
spec: `GET /v1/events` serves a union discriminated by `type`, and the spec's `webhooks` has
one entry per type. A scenario through the API produces every type, and each event of the
feed is checked against the served spec's schema of its type: a field more, a field less,
a `null` where the field is left out, or the wrong type of id fails."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.events.data import DATA_MODELS, MAX_RESPONDENTS
from service.events.schemas import EVENT_MODELS, EventOut, data_model
from service.events.types import EventType
from service.feedback_requests.schemas import MAX_RESPONDENTS as REQUEST_MAX_RESPONDENTS
from service.webhooks.worker import Worker
from tests.conftest import Tenant
from tests.events.test_events_api import feed
from tests.feedback_requests.helpers import answer, campaign
from tests.trust.conftest import frozen
from tests.trust.helpers import Clock, close, erase, give, person, retract

__all__ = ["frozen"]


def test_every_event_type_has_a_data_model_and_an_event_model() -> None:
    assert sorted(m.event_type for m in DATA_MODELS) == sorted(EventType)
    assert [data_model(m) for m in EVENT_MODELS] == list(DATA_MODELS)
    for model in EVENT_MODELS:  # its `type` is the constant of its data's type
        (literal,) = typing.get_args(model.model_fields["type"].annotation)
        assert literal == data_model(model).event_type, model.__name__
    union, _ = typing.get_args(EventOut)
    assert set(typing.get_args(union)) == set(EVENT_MODELS)
    assert MAX_RESPONDENTS == REQUEST_MAX_RESPONDENTS


def test_the_spec_has_one_webhook_per_event_type(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert sorted(spec["webhooks"]) == sorted(EventType)
    for model in EVENT_MODELS:
        body = spec["webhooks"][data_model(model).event_type]["post"]["requestBody"]
        content = body["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{model.__name__}"}
        schema_of(spec, str(data_model(model).event_type)).validate(content["example"])
    items = spec["components"]["schemas"]["EventPage"]["properties"]["data"]["items"]
    assert items["discriminator"]["propertyName"] == "type"
    assert sorted(items["discriminator"]["mapping"]) == sorted(EventType)


def schema_of(spec: dict[str, Any], event_type: str) -> Draft202012Validator:
    """A validator of the spec's schema for events of `event_type` (its webhook's body)."""
    body = spec["webhooks"][event_type]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    registry = Registry().with_resource(
        "urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:spec{ref}"}, registry=registry, format_checker=FormatChecker()
    )


def errors(spec: dict[str, Any], event: dict[str, Any]) -> list[str]:
    validator = schema_of(spec, event["type"])
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(event)]


def test_a_wrong_payload_fails_its_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    good = {
        "id": "evt_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
        "type": "belief.deleted",
        "timestamp": "2026-03-01T09:30:00Z",
        "data": {"id": "blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE"},
    }
    assert errors(spec, good) == []
    for data in (
        {"id": "blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "leader_id": None},  # absent, never null
        {"id": "blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "version": 2},  # a field more
        {"leader_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"},  # its id missing
        {"id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"},  # another object's id
    ):
        assert errors(spec, {**good, "data": data}), data


def post(client: TestClient, tenant: Tenant, path: str, body: Any = None, **headers: str) -> Any:
    r = client.post(path, json=body, headers=tenant.headers("admin", **headers))
    assert r.status_code in (200, 201), r.text
    return r.json()


def patch(client: TestClient, tenant: Tenant, path: str, body: dict[str, Any]) -> None:
    etag = client.get(path, headers=tenant.headers()).headers["etag"]
    r = client.patch(path, json=body, headers=tenant.headers(**{"If-Match": etag}))
    assert r.status_code == 200, r.text


def delete(client: TestClient, tenant: Tenant, path: str) -> None:
    etag = client.get(path, headers=tenant.headers()).headers["etag"]
    r = client.delete(path, headers=tenant.headers(**{"If-Match": etag}))
    assert r.status_code == 204, r.text


def reflect(client: TestClient, tenant: Tenant, leader: str, belief: str, day: str) -> str:
    body = {"period_start": day, "period_end": day, "entries": [{"belief_id": belief}]}
    return str(post(client, tenant, f"/v1/leaders/{leader}/reflections", body)["id"])


def belief(client: TestClient, tenant: Tenant, leader: str, status: str = "active") -> str:
    body = {"statement": f"Trust first ({status}).", "status": status}
    return str(post(client, tenant, f"/v1/leaders/{leader}/beliefs", body)["id"])


def produce_every_type(client: TestClient, tenant: Tenant, db: Engine, frozen: Clock) -> None:
    leader = person(client, tenant, "L")
    colleague, report = person(client, tenant, "C"), person(client, tenant, "R")
    patch(client, tenant, f"/v1/people/{leader}", {"title": "Head of Sales"})  # person.updated

    active = belief(client, tenant, leader)
    patch(client, tenant, f"/v1/beliefs/{active}", {"statement": "Trust first, always."})
    delete(client, tenant, f"/v1/beliefs/{belief(client, tenant, leader, 'draft')}")
    worker = Worker(sessions=make_sessionmaker(db), server_secret="x" * 32)
    assert worker.announce_due() == 1  # reflection.due: never reflected, due now

    day = frozen.now.date().isoformat()
    reflection = reflect(client, tenant, leader, active, day)
    rated = {"entries": [{"belief_id": active, "alignment": 4}]}
    patch(client, tenant, f"/v1/reflections/{reflection}", rated)
    etag = client.get(f"/v1/reflections/{reflection}", headers=tenant.headers()).headers["etag"]
    post(client, tenant, f"/v1/reflections/{reflection}/submit", **{"If-Match": etag})
    delete(client, tenant, f"/v1/reflections/{reflect(client, tenant, leader, active, day)}")

    pledge = {"statement": "Ask weekly.", "for_whom": ["employees"], "due_on": "2026-06-30"}
    commitment = post(client, tenant, f"/v1/leaders/{leader}/commitments", pledge)["id"]
    patch(client, tenant, f"/v1/commitments/{commitment}", {"status": "in_progress"})
    delete(client, tenant, f"/v1/commitments/{commitment}")

    retract(client, tenant, give(client, tenant, colleague, None, 4, attributed=report))
    attributed = campaign(
        client,
        tenant,
        colleague,
        [{"person_id": p, "relationship": "peer"} for p in (leader, report)],
        anonymous=False,
    )
    post(client, tenant, f"/v1/feedback-requests/{attributed['id']}/remind")  # names both
    for token in attributed["tokens"]:
        assert answer(client, token["token"]).status_code == 201  # … then completed
    anonymous = campaign(client, tenant, colleague, [{"person_id": report, "relationship": "peer"}])
    post(client, tenant, f"/v1/feedback-requests/{anonymous['id']}/remind")  # counts only
    post(client, tenant, f"/v1/feedback-requests/{anonymous['id']}/close")

    # An erasure: their report is updated; their belief, reflection and the feedback about
    # them are deleted without naming them; then the person.
    erased = person(client, tenant, "E")
    patch(client, tenant, f"/v1/people/{report}", {"manager_id": erased})
    reflect(client, tenant, erased, belief(client, tenant, erased), day)
    give(client, tenant, erased, "e1", 4)
    erase(client, tenant, erased)

    # Two closed quarters: published scores, and the leader's stage changed between them.
    frozen.at(datetime(2026, 1, 10, tzinfo=UTC))
    for i in range(3):
        give(client, tenant, leader, f"r{i}", 3)
    frozen.at(datetime(2026, 4, 10, tzinfo=UTC))
    for i in range(6):
        give(client, tenant, leader, f"s{i}", 5)
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    assert close(db) == 2


def test_every_event_of_the_feed_matches_the_schema_of_its_type(
    client: TestClient, tenant: Tenant, db: Engine, frozen: Clock
) -> None:
    produce_every_type(client, tenant, db, frozen)
    spec = client.get("/openapi.json").json()
    events, _ = feed(client, tenant)
    for event in events:
        assert errors(spec, event) == [], event
    assert sorted({e["type"] for e in events}) == sorted(EventType)

    def data(type_: str) -> list[dict[str, Any]]:
        return [e["data"] for e in events if e["type"] == type_]

    # The optional fields, both ways: present where the emitter names them, else absent.
    assert [sorted(d) for d in data("belief.deleted")] == [["id", "leader_id"], ["id"]]
    assert [sorted(d) for d in data("reflection.deleted")] == [["id", "leader_id"], ["id"]]
    reminders = data("feedback_request.reminder")
    assert [len(d.get("pending_respondent_ids", ())) for d in reminders] == [2, 0]
    assert "pending_respondent_ids" not in reminders[1]
    assert data("reflection.due")[0]["next_due_at"] is None
    changed = data("leader.stage_changed")  # the first period's too (from insufficient_data)
    assert (changed[-1]["from"], changed[-1]["to"]) == ("manager", "leader")
    assert changed[0]["from"] == "insufficient_data"
