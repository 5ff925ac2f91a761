"""The demo organization `calling serve` seeds: every documented id (`service.demo_ids`,
docs/demo.md) exists there, and docs/demo.md lists each."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service import demo_ids
from service.db import make_sessionmaker, utcnow
from service.demo import create_demo
from service.ids import ID_PATTERN

DOC = Path(__file__).resolve().parents[1] / "docs" / "demo.md"

# Each documented id and where the admin key reads it.
READS = {
    demo_ids.SYNC_KEY: "/v1/api-keys/{}",
    demo_ids.ADMIN_KEY: "/v1/api-keys/{}",
    **dict.fromkeys((demo_ids.MANAGER, demo_ids.LEADER, *demo_ids.REPORTS), "/v1/people/{}"),
    **dict.fromkeys((*demo_ids.ACTIVE_BELIEFS, demo_ids.DRAFT_BELIEF), "/v1/beliefs/{}"),
    demo_ids.SUBMITTED_REFLECTION: "/v1/reflections/{}",
    demo_ids.DRAFT_REFLECTION: "/v1/reflections/{}",
    demo_ids.PROMPT: "/v1/reflection-prompts/{}",
    demo_ids.FEEDBACK: "/v1/feedback/{}",
    demo_ids.FEEDBACK_REQUEST: "/v1/feedback-requests/{}",
    demo_ids.EVENT: "/v1/events/{}",
    demo_ids.WEBHOOK_ENDPOINT: "/v1/webhook-endpoints/{}",
}


def test_every_documented_id_is_in_the_demo(client: TestClient, db: Engine) -> None:
    with make_sessionmaker(db)() as session, session.begin():
        org_id, token = create_demo(session, "demo-secret-for-tests", utcnow())
    assert org_id == demo_ids.ORGANIZATION
    headers = {"Authorization": f"Bearer {token}"}
    for object_id, path in READS.items():
        answer = client.get(path.format(object_id), headers=headers)
        assert answer.status_code == 200, (object_id, answer.text)
        assert answer.json()["id"] == object_id
    assert client.get("/v1/api-keys/current", headers=headers).json()["id"] == demo_ids.ADMIN_KEY
    reflection = client.get(f"/v1/reflections/{demo_ids.DRAFT_REFLECTION}", headers=headers)
    assert reflection.json()["status"] == "draft"
    endpoint = f"/v1/webhook-endpoints/{demo_ids.WEBHOOK_ENDPOINT}"
    deliveries = client.get(f"{endpoint}/deliveries", headers=headers).json()["data"]
    assert [d["id"] for d in deliveries] == [demo_ids.DELIVERY]
    people = client.get("/v1/people", headers=headers).json()["data"]
    by_id = {p["id"]: p["external_id"] for p in people}
    ids = (demo_ids.MANAGER, demo_ids.LEADER, *demo_ids.REPORTS)
    assert tuple(by_id[i] for i in ids) == demo_ids.EXTERNAL_IDS


def test_the_docs_list_every_demo_id() -> None:
    text = DOC.read_text()
    for object_id in [demo_ids.ORGANIZATION, *READS, demo_ids.DELIVERY, demo_ids.WEBHOOK_URL]:
        assert f"`{object_id}`" in text, object_id
    for external_id in demo_ids.EXTERNAL_IDS:
        assert f"`{external_id}`" in text, external_id


def test_every_demo_id_is_a_valid_id() -> None:
    ids = [
        v
        for k, v in vars(demo_ids).items()
        if k[0].isalpha() and k.isupper() and isinstance(v, str)
    ]
    ids += [*demo_ids.REPORTS, *demo_ids.ACTIVE_BELIEFS]
    for value in ids:
        if value.startswith(("E-", "https:")):
            continue
        assert re.match(ID_PATTERN, value), value
