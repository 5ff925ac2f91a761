"""Feedback requests: single-use tokens, counts, closing, anonymity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from service import clock
from tests.conftest import Tenant
from tests.feedback_requests.helpers import answer, campaign, person


def test_a_token_answers_once(client: TestClient, tenant: Tenant) -> None:
    leader, peer = person(client, tenant, "L"), person(client, tenant, "P")
    created = campaign(
        client,
        tenant,
        leader,
        [
            {"person_id": peer, "relationship": "peer"},
            {"reference": "acme-buyer", "relationship": "external_customer"},
        ],
    )
    assert (created["asked"], created["answered"], created["pending"]) == (2, 0, 2)
    first = answer(client, created["tokens"][0]["token"], needs="More focus")
    assert first.status_code == 201, first.text
    assert first.json()["anonymous"] is True and first.json()["content"] is None
    again = answer(client, created["tokens"][0]["token"])
    assert again.status_code == 409
    got = client.get(f"/v1/feedback-requests/{created['id']}", headers=tenant.headers("read"))
    assert (got.json()["answered"], got.json()["pending"]) == (1, 1)
    # An answer is a change a synced list sees.
    since = client.get(
        "/v1/feedback-requests",
        params={"updated_since": got.json()["created_at"]},
        headers=tenant.headers("read"),
    ).json()["data"]
    assert [r["id"] for r in since] == [created["id"]]
    future = client.get(
        "/v1/feedback-requests",
        params={"updated_since": "2999-01-01T00:00:00Z"},
        headers=tenant.headers("read"),
    ).json()["data"]
    assert future == []
    # The receipt of the answer is a feedback like any other.
    feedback = client.get(f"/v1/feedback/{first.json()['id']}", headers=tenant.headers())
    assert feedback.status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "",
        "csk_nope",
        "frt_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8W4M3KXHNB7T2C9V6RF_" + "0" * 40,
    ],
)
def test_an_invalid_token_is_401(client: TestClient, tenant: Tenant, token: str) -> None:
    r = answer(client, token)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


def test_a_wrong_secret_for_a_real_respondent_is_401(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    created = campaign(client, tenant, leader, [{"reference": "x", "relationship": "supplier"}])
    token = created["tokens"][0]["token"]
    forged = token[:-40] + ("1" if token[-40] == "0" else "0") + token[-39:]
    assert answer(client, forged).status_code == 401
    assert answer(client, token).status_code == 201


def test_an_api_key_is_not_a_response_token(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    campaign(client, tenant, leader, [{"reference": "x", "relationship": "supplier"}])
    assert answer(client, tenant.keys["admin"]).status_code == 401


def test_closing_revokes_open_tokens(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    created = campaign(
        client,
        tenant,
        leader,
        [{"reference": r, "relationship": "supplier"} for r in ("a", "b")],
    )
    assert answer(client, created["tokens"][0]["token"]).status_code == 201
    closed = client.post(
        f"/v1/feedback-requests/{created['id']}/close", headers=tenant.headers("write")
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert (closed.json()["answered"], closed.json()["pending"]) == (1, 0)
    assert answer(client, created["tokens"][1]["token"]).status_code == 401


def test_an_expired_token_is_401(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = person(client, tenant, "L")
    expires = datetime.now(UTC) + timedelta(days=1)
    created = campaign(
        client,
        tenant,
        leader,
        [{"reference": "a", "relationship": "supplier"}],
        expires_at=expires.isoformat(),
    )
    monkeypatch.setattr(clock, "now", lambda: expires + timedelta(seconds=1))
    assert answer(client, created["tokens"][0]["token"]).status_code == 401
    got = client.get(f"/v1/feedback-requests/{created['id']}", headers=tenant.headers())
    assert got.json()["pending"] == 0


def test_submissions_are_rate_limited_per_token(client: TestClient, tenant: Tenant) -> None:
    leader = person(client, tenant, "L")
    created = campaign(
        client, tenant, leader, [{"reference": r, "relationship": "supplier"} for r in "ab"]
    )
    token, other = (t["token"] for t in created["tokens"])
    codes = [answer(client, token).status_code for _ in range(12)]
    assert codes[0] == 201 and set(codes[1:10]) == {409} and codes[10:] == [429, 429]
    assert answer(client, other).status_code == 201  # another token has its own budget


def test_anonymous_requests_forget_who_answered(
    client: TestClient, tenant: Tenant, db: object
) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.feedback_requests.models import FeedbackRequestRecipient

    leader, peer = person(client, tenant, "L"), person(client, tenant, "P")
    created = campaign(
        client,
        tenant,
        leader,
        [
            {"person_id": peer, "relationship": "peer"},
            {"reference": "acme", "relationship": "supplier"},
        ],
    )
    for t in created["tokens"]:
        assert answer(client, t["token"]).status_code == 201
    with Session(db) as session:  # type: ignore[arg-type]
        rows = session.scalars(select(FeedbackRequestRecipient)).all()
        assert [(r.person_id, r.reference_key, r.answered_at, r.feedback_id) for r in rows] == [
            (None, None, None, None)
        ] * 2
    done = client.get(f"/v1/feedback-requests/{created['id']}", headers=tenant.headers())
    assert done.json()["status"] == "completed"
    events = client.get(
        "/v1/events",
        params={"type": ["feedback_request.completed", "feedback.received"]},
        headers=tenant.headers(),
    ).json()["data"]
    assert [e["type"] for e in events] == ["feedback.received"] * 2 + ["feedback_request.completed"]
    assert "acme" not in str(events) and peer not in str(events)


def test_attributed_answers_are_readable_by_admins(client: TestClient, tenant: Tenant) -> None:
    leader, peer = person(client, tenant, "L"), person(client, tenant, "P")
    created = campaign(
        client, tenant, leader, [{"person_id": peer, "relationship": "peer"}], anonymous=False
    )
    r = answer(client, created["tokens"][0]["token"], needs="Time")
    assert r.status_code == 201, r.text
    got = client.get(f"/v1/feedback/{r.json()['id']}", headers=tenant.headers("admin"))
    assert got.json()["content"]["respondent_id"] == peer
    assert got.json()["content"]["needs"] == "Time"


def test_reminders_never_name_who_is_pending_when_anonymous(
    client: TestClient, tenant: Tenant
) -> None:
    leader = person(client, tenant, "L")
    anonymous = campaign(
        client, tenant, leader, [{"reference": r, "relationship": "supplier"} for r in "ab"]
    )
    named = campaign(
        client,
        tenant,
        leader,
        [{"reference": r, "relationship": "supplier"} for r in "ab"],
        anonymous=False,
    )
    answer(client, anonymous["tokens"][0]["token"])
    answer(client, named["tokens"][0]["token"])
    for c in (anonymous, named):
        r = client.post(f"/v1/feedback-requests/{c['id']}/remind", headers=tenant.headers())
        assert r.status_code == 200, r.text
    events = client.get(
        "/v1/events", params={"type": "feedback_request.reminder"}, headers=tenant.headers()
    ).json()["data"]
    first, second = (e["data"] for e in events)
    assert "pending_respondent_ids" not in first and first["pending"] == 1
    assert second["pending_respondent_ids"] == [named["tokens"][1]["id"]]


@pytest.mark.parametrize(
    "respondents",
    [
        [{"relationship": "peer"}],
        [{"reference": "a", "person_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "relationship": "peer"}],
        [{"person_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "relationship": "peer"}],
        [{"reference": "a", "relationship": "peer"}, {"reference": "a", "relationship": "peer"}],
        [],
    ],
)
def test_bad_respondents_are_422_and_create_nothing(
    client: TestClient, tenant: Tenant, respondents: list[dict[str, str]]
) -> None:
    leader = person(client, tenant, "L")
    r = client.post(
        "/v1/feedback-requests",
        json={"leader_id": leader, "respondents": respondents},
        headers=tenant.headers(),
    )
    assert r.status_code == 422, r.text
    listed = client.get("/v1/feedback-requests", headers=tenant.headers()).json()
    assert listed["data"] == []


def test_another_organizations_request_is_404(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    leader = person(client, other_tenant, "L")
    theirs = campaign(client, other_tenant, leader, [{"reference": "a", "relationship": "peer"}])
    for r in (
        client.get(f"/v1/feedback-requests/{theirs['id']}", headers=tenant.headers()),
        client.post(f"/v1/feedback-requests/{theirs['id']}/close", headers=tenant.headers()),
    ):
        assert r.status_code == 404
