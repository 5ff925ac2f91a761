"""Authorization matrix: every operation × every scope, derived from the app and the spec.

* The scope each operation needs is read from the app itself: the `require_<scope>` checks
  (`service.api.auth.require`) in each route's dependency tree. The committed spec publishes it
  as `x-required-scope` (and as the role of the operation's security requirement); the two
  must agree, so a new route is covered, and documented, without editing this test.
* What each scope implies is documented (`DOCUMENTED_IMPLIES`, as in the API docs); the code
  must agree with it.
* Every operation is called with a key of every scope: allowed → neither 401 nor 403 (nor
  5xx); denied → 403 problem.
* No route of the app (in the spec or not) answers without a valid key, except the probes,
  `/metrics` and the docs: 401 with `WWW-Authenticate`, also for an invalid or a revoked key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api_keys.keys import Principal, Scope
from service.ids import new_id
from tests.conftest import Tenant, make_tenant
from tests.security.seeding import PROBLEM, call, seed
from tests.security.spec_walk import load_spec, operations

# What each scope grants, as documented (API docs and the `Scope` schema of the spec).
DOCUMENTED_IMPLIES: dict[str, set[str]] = {
    "read": {"read"},
    "write": {"write", "read", "feedback:submit"},
    "admin": {"admin", "write", "read", "feedback:submit"},
    "feedback:submit": {"feedback:submit"},
    "platform": {"platform"},
}
# The only paths any client may call without a key.
PUBLIC = {"/livez", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc",
          "/docs-assets/swagger-ui.css", "/problems", "/problems/{slug}"}  # fmt: skip


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def scopes_of(dependant: Dependant) -> set[str]:
    """The scopes of the `require_<scope>` checks in the tree, less those implied by another."""
    names = {getattr(d.call, "__name__", "") for d in _dependants(dependant)}
    found = {name.removeprefix("require_") for name in names if name.startswith("require_")}
    return {s for s in found if not any(o != s and s in DOCUMENTED_IMPLIES[o] for o in found)}


def app_routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, route) of every route of the app, in the schema or not."""
    for context in iter_route_contexts(app.routes):
        path = context.path_format or context.path
        for method in sorted(context.methods or ()):
            yield method, str(path), context


def test_the_documented_implications_are_the_code_s() -> None:
    assert set(DOCUMENTED_IMPLIES) == {s.value for s in Scope}, (
        "a scope was added or removed: document what it grants (API docs, `Scope`) and here"
    )
    for held in Scope:
        principal = Principal(org_id="org_x", key_id="key_x", scopes=frozenset({held}))
        for needed in Scope:
            assert principal.allows(needed) == (needed in DOCUMENTED_IMPLIES[held]), (
                held,
                needed,
            )


def test_the_spec_publishes_the_scope_each_operation_needs(app: FastAPI) -> None:
    spec = load_spec()
    derived: dict[tuple[str, str], str | None] = {}
    for method, path, context in app_routes(app):
        dependant = getattr(context, "dependant", None)
        if isinstance(dependant, Dependant):
            scopes = scopes_of(dependant)
            assert len(scopes) <= 1, f"{method} {path} needs unrelated scopes {scopes}"
            derived[(method, path)] = next(iter(scopes), None)
    published = {}
    for op in operations(spec):
        scope = op.op.get("x-required-scope")
        published[(op.method, op.path)] = scope
        if scope is None:
            assert not op.secured, f"{op.operation_id} needs a key but names no scope"
            assert op.path in PUBLIC or op.token_authenticated, f"{op.operation_id} needs no key"
        else:
            assert op.op["security"] == [{"ApiKey": [scope]}], op.operation_id
    in_spec = {k: v for k, v in derived.items() if k in published}
    assert in_spec == published
    tokens = {op.path for op in operations(spec) if op.token_authenticated}
    assert {path for (_, path), scope in derived.items() if scope is None} <= PUBLIC | tokens


def _expected(op_scope: str, key_scope: str) -> bool:
    return op_scope in DOCUMENTED_IMPLIES[key_scope]


def test_every_operation_by_every_scope(client: TestClient, tenant: Tenant, db: Engine) -> None:
    """Allowed → neither 401 nor 403; denied → 403. The organization's own objects are used,
    so an allowed call really runs (deletions last; denied scopes before allowed ones). The
    test clock's operations run on a sandbox's keys (a live organization has none: 403
    `not-a-sandbox`, tests/test_test_clock.py)."""
    own = seed(client, tenant, "Own")
    sandbox = make_tenant(db, "Own sandbox", sandbox=True)
    ops = [op for op in operations(load_spec()) if op.secured]
    # Deletions last, and a person's last of all (it takes their beliefs and reflections);
    # after them the organization's deactivation (its keys stop working).
    ops.sort(
        key=lambda op: (
            op.operation_id == "deactivate_platform_organization",
            op.method == "DELETE",
            any(s.prefix == "per" for s in op.slots),
        )
    )
    checked = 0
    for op in ops:
        needed = op.op["x-required-scope"]
        scopes = sorted(Scope, key=lambda s: (_expected(needed, s), s == Scope.admin))
        for scope in scopes:
            who = sandbox if op.path.startswith("/v1/test-clock") else tenant
            response = call(client, op, own.for_slots(op), who.headers(scope.value))
            what = f"{op.operation_id} ({needed}) with a `{scope.value}` key"
            if _expected(needed, scope.value):
                assert response.status_code not in (401, 403), f"{what}: {response.text}"
                assert response.status_code < 500, f"{what}: {response.text}"
            else:
                assert response.status_code == 403, f"{what}: {response.text}"
                _assert_problem(response, 403, "missing-scope")
                assert needed in response.json()["detail"], response.text
            checked += 1
    assert checked == len(ops) * len(Scope)


def _assert_problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    body = response.json()
    assert body["status"] == status and body["type"].endswith(f"/{slug}"), body
    assert body["title"] and body["detail"] and body["instance"], body


def _fill(path: str, context: Any) -> str:
    """Random ids for the path parameters, of the kind their convertor says (`{x:per_id}`)."""

    def value(match: re.Match[str]) -> str:
        prefix = match.group(2)
        return new_id(prefix) if prefix else "x"

    return re.sub(r"\{(\w+)(?::(\w+)_id)?\}", value, str(context.path or path))


@pytest.mark.parametrize("credentials", ["none", "malformed", "unknown", "revoked"])
def test_no_route_answers_without_a_valid_key(
    client: TestClient, app: FastAPI, tenant: Tenant, credentials: str
) -> None:
    revoked = client.post(
        "/v1/api-keys", json={"name": "soon revoked", "scopes": ["admin"]}, headers=tenant.headers()
    ).json()
    revoke = client.post(f"/v1/api-keys/{revoked['id']}/revoke", headers=tenant.headers())
    assert revoke.status_code == 200, revoke.text
    unknown = tenant.keys["admin"][:-8] + "00000000"  # a well-formed key that does not exist
    auth = {
        "none": {},
        "malformed": {"Authorization": "Bearer not-a-key"},
        "unknown": {"Authorization": f"Bearer {unknown}"},
        "revoked": {"Authorization": f"Bearer {revoked['key']}"},
    }[credentials]
    bodies = {(op.method, op.path): op for op in operations(load_spec())}
    called = 0
    for method, path, context in app_routes(app):
        if path in PUBLIC:
            continue
        op = bodies.get((method, path))
        if op is not None:  # the spec's own example body, so a 422 cannot come first
            response = call(client, op, op.for_random_ids(), auth)
        else:
            headers = {**auth, "If-Match": "*", "Content-Type": "application/json"}
            response = client.request(method, _fill(path, context), content=b"{}", headers=headers)
        what = f"{method} {path} with {credentials} credentials"
        assert response.status_code == 401, f"{what}: {response.status_code} {response.text}"
        assert response.headers.get("www-authenticate", "").startswith("Bearer"), what
        what_key = "response-token" if path == "/v1/feedback-responses" else "api-key"
        which = "missing" if credentials == "none" else "invalid"
        _assert_problem(response, 401, f"{which}-{what_key}")
        called += 1
    assert called >= len([op for op in bodies.values() if op.path not in PUBLIC])


def test_the_public_paths_answer_without_a_key(client: TestClient) -> None:
    for path in sorted(PUBLIC):
        response = client.get(path.replace("{slug}", "malformed-json"))
        assert response.status_code in (200, 503), (path, response.status_code)
