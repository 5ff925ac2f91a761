"""Every problem type of the catalogue is produced through HTTP (issue #21): one recipe per
type provokes its cause and the test asserts the served `type`, `status` and `title`. A type
without a recipe fails, so a new type cannot be added untested. And the catalogue itself is
served: `GET /problems`, `GET /problems/{slug}`."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.api.routes import people as people_routes
from service.api_keys.models import ApiKey
from service.problem_types import BY_SLUG, CATALOGUE, PROBLEM_TYPE_BASE, ProblemType
from service.settings import Settings
from tests.conftest import Tenant
from tests.live_server import live_server
from tests.security.live import raw_request

PROBLEM = "application/problem+json"
ANSWERS = {"trust": 5, "greater_good": 4, "want_to_follow": 4, "leaned_on": 5}
HEADER_TIMEOUT = 1


@dataclass
class Served:
    status: int
    content_type: str
    body: dict[str, Any]


@dataclass
class Ctx:
    client: TestClient
    tenant: Tenant
    db: Engine
    database_url: str
    backend: str
    request: pytest.FixtureRequest
    monkeypatch: pytest.MonkeyPatch

    def call(self, method: str, url: str, **kwargs: Any) -> Served:
        response = self.client.request(method, url, **kwargs)
        return Served(response.status_code, response.headers["content-type"], response.json())

    def headers(self, scope: str = "admin", **extra: str) -> dict[str, str]:
        return self.tenant.headers(scope, **extra)

    def person(self, external_id: str = "E1", **extra: Any) -> dict[str, Any]:
        body = {"external_id": external_id, "display_name": external_id, **extra}
        created = self.client.post("/v1/people", json=body, headers=self.headers())
        assert created.status_code == 201, created.text
        return dict(created.json())

    def campaign(self, leader: str) -> dict[str, Any]:
        created = self.client.post(
            "/v1/feedback-requests",
            json={
                "leader_id": leader,
                "respondents": [{"reference": "buyer", "relationship": "external_customer"}],
            },
            headers=self.headers(),
        )
        assert created.status_code == 201, created.text
        return dict(created.json())

    def port(self) -> int:
        port: int = self.request.getfixturevalue("serve_port")
        return port


def _raw(port: int, data: bytes) -> Served:
    response = raw_request(port, data)
    assert response.status is not None
    return Served(response.status, response.header("content-type") or "", json.loads(response.body))


# --- the recipes: one per problem type ---------------------------------------------------


def _malformed_json(c: Ctx) -> Served:
    headers = c.headers(**{"Content-Type": "application/json"})
    return c.call("POST", "/v1/people", content=b'{"external_id": ', headers=headers)


def _json_too_complex(c: Ctx) -> Served:
    headers = c.headers(**{"Content-Type": "application/json"})
    return c.call("POST", "/v1/people", content=b"[" * 40 + b"]" * 40, headers=headers)


def _malformed_http(c: Ctx) -> Served:
    return _raw(c.port(), b"GET /livez HTTP/1.1\r\nHost x\r\n\r\n")


def _missing_api_key(c: Ctx) -> Served:
    return c.call("GET", "/v1/people")


def _invalid_api_key(c: Ctx) -> Served:
    unknown = c.tenant.keys["admin"][:-8] + "00000000"
    return c.call("GET", "/v1/people", headers={"Authorization": f"Bearer {unknown}"})


def _missing_response_token(c: Ctx) -> Served:
    return c.call("POST", "/v1/feedback-responses", json={"answers": ANSWERS})


def _invalid_response_token(c: Ctx) -> Served:
    headers = {"Authorization": "Bearer frt_not-a-token"}
    return c.call("POST", "/v1/feedback-responses", json={"answers": ANSWERS}, headers=headers)


def _token(c: Ctx) -> tuple[dict[str, Any], str]:
    request = c.campaign(c.person()["id"])
    return request, str(request["tokens"][0]["token"])


def _answer(c: Ctx, token: str) -> Served:
    headers = {"Authorization": f"Bearer {token}"}
    return c.call("POST", "/v1/feedback-responses", json={"answers": ANSWERS}, headers=headers)


def _expired_response_token(c: Ctx) -> Served:
    request, token = _token(c)
    closed = c.client.post(f"/v1/feedback-requests/{request['id']}/close", headers=c.headers())
    assert closed.status_code == 200, closed.text
    return _answer(c, token)


def _response_token_used(c: Ctx) -> Served:
    _, token = _token(c)
    first = _answer(c, token)
    assert first.status == 201, first
    return _answer(c, token)


def _missing_scope(c: Ctx) -> Served:
    body = {"external_id": "E1", "display_name": "Ann"}
    return c.call("POST", "/v1/people", json=body, headers=c.headers("read"))


def _not_found(c: Ctx) -> Served:
    return c.call("GET", "/v1/people/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", headers=c.headers())


def _no_such_route(c: Ctx) -> Served:
    return c.call("GET", "/v1/nothing-here", headers=c.headers())


def _method_not_allowed(c: Ctx) -> Served:
    return c.call("PUT", "/v1/people", json={}, headers=c.headers())


def _request_timeout(c: Ctx) -> Served:
    with socket.create_connection(("127.0.0.1", c.port())) as conn:
        conn.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conn.settimeout(HEADER_TIMEOUT + 10)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next(
        line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("content-type")
    )
    return Served(int(lines[0].split(" ")[1]), content_type, json.loads(body))


def _duplicate_external_id(c: Ctx) -> Served:
    c.person("E-10042")
    body = {"external_id": "E-10042", "display_name": "Someone else"}
    return c.call("POST", "/v1/people", json=body, headers=c.headers())


def _belief(c: Ctx, leader: str, status: str = "active") -> dict[str, Any]:
    body = {"statement": "Trust is given first.", "category": "integrity", "status": status}
    created = c.client.post(f"/v1/leaders/{leader}/beliefs", json=body, headers=c.headers())
    assert created.status_code == 201, created.text
    return dict(created.json())


def _belief_transition_not_allowed(c: Ctx) -> Served:
    belief = _belief(c, c.person()["id"])
    headers = c.headers(**{"If-Match": '"1"'})
    return c.call("DELETE", f"/v1/beliefs/{belief['id']}", headers=headers)


def _commitment_transition_not_allowed(c: Ctx) -> Served:
    body = {"statement": "Ask weekly.", "for_whom": ["employees"], "due_on": "2026-06-30"}
    created = c.client.post(
        f"/v1/leaders/{c.person()['id']}/commitments", json=body, headers=c.headers()
    )
    assert created.status_code == 201, created.text
    headers = c.headers(**{"If-Match": '"1"'})
    return c.call(
        "PATCH", f"/v1/commitments/{created.json()['id']}", json={"status": "done"}, headers=headers
    )


def _entry_without_next_step(c: Ctx) -> Served:
    leader = c.person()["id"]
    belief = _belief(c, leader)["id"]
    reflection = _reflection(c, [{"belief_id": belief, "alignment": 3}], leader)
    body = {"for_whom": ["employees"], "due_on": "2026-06-30"}
    url = f"/v1/reflections/{reflection['id']}/entries/{belief}/commitment"
    return c.call("POST", url, json=body, headers=c.headers())


def _reflection(c: Ctx, entries: list[dict[str, Any]], leader: str) -> dict[str, Any]:
    today = c.client.get(f"/v1/people/{leader}", headers=c.headers()).json()["created_at"][:10]
    body = {"period_start": today, "period_end": today, "scope": "self", "entries": entries}
    created = c.client.post(f"/v1/leaders/{leader}/reflections", json=body, headers=c.headers())
    assert created.status_code == 201, created.text
    return dict(created.json())


def _reflection_submitted(c: Ctx) -> Served:
    leader = c.person()["id"]
    belief = _belief(c, leader)
    reflection = _reflection(c, [{"belief_id": belief["id"], "alignment": 4}], leader)
    submit = f"/v1/reflections/{reflection['id']}/submit"
    first = c.client.post(submit, headers=c.headers(**{"If-Match": '"1"'}))
    assert first.status_code == 200, first.text
    return c.call("POST", submit, headers=c.headers(**{"If-Match": first.headers["etag"]}))


def _reflection_incomplete(c: Ctx) -> Served:
    reflection = _reflection(c, [], c.person()["id"])
    submit = f"/v1/reflections/{reflection['id']}/submit"
    return c.call("POST", submit, headers=c.headers(**{"If-Match": '"1"'}))


def _prompt_protected(c: Ctx) -> Served:
    prompts = c.client.get("/v1/reflection-prompts", headers=c.headers()).json()["data"]
    built_in = next(p for p in prompts if p["built_in"])
    url = f"/v1/reflection-prompts/{built_in['id']}"
    etag = c.client.get(url, headers=c.headers()).headers["etag"]
    return c.call("DELETE", url, headers=c.headers(**{"If-Match": etag}))


def _feedback_request_not_open(c: Ctx) -> Served:
    request = c.campaign(c.person()["id"])
    base = f"/v1/feedback-requests/{request['id']}"
    assert c.client.post(f"{base}/close", headers=c.headers()).status_code == 200
    return c.call("POST", f"{base}/remind", headers=c.headers())


def _delivery_pending(c: Ctx) -> Served:
    client: TestClient = c.request.getfixturevalue("hclient")  # webhooks to loopback allowed
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["person.created"]}
    endpoint = client.post("/v1/webhook-endpoints", json=body, headers=c.headers()).json()
    c.person()
    base = f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"
    (delivery,) = client.get(base, headers=c.headers()).json()["data"]
    assert delivery["status"] == "pending", delivery
    response = client.post(f"{base}/{delivery['id']}/redeliver", headers=c.headers())
    return Served(response.status_code, response.headers["content-type"], response.json())


def _last_admin_key(c: Ctx) -> Served:
    with c.db.connect() as conn:
        admin_keys = [
            key_id
            for key_id, scopes in conn.execute(
                select(ApiKey.id, ApiKey.scopes).where(ApiKey.org_id == c.tenant.org_id)
            )
            if "admin" in scopes
        ]
    (admin,) = admin_keys
    return c.call("POST", f"/v1/api-keys/{admin}/revoke", headers=c.headers())


def _idempotency_key_in_flight(c: Ctx) -> Served:
    if c.backend != "postgresql":
        pytest.skip("on SQLite a key is in flight only in a race: tests/idempotency bursts")
    with c.db.connect() as conn:
        key_id = conn.scalar(
            select(ApiKey.id).where(ApiKey.org_id == c.tenant.org_id, ApiKey.name == "admin key")
        )
        # The first request's lock, held: the second request with the key is in flight.
        lock = f"{c.tenant.org_id}:{key_id}:busy-key"
        conn.execute(text("SELECT pg_advisory_lock(hashtextextended(:k, 0))"), {"k": lock})
        try:
            body = {"external_id": "E1", "display_name": "Ann"}
            headers = c.headers(**{"Idempotency-Key": "busy-key"})
            return c.call("POST", "/v1/people", json=body, headers=headers)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": lock})


def _anonymous_replay_refused(c: Ctx) -> Served:
    leader = c.person()["id"]
    body = {
        "leader_id": leader,
        "relationship": "peer",
        "respondent": {"reference": "r-1"},
        "answers": ANSWERS,
    }
    headers = c.headers("write", **{"Idempotency-Key": "anon-1"})
    first = c.client.post("/v1/feedback", json=body, headers=headers)
    assert first.status_code == 201, first.text
    return c.call("POST", "/v1/feedback", json=body, headers=headers)


def _secret_replay_refused(c: Ctx) -> Served:
    body = {"name": "CI key", "scopes": ["read"]}
    headers = c.headers(**{"Idempotency-Key": "key-1"})
    first = c.client.post("/v1/api-keys", json=body, headers=headers)
    assert first.status_code == 201, first.text
    return c.call("POST", "/v1/api-keys", json=body, headers=headers)


def _stale_if_match(c: Ctx) -> Served:
    person = c.person()
    headers = c.headers(**{"If-Match": '"99"'})
    return c.call("PATCH", f"/v1/people/{person['id']}", json={}, headers=headers)


def _payload_too_large(c: Ctx) -> Served:
    headers = c.headers(**{"Content-Type": "application/json"})
    return c.call("POST", "/v1/people", content=b" " * (3 << 20), headers=headers)


def _unsupported_media_type(c: Ctx) -> Served:
    headers = c.headers(**{"Content-Type": "text/plain"})
    return c.call("POST", "/v1/people", content=b"external_id=E1", headers=headers)


def _if_match_required(c: Ctx) -> Served:
    person = c.person()
    return c.call("PATCH", f"/v1/people/{person['id']}", json={}, headers=c.headers())


def _rate_limited(c: Ctx) -> Served:
    settings = Settings(database_url=c.database_url, rate_limit_per_minute=1, rate_limit_burst=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as limited:
        assert limited.get("/v1/people", headers=c.headers()).status_code == 200
        response = limited.get("/v1/people", headers=c.headers())
    return Served(response.status_code, response.headers["content-type"], response.json())


def _header_too_large(c: Ctx) -> Served:
    start = b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: "
    return _raw(c.port(), start + b"a" * 20_000 + b"\r\n\r\n")


def _validation_error(c: Ctx) -> Served:
    return c.call("POST", "/v1/people", json={"external_id": 1}, headers=c.headers())


def _invalid_reference(c: Ctx) -> Served:
    body = {
        "leader_id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE",
        "relationship": "peer",
        "answers": ANSWERS,
    }
    return c.call("POST", "/v1/feedback", json=body, headers=c.headers())


def _reporting_loop(c: Ctx) -> Served:
    boss = c.person("E1")
    report = c.person("E2", manager_id=boss["id"])
    headers = c.headers(**{"If-Match": '"1"'})
    body = {"manager_id": report["id"]}
    return c.call("PATCH", f"/v1/people/{boss['id']}", json=body, headers=headers)


def _webhook_url_refused(c: Ctx) -> Served:
    body = {"url": "https://127.0.0.1/hook", "event_types": ["person.created"]}
    return c.call("POST", "/v1/webhook-endpoints", json=body, headers=c.headers())


def _invalid_cursor(c: Ctx) -> Served:
    return c.call("GET", "/v1/people?cursor=not-a-cursor", headers=c.headers())


def _idempotency_key_reused(c: Ctx) -> Served:
    headers = c.headers(**{"Idempotency-Key": "k-1"})
    first = c.client.post(
        "/v1/people", json={"external_id": "E1", "display_name": "Ann"}, headers=headers
    )
    assert first.status_code == 201, first.text
    body = {"external_id": "E2", "display_name": "Bo"}
    return c.call("POST", "/v1/people", json=body, headers=headers)


def _internal_error(c: Ctx) -> Served:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug")

    c.monkeypatch.setattr(people_routes.service, "list_people", broken)
    return c.call("GET", "/v1/people", headers=c.headers())


def _service_unavailable(c: Ctx) -> Served:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none")
    with TestClient(create_app(settings), raise_server_exceptions=False) as down:
        response = down.get("/v1/people", headers=c.headers())
    return Served(response.status_code, response.headers["content-type"], response.json())


def _sandbox_key(c: Ctx) -> str:
    onboarded = c.client.post(
        "/v1/platform/organizations",
        json={"name": "Sandbox", "sandbox": True},
        headers=c.headers("platform"),
    )
    assert onboarded.status_code == 201, onboarded.text
    return str(onboarded.json()["admin_key"]["key"])


def _not_a_sandbox(c: Ctx) -> Served:
    return c.call("POST", "/v1/test-clock/advance", json={"days": 1}, headers=c.headers())


def _test_clock_out_of_range(c: Ctx) -> Served:
    key = {"Authorization": f"Bearer {_sandbox_key(c)}"}
    past = {"to": "2000-01-01T00:00:00Z"}
    return c.call("POST", "/v1/test-clock/advance", json=past, headers=key)


RECIPES: dict[str, Callable[[Ctx], Served]] = {
    "not-a-sandbox": _not_a_sandbox,
    "test-clock-out-of-range": _test_clock_out_of_range,
    "malformed-json": _malformed_json,
    "json-too-complex": _json_too_complex,
    "malformed-http": _malformed_http,
    "missing-api-key": _missing_api_key,
    "invalid-api-key": _invalid_api_key,
    "missing-response-token": _missing_response_token,
    "invalid-response-token": _invalid_response_token,
    "expired-response-token": _expired_response_token,
    "missing-scope": _missing_scope,
    "not-found": _not_found,
    "no-such-route": _no_such_route,
    "method-not-allowed": _method_not_allowed,
    "request-timeout": _request_timeout,
    "duplicate-external-id": _duplicate_external_id,
    "belief-transition-not-allowed": _belief_transition_not_allowed,
    "commitment-transition-not-allowed": _commitment_transition_not_allowed,
    "entry-without-next-step": _entry_without_next_step,
    "reflection-submitted": _reflection_submitted,
    "prompt-protected": _prompt_protected,
    "feedback-request-not-open": _feedback_request_not_open,
    "response-token-used": _response_token_used,
    "delivery-pending": _delivery_pending,
    "last-admin-key": _last_admin_key,
    "idempotency-key-in-flight": _idempotency_key_in_flight,
    "anonymous-replay-refused": _anonymous_replay_refused,
    "secret-replay-refused": _secret_replay_refused,
    "stale-if-match": _stale_if_match,
    "payload-too-large": _payload_too_large,
    "unsupported-media-type": _unsupported_media_type,
    "if-match-required": _if_match_required,
    "rate-limited": _rate_limited,
    "header-too-large": _header_too_large,
    "validation-error": _validation_error,
    "invalid-reference": _invalid_reference,
    "reporting-loop": _reporting_loop,
    "reflection-incomplete": _reflection_incomplete,
    "webhook-url-refused": _webhook_url_refused,
    "invalid-cursor": _invalid_cursor,
    "idempotency-key-reused": _idempotency_key_reused,
    "internal-error": _internal_error,
    "service-unavailable": _service_unavailable,
}


@pytest.fixture(scope="module")
def serve_port(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`calling serve` as the image runs it: the transport's refusals come from it."""
    log = tmp_path_factory.mktemp("problems") / "server.log"
    with live_server(
        database_url, log, serve=True, header_timeout_seconds=str(HEADER_TIMEOUT)
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


def test_every_problem_type_has_a_recipe() -> None:
    """A type added to the catalogue without a recipe here fails (and a recipe for a type
    that is gone)."""
    assert sorted(RECIPES) == sorted(BY_SLUG)


@pytest.mark.parametrize("problem_type", CATALOGUE, ids=[t.slug for t in CATALOGUE])
def test_the_service_answers_each_problem_type(
    problem_type: ProblemType,
    client: TestClient,
    tenant: Tenant,
    db: Engine,
    database_url: str,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recipe = RECIPES.get(problem_type.slug)
    assert recipe is not None, f"no recipe provokes {problem_type.slug}"
    served = recipe(Ctx(client, tenant, db, database_url, backend, request, monkeypatch))
    assert served.content_type == PROBLEM, served
    assert served.status == problem_type.status, served
    assert served.body["type"] == PROBLEM_TYPE_BASE + problem_type.slug, served
    assert served.body["title"] == problem_type.title, served
    assert served.body["status"] == problem_type.status, served


# --- the catalogue over HTTP ---------------------------------------------------------------


def test_the_catalogue_is_served_without_a_key(client: TestClient) -> None:
    response = client.get("/problems")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    served = response.json()["data"]
    assert [t["slug"] for t in served] == [t.slug for t in CATALOGUE]
    for entry, problem_type in zip(served, CATALOGUE, strict=True):
        assert entry == {
            "type": problem_type.uri,
            "slug": problem_type.slug,
            "status": problem_type.status,
            "title": problem_type.title,
            "when": problem_type.when,
            "action": problem_type.action,
        }


def test_one_problem_type_is_served_by_its_slug(client: TestClient) -> None:
    response = client.get("/problems/duplicate-external-id")
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "https://calling.dev/problems/duplicate-external-id"
    assert response.json()["status"] == 409


def test_an_unknown_slug_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/problems/no-such-type")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == BY_SLUG["not-found"].uri
    assert client.get("/problems/Not_A_Slug").status_code == 422


def test_the_spec_tabulates_the_catalogue(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    (tag,) = [t for t in spec["tags"] if t["name"] == "Problems"]
    for problem_type in CATALOGUE:
        assert (
            f"| [`{problem_type.slug}`]({problem_type.uri}) | {problem_type.status} |"
            in (tag["description"])
        )


def test_a_problem_type_request_counts_against_the_client_address(
    database_url: str, db: Engine
) -> None:
    settings = Settings(database_url=database_url, rate_limit_per_minute=2, rate_limit_burst=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as limited:
        statuses = [limited.get("/problems").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
