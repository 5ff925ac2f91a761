from __future__ import annotations

from fastapi.testclient import TestClient

from service.reflection_prompts.builtin import BUILT_IN_PROMPTS
from tests.conftest import Tenant
from tests.reflections.helpers import belief, created, etag, person, prompts


def add(client: TestClient, tenant: Tenant, **body: object) -> dict:
    payload = {"text": "What did my team need from me that I did not give?", **body}
    response = client.post("/v1/reflection-prompts", json=payload, headers=tenant.headers("write"))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/reflection-prompts/{response.json()['id']}"
    return dict(response.json())


def change(client: TestClient, tenant: Tenant, prompt_id: str, **body: object):
    path = f"/v1/reflection-prompts/{prompt_id}"
    tag = etag(client, tenant, path)
    return client.patch(path, json=body, headers=tenant.headers("write", **{"If-Match": tag}))


def test_every_organization_starts_with_the_built_in_set(
    client: TestClient, tenant: Tenant
) -> None:
    built_ins = prompts(client, tenant)
    assert [(p["key"], p["text"]) for p in built_ins] == list(BUILT_IN_PROMPTS)
    assert all(p["built_in"] and p["status"] == "active" for p in built_ins)
    assert [p["position"] for p in built_ins] == [0, 1, 2, 3, 4]
    assert all(p["id"].startswith("rpm_") for p in built_ins)


def test_own_prompts_crud_and_order(client: TestClient, tenant: Tenant) -> None:
    own = add(client, tenant)
    assert (own["built_in"], own["key"], own["position"], own["status"]) == (
        False,
        None,
        5,
        "active",
    )
    first = add(client, tenant, text="Whom did I not listen to?", position=0)
    edited = change(client, tenant, own["id"], text="What did my team need from me?")
    assert edited.status_code == 200, edited.text
    assert edited.json()["text"] == "What did my team need from me?"
    assert edited.headers["etag"] == '"2"'
    listed = prompts(client, tenant)
    assert [p["position"] for p in listed] == [0, 0, 1, 2, 3, 4, 5]
    assert first["id"] in [p["id"] for p in listed[:2]]
    assert listed[-1]["id"] == own["id"]

    path = f"/v1/reflection-prompts/{own['id']}"
    assert client.delete(path, headers=tenant.headers()).status_code == 428
    assert client.delete(path, headers=tenant.headers(**{"If-Match": '"1"'})).status_code == 412
    assert client.patch(path, json={"text": "x"}, headers=tenant.headers()).status_code == 428
    deleted = client.delete(path, headers=tenant.headers(**{"If-Match": '"2"'}))
    assert deleted.status_code == 204
    assert client.get(path, headers=tenant.headers()).status_code == 404


def test_built_ins_can_be_reordered_retired_and_reactivated_but_not_rewritten(
    client: TestClient, tenant: Tenant
) -> None:
    built_in = prompts(client, tenant)[1]
    path = f"/v1/reflection-prompts/{built_in['id']}"
    rewrite = change(client, tenant, built_in["id"], text="Something else entirely?")
    assert rewrite.status_code == 409
    assert "built-in" in rewrite.json()["detail"]
    same_text = change(client, tenant, built_in["id"], text=built_in["text"])
    assert same_text.status_code == 200
    assert change(client, tenant, built_in["id"], position=9).json()["position"] == 9
    retired = change(client, tenant, built_in["id"], status="retired")
    assert retired.json()["status"] == "retired"
    assert built_in["id"] not in [p["id"] for p in prompts(client, tenant, status="active")]
    assert [p["id"] for p in prompts(client, tenant, status="retired")] == [built_in["id"]]

    leader = person(client, tenant)
    belief(client, tenant, leader, "Trust is given first.")
    reflection = created(client, tenant, leader, from_template=True)
    assert len(reflection["answers"]) == 4
    assert built_in["id"] not in [a["prompt_id"] for a in reflection["answers"]]

    assert change(client, tenant, built_in["id"], status="active").json()["status"] == "active"
    tag = etag(client, tenant, path)
    gone = client.delete(path, headers=tenant.headers(**{"If-Match": tag}))
    assert gone.status_code == 409
    assert len(prompts(client, tenant)) == 5


def test_an_answered_prompt_cannot_be_deleted(client: TestClient, tenant: Tenant) -> None:
    own = add(client, tenant)
    leader = person(client, tenant)
    belief(client, tenant, leader, "Trust is given first.")
    reflection = created(client, tenant, leader, from_template=True)
    assert own["id"] in [a["prompt_id"] for a in reflection["answers"]]
    path = f"/v1/reflection-prompts/{own['id']}"
    response = client.delete(path, headers=tenant.headers(**{"If-Match": '"1"'}))
    assert response.status_code == 409
    assert "retire" in response.json()["detail"]


def test_prompt_validation_and_filters(client: TestClient, tenant: Tenant) -> None:
    for body in (
        {"text": ""},
        {"text": "x" * 1001},
        {"text": "bell\x07"},
        {"text": "ok?", "built_in": True},
        {"text": "ok?", "status": "retired"},
        {"text": "ok?", "position": -1},
        {"text": "ok?", "position": False},
        {"text": "ok?", "position": "1"},
    ):
        response = client.post("/v1/reflection-prompts", json=body, headers=tenant.headers())
        assert response.status_code == 422, body
    built_in = prompts(client, tenant)[0]
    assert change(client, tenant, built_in["id"], text=None).status_code == 422
    assert change(client, tenant, built_in["id"], status="deleted").status_code == 422
    future = prompts(client, tenant, updated_since="2999-01-01T00:00:00Z")
    assert future == []
    page = client.get("/v1/reflection-prompts", params={"limit": 2}, headers=tenant.headers())
    assert len(page.json()["data"]) == 2 and page.json()["next_cursor"]
    rest = client.get(
        "/v1/reflection-prompts",
        params={"limit": 100, "cursor": page.json()["next_cursor"]},
        headers=tenant.headers(),
    )
    assert len(rest.json()["data"]) == 3 and rest.json()["next_cursor"] is None
    assert (
        client.post(
            "/v1/reflection-prompts", json={"text": "ok?"}, headers=tenant.headers("read")
        ).status_code
        == 403
    )
