"""Objects of every kind for one organization, made through the API, and calls of spec
operations on them (shared by the security tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.security.spec_walk import Operation

PROBLEM = "application/problem+json"


@dataclass
class Seeded:
    """One organization's objects: ids by kind (in slot order) and the texts it wrote."""

    marker: str
    ids: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, Any, str]] = field(default_factory=list)
    all_ids: set[str] = field(default_factory=set)

    def text(self, what: str) -> str:
        value = f"{self.marker} {what} {uuid.uuid4().hex[:8]}"
        self.texts.append(value)
        return value

    def add(self, prefix: str, object_id: str) -> str:
        self.ids.setdefault(prefix, []).append(object_id)
        self.all_ids.add(object_id)
        return object_id

    def for_slots(self, op: Operation) -> list[str]:
        """One id per slot: the n-th slot of a kind gets the n-th object of that kind, so a
        feedback's leader and respondent are two people."""
        used: dict[str, int] = {}
        out = []
        for slot in op.slots:
            n = used.get(slot.prefix, 0)
            used[slot.prefix] = n + 1
            choices = self.ids[slot.prefix]
            out.append(choices[min(n, len(choices) - 1)])
        return out


def seed(client: TestClient, tenant: Tenant, marker: str, external: str = "E") -> Seeded:
    s = Seeded(marker)
    h = tenant.headers("admin")
    s.add("org", tenant.org_id)  # the platform operations take an organization id

    def post(path: str, body: Any) -> dict[str, Any]:
        key = f"seed-{len(s.requests)}"
        response = client.post(path, json=body, headers={**h, "Idempotency-Key": key})
        assert response.status_code in (200, 201), (path, response.text)
        s.requests.append(("POST", path, body, key))
        return dict(response.json())

    def change(method: str, path: str, body: Any) -> dict[str, Any]:
        etag = client.get(path, headers=h).headers["etag"]
        response = client.request(method, path, json=body, headers={**h, "If-Match": etag})
        assert response.status_code == 200, (path, response.text)
        return dict(response.json())

    # A webhook endpoint first, so that every later change queues a delivery. The spec's
    # example host resolves (for these tests) to a public address.
    client.app.state.webhook_resolver = lambda host, port: ["93.184.215.14"]  # type: ignore[attr-defined]
    s.add(
        "whk",
        post(
            "/v1/webhook-endpoints",
            {"url": "https://hooks.example.com/calling", "description": s.text("hook")},
        )["id"],
    )

    # A's external ids are the spec's examples (`E-10042`, `E-10001`), B's are not: B's bulk
    # upsert of the example body must create B's own people, never update A's.
    leader = s.add(
        "per",
        post(
            "/v1/people",
            {
                "external_id": f"{external}-10042",
                "display_name": s.text("leader"),
                "email": f"{marker.lower()}-leader@example.com",
                "title": s.text("title"),
            },
        )["id"],
    )
    s.add(
        "per",
        post(
            "/v1/people",
            {
                "external_id": f"{external}-10001",
                "display_name": s.text("report"),
                "manager_id": leader,
            },
        )["id"],
    )
    respondent = s.ids["per"][1]
    belief = s.add(
        "blf",
        post(
            f"/v1/leaders/{leader}/beliefs",
            {"statement": s.text("belief"), "rationale": s.text("why"), "status": "active"},
        )["id"],
    )
    change("PATCH", f"/v1/beliefs/{belief}", {"statement": s.text("belief, revised")})
    # The report holds an active belief and never reflected: they are due for a reflection.
    s.add(
        "blf",
        post(f"/v1/leaders/{respondent}/beliefs", {"statement": s.text("own"), "status": "active"})[
            "id"
        ],
    )
    prompt = s.add("rpm", post("/v1/reflection-prompts", {"text": s.text("prompt?")})["id"])
    today = datetime.now(UTC).date().isoformat()
    reflection: dict[str, Any] = {
        "period_start": today,
        "period_end": today,
        "entries": [
            {
                "belief_id": belief,
                "alignment": 4,
                "evidence": s.text("evidence"),
                "next_step": s.text("next step"),
            }
        ],
        "answers": [{"prompt_id": prompt, "answer": s.text("answer")}],
        "notes": s.text("notes"),
    }
    s.add("rfl", post(f"/v1/leaders/{leader}/reflections", reflection)["id"])  # a draft
    submitted = s.add(
        "rfl", post(f"/v1/leaders/{leader}/reflections", {**reflection, "scope": "team"})["id"]
    )
    response = client.post(f"/v1/reflections/{submitted}/submit", headers=h)
    assert response.status_code == 200, response.text
    commitment = s.add(
        "cmt",
        post(
            f"/v1/leaders/{leader}/commitments",
            {
                "statement": s.text("commitment"),
                "links": {"belief_ids": [belief]},
                "for_whom": ["employees"],
                "due_on": "2026-06-30",
                "note": s.text("commitment note"),
            },
        )["id"],
    )
    change(
        "PATCH",
        f"/v1/commitments/{commitment}",
        {"status": "in_progress", "note": s.text("commitment update")},
    )
    change("PUT", f"/v1/leaders/{leader}/reflection-schedule", {"cadence_days": 30})
    feedback = {
        "leader_id": leader,
        "relationship": "direct_report",
        "answers": {"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 4},
        "belief_ratings": [{"belief_id": belief, "rating": 4}],
        "needs": s.text("needs"),
        "dreams": s.text("dreams"),
    }
    s.add("fbk", post("/v1/feedback", {**feedback, "respondent": {"person_id": respondent}})["id"])
    for reference in ("r-1", "r-2"):  # three respondents: A's leader has a published score
        s.add(
            "fbk", post("/v1/feedback", {**feedback, "respondent": {"reference": reference}})["id"]
        )
    _closed_period(client, tenant, s, {**feedback, "leader_id": leader})
    s.add("key", post("/v1/api-keys", {"name": s.text("key"), "scopes": ["read"]})["id"])
    campaign = post(
        "/v1/feedback-requests",
        {
            "leader_id": leader,
            "message": s.text("campaign"),
            "respondents": [
                {"person_id": respondent, "relationship": "peer"},
                {"reference": f"{marker}-supplier", "relationship": "supplier"},
            ],
        },
    )
    s.add("frq", campaign["id"])
    s.all_ids |= {t["id"] for t in campaign["tokens"]}
    events = client.get("/v1/events", params={"limit": 3}, headers=h).json()["data"]
    for event in events:
        s.add("evt", event["id"])
    deliveries = client.get(
        f"/v1/webhook-endpoints/{s.ids['whk'][0]}/deliveries", params={"limit": 1}, headers=h
    ).json()["data"]
    s.add("dlv", deliveries[0]["id"])

    # Every id the organization has, its own and the fixture's keys included.
    s.all_ids.add(tenant.org_id)
    keys = client.get("/v1/api-keys", params={"limit": 100}, headers=h).json()["data"]
    s.all_ids |= {k["id"] for k in keys}
    return s


def _closed_period(client: TestClient, tenant: Tenant, s: Seeded, feedback: dict[str, Any]) -> None:
    """Three answers dated in an ended reporting period, then the close step (`calling
    close-periods`), so that A's history and overview hold a closed period's figures."""
    from service.closing import close_due_periods
    from service.db import make_engine, make_sessionmaker
    from service.feedback.schemas import FeedbackCreate
    from service.feedback.service import create_feedback
    from service.organizations.service import get_organization

    settings = client.app.state.settings  # type: ignore[attr-defined]
    engine = make_engine(settings)
    now = datetime.now(UTC)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            org = get_organization(session, tenant.org_id)
            for reference in ("r-3", "r-4", "r-5"):
                body = FeedbackCreate.model_validate(
                    {**feedback, "needs": s.text("needs"), "respondent": {"reference": reference}}
                )
                secret = settings.secret_key.get_secret_value()
                answer = create_feedback(session, org, body, secret, now - timedelta(days=100))
                s.add("fbk", answer.id)
            close_due_periods(session, org, now)
    finally:
        engine.dispose()


def request_headers(op: Operation, auth: dict[str, str]) -> dict[str, str]:
    """`auth` plus what the operation requires: `If-Match: *` (matches any version: the
    strongest attempt) and a fresh `Idempotency-Key` where one is accepted."""
    headers = dict(auth)
    if op.accepts_header("If-Match"):
        headers["If-Match"] = "*"
    if op.accepts_header("Idempotency-Key"):
        headers["Idempotency-Key"] = uuid.uuid4().hex
    return headers


def call(client: TestClient, op: Operation, ids: list[str], auth: dict[str, str]) -> httpx.Response:
    """Call `op` with slot `i` filled with `ids[i]`, its body from the spec's examples."""
    path, query, body = op.request(ids)
    return client.request(
        op.method,
        path,
        params=query,
        json=body if op.has_body else None,
        headers=request_headers(op, auth),
    )
