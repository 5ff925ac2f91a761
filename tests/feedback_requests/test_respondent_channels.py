"""A person's anonymous campaign voice and their attributed answers are two channels that
never supersede each other (issue 18, P5), and erasing the person clears the respondent keys
of every answer they gave, the anonymous ones included (P4)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.feedback.models import Feedback
from service.feedback.service import respondent_key
from service.settings import Settings
from tests.conftest import Tenant
from tests.feedback_requests.helpers import ANSWERS, answer, campaign, person


def _open_answers(client: TestClient, tenant: Tenant, leader: str) -> int:
    r = client.get(f"/v1/leaders/{leader}/trust-score", headers=tenant.headers())
    assert r.status_code == 200, r.text
    return int(r.json()["open_period"]["answers"])


def _attributed(client: TestClient, tenant: Tenant, leader: str, who: str) -> Any:
    return client.post(
        "/v1/feedback",
        json={
            "leader_id": leader,
            "relationship": "peer",
            "respondent": {"person_id": who},
            "answers": ANSWERS,
        },
        headers=tenant.headers(),
    )


def test_an_attributed_answer_never_supersedes_an_anonymous_campaign_answer(
    client: TestClient, tenant: Tenant
) -> None:
    leader, x = person(client, tenant, "L"), person(client, tenant, "X")
    made = campaign(client, tenant, leader, [{"person_id": x, "relationship": "peer"}])
    assert answer(client, made["tokens"][0]["token"], needs="Time to think").status_code == 201
    assert _open_answers(client, tenant, leader) == 1
    # An admin posts "as" X: X's anonymous voice stays, and nothing tells whether X answered.
    r = _attributed(client, tenant, leader, x)
    assert r.status_code == 201, r.text
    assert _open_answers(client, tenant, leader) == 2
    # The attributed channel still supersedes itself.
    assert _attributed(client, tenant, leader, x).status_code == 201
    assert _open_answers(client, tenant, leader) == 2
    # And a later anonymous campaign answer of X supersedes X's earlier anonymous one only.
    again = campaign(client, tenant, leader, [{"person_id": x, "relationship": "peer"}])
    assert answer(client, again["tokens"][0]["token"]).status_code == 201
    assert _open_answers(client, tenant, leader) == 2


def test_erasure_clears_the_keys_of_the_anonymous_answers_a_person_gave(
    client: TestClient, tenant: Tenant, settings: Settings, db: Engine
) -> None:
    leader, x = person(client, tenant, "L"), person(client, tenant, "X")
    made = campaign(client, tenant, leader, [{"person_id": x, "relationship": "peer"}])
    assert answer(client, made["tokens"][0]["token"]).status_code == 201
    assert _attributed(client, tenant, leader, x).status_code == 201
    etag = client.get(f"/v1/people/{x}", headers=tenant.headers()).headers["etag"]
    r = client.delete(f"/v1/people/{x}", headers=tenant.headers(**{"If-Match": etag}))
    assert r.status_code == 204, r.text
    secret = settings.secret_key.get_secret_value()
    computable = {
        respondent_key(secret, tenant.org_id, f"{channel}:{x}")
        for channel in ("person", "anonymous-person")
    }
    with make_sessionmaker(db)() as session:
        rows = session.scalars(select(Feedback).where(Feedback.org_id == tenant.org_id)).all()
    assert len(rows) == 2  # both answers still count, as anonymous contributions
    assert not computable & {row.respondent_key for row in rows}
    assert all(row.respondent_id is None and row.anonymous for row in rows)
    # They still count once each in the open period.
    assert _open_answers(client, tenant, leader) == 2
