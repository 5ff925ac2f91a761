"""The events feed: written with the change, in commit order, deletions included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Tenant


def feed(
    client: TestClient, tenant: Tenant, cursor: str | None = None, **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """Every event after `cursor`, following `next_cursor`; and the cursor to resume from."""
    events: list[dict[str, Any]] = []
    while True:
        query = {"limit": 7, **params, **({"cursor": cursor} if cursor else {})}
        r = client.get("/v1/events", params=query, headers=tenant.headers("read"))
        assert r.status_code == 200, r.text
        page = r.json()
        events += page["data"]
        if page["next_cursor"] is None:
            return events, page["resume_cursor"]
        cursor = page["next_cursor"]


class Mirror:
    """What an HR platform keeps: people and beliefs, rebuilt from the feed alone (plus
    reading the object an event names)."""

    def __init__(self, client: TestClient, tenant: Tenant) -> None:
        self.client, self.tenant = client, tenant
        self.people: dict[str, dict[str, Any]] = {}
        self.beliefs: dict[str, dict[str, Any]] = {}
        self.cursor: str | None = None
        self.applied: list[str] = []

    def sync(self) -> None:
        events, self.cursor = feed(self.client, self.tenant, self.cursor)
        for event in events:
            self.apply(event)

    def apply(self, event: dict[str, Any]) -> None:
        assert event["id"] not in self.applied, "an event was delivered twice"
        self.applied.append(event["id"])
        kind, _, action = event["type"].partition(".")
        store = {"person": self.people, "belief": self.beliefs}.get(kind)
        if store is None:
            return
        object_id = event["data"]["id"]
        if action == "deleted":
            store.pop(object_id, None)
            return
        path = {"person": "people", "belief": "beliefs"}[kind]
        r = self.client.get(f"/v1/{path}/{object_id}", headers=self.tenant.headers("read"))
        if r.status_code == 404:  # deleted since; its deletion event follows
            return
        assert r.status_code == 200, r.text
        store[object_id] = r.json()


def truth(client: TestClient, tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any]]:
    people = client.get("/v1/people", params={"limit": 100}, headers=tenant.headers()).json()
    beliefs = client.get("/v1/beliefs", params={"limit": 100}, headers=tenant.headers()).json()
    return {p["id"]: p for p in people["data"]}, {b["id"]: b for b in beliefs["data"]}


def post(client: TestClient, tenant: Tenant, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(path, json=body, headers=tenant.headers("write"))
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def patch(client: TestClient, tenant: Tenant, path: str, body: dict[str, Any]) -> None:
    etag = client.get(path, headers=tenant.headers()).headers["etag"]
    r = client.patch(path, json=body, headers=tenant.headers("write", **{"If-Match": etag}))
    assert r.status_code == 200, r.text


def delete(client: TestClient, tenant: Tenant, path: str) -> None:
    etag = client.get(path, headers=tenant.headers()).headers["etag"]
    r = client.delete(path, headers=tenant.headers("write", **{"If-Match": etag}))
    assert r.status_code == 204, r.text


def test_a_mirror_rebuilds_people_and_beliefs_deletions_included(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    mirror = Mirror(client, tenant)
    boss = post(client, tenant, "/v1/people", {"external_id": "B", "display_name": "Boss"})
    ada = post(
        client,
        tenant,
        "/v1/people",
        {"external_id": "A", "display_name": "Ada", "manager_id": boss["id"]},
    )
    belief = post(
        client,
        tenant,
        f"/v1/leaders/{ada['id']}/beliefs",
        {"statement": "Trust first.", "category": "integrity"},
    )
    draft = post(
        client,
        tenant,
        f"/v1/leaders/{boss['id']}/beliefs",
        {"statement": "Draft.", "category": "people"},
    )
    mirror.sync()
    assert (mirror.people, mirror.beliefs) == truth(client, tenant)

    # Updates, a bulk upsert, a deleted draft belief, and a deleted person whose report loses
    # the manager link and whose beliefs go with them.
    patch(client, tenant, f"/v1/beliefs/{belief['id']}", {"status": "active"})
    post(
        client,
        tenant,
        "/v1/people/bulk",
        {
            "people": [
                {"external_id": "A", "display_name": "Ada L."},
                {"external_id": "C", "display_name": "Cy"},
            ]
        },
    )
    delete(client, tenant, f"/v1/beliefs/{draft['id']}")
    post(
        client,
        tenant,
        f"/v1/leaders/{boss['id']}/beliefs",
        {"statement": "Goes with the boss.", "category": "people"},
    )
    mirror.sync()
    assert (mirror.people, mirror.beliefs) == truth(client, tenant)
    delete(client, tenant, f"/v1/people/{boss['id']}")
    # Another organization's changes never show in this feed.
    post(client, other_tenant, "/v1/people", {"external_id": "X", "display_name": "Xi"})
    mirror.sync()
    people, beliefs = truth(client, tenant)
    assert (mirror.people, mirror.beliefs) == (people, beliefs)
    assert boss["id"] not in mirror.people
    assert mirror.people[ada["id"]]["manager_id"] is None
    assert set(mirror.beliefs) == {belief["id"]}

    events, _ = feed(client, tenant)
    assert all(e["data"].get("id") for e in events)
    # Erasure: the events that named the boss (their creation, their draft's) are gone from
    # the feed; the tombstone and their belief's deletion remain, so a mirror that starts
    # afresh still ends up right.
    assert [e["type"] for e in events if boss["id"] in str(e)] == ["person.deleted"]
    assert "belief.deleted" in [e["type"] for e in events]
    fresh = Mirror(client, tenant)
    fresh.sync()
    assert (fresh.people, fresh.beliefs) == (people, beliefs)


def test_a_refused_change_writes_no_event(client: TestClient, tenant: Tenant) -> None:
    post(client, tenant, "/v1/people", {"external_id": "A", "display_name": "Ada"})
    before, _ = feed(client, tenant)
    again = client.post(
        "/v1/people", json={"external_id": "A", "display_name": "Ada"}, headers=tenant.headers()
    )
    assert again.status_code == 409
    after, _ = feed(client, tenant)
    assert after == before


def test_filters_by_type_and_time(client: TestClient, tenant: Tenant) -> None:
    person = post(client, tenant, "/v1/people", {"external_id": "A", "display_name": "Ada"})
    patch(client, tenant, f"/v1/people/{person['id']}", {"title": "COO"})
    only, _ = feed(client, tenant, type=["person.updated"])
    assert [e["type"] for e in only] == ["person.updated"]
    both, _ = feed(client, tenant, type=["person.updated", "person.created"])
    assert [e["type"] for e in both] == ["person.created", "person.updated"]
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert feed(client, tenant, since=later)[0] == []
    assert len(feed(client, tenant, until=later)[0]) == 2
    bad = client.get("/v1/events", params={"type": "person.exploded"}, headers=tenant.headers())
    assert bad.status_code == 422
    one = client.get(f"/v1/events/{only[0]['id']}", headers=tenant.headers("read"))
    assert one.status_code == 200 and one.json() == only[0]


def test_another_organizations_event_is_404(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    post(client, other_tenant, "/v1/people", {"external_id": "X", "display_name": "Xi"})
    theirs, _ = feed(client, other_tenant)
    r = client.get(f"/v1/events/{theirs[0]['id']}", headers=tenant.headers())
    assert r.status_code == 404


def test_feedback_events_are_receipts(client: TestClient, tenant: Tenant) -> None:
    leader = post(client, tenant, "/v1/people", {"external_id": "L", "display_name": "Lea"})
    post(
        client,
        tenant,
        "/v1/feedback",
        {
            "leader_id": leader["id"],
            "relationship": "peer",
            "answers": {"trust": 5, "greater_good": 4, "want_to_follow": 4, "leaned_on": 5},
            "respondent": {"reference": "secret-ref-123"},
            "needs": "private words",
        },
    )
    events, _ = feed(client, tenant, type=["feedback.received"])
    assert len(events) == 1
    assert set(events[0]["data"]) == {"id", "leader_id"}
    assert "secret-ref-123" not in str(events) and "private words" not in str(events)
