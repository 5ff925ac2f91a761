"""The response token is checked before anything else (as API keys are): a request without
a valid token is refused without its body being read, parsed or validated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Tenant
from tests.feedback_requests.helpers import answer, campaign, person

URL = "/v1/feedback-responses"
HOSTILE = b"[" * 5000 + b"]" * 5000  # malformed for the strict parser, deeply nested


def test_no_token_is_401_before_the_body_is_looked_at(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        headers = {**headers, "Content-Type": "application/json"}
        r = client.post(URL, content=HOSTILE, headers=headers)
        assert r.status_code == 401, r.text
        assert r.headers["content-type"].startswith("application/problem+json")


def test_a_wrong_or_used_token_is_refused_before_the_body(
    client: TestClient, tenant: Tenant
) -> None:
    leader = person(client, tenant, "L")
    created = campaign(
        client, tenant, leader, [{"reference": "buyer", "relationship": "external_customer"}]
    )
    token = created["tokens"][0]["token"]
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    bad_body = {"Content-Type": "application/json"}
    r = client.post(URL, content=HOSTILE, headers={"Authorization": f"Bearer {forged}", **bad_body})
    assert r.status_code == 401, r.text
    # A valid token with a malformed body: now the body is read, and refused as such.
    r = client.post(URL, content=b"{", headers={"Authorization": f"Bearer {token}", **bad_body})
    assert r.status_code == 400, r.text
    assert answer(client, token).status_code == 201
    r = client.post(URL, content=HOSTILE, headers={"Authorization": f"Bearer {token}", **bad_body})
    assert r.status_code == 409, r.text  # used: refused before the body is read
