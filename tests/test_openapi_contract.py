"""The committed spec (`openapi/openapi.json`) is the contract.

It must equal what the app generates (run `calling openapi` after changing a route or a
schema), be a valid OpenAPI document, and follow the conventions of API.md: readable
snake_case operationIds, tags, problem+json errors, `Idempotency-Key` on every POST, a
required `If-Match` on every update and delete, and a description and an example for every
field and parameter, so that Swagger UI and generated clients read well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from service.api.app import create_app
from service.api.openapi import SPEC_PATH
from service.api.responses import Problem
from service.problem_types import BY_SLUG, PROBLEM_TYPE_BASE
from service.settings import Settings
from tests.conftest import Tenant

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PROBLEM_REF = "#/components/schemas/Problem"

Operation = tuple[str, str, dict[str, Any]]


def _committed() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return _committed()


def _differences(a: Any, b: Any, pointer: str = "") -> Iterator[str]:
    """JSON pointers where two documents differ (the first few are enough to act on)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in a:
                yield f"{child} (only in the generated spec)"
            elif key not in b:
                yield f"{child} (only in the committed spec)"
            else:
                yield from _differences(a[key], b[key], child)
    elif a != b:
        yield pointer or "/"


def test_committed_spec_matches_the_app() -> None:
    generated = json.loads(json.dumps(create_app(Settings(database_url="sqlite://")).openapi()))
    committed = _committed()
    if generated != committed:
        where = list(_differences(generated, committed))
        shown = "\n  ".join(where[:15]) + ("\n  …" if len(where) > 15 else "")
        pytest.fail(
            f"{SPEC_PATH.name} is out of date with the code. Run `calling openapi` (from the "
            f"repository root) and commit the result. Differences at:\n  {shown}",
            pytrace=False,
        )


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def _operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _parameters(operation: dict[str, Any], location: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == location}


def test_operation_ids_are_readable_and_unique(spec: dict[str, Any]) -> None:
    seen: dict[str, str] = {}
    for path, method, operation in _operations(spec):
        label = f"{method.upper()} {path}"
        operation_id = operation.get("operationId", "")
        assert SNAKE_CASE.match(operation_id), f"{label}: operationId {operation_id!r}"
        # FastAPI's generated ids read `list_people_v1_people_get`: set `operation_id=`.
        assert not operation_id.endswith(f"_{method}"), f"{label}: generated {operation_id!r}"
        assert "_v1_" not in operation_id, f"{label}: generated {operation_id!r}"
        assert operation_id not in seen, f"{label} reuses {operation_id!r} of {seen[operation_id]}"
        seen[operation_id] = label


def test_every_operation_has_a_known_tag_and_a_summary(spec: dict[str, Any]) -> None:
    declared = {tag["name"] for tag in spec.get("tags", [])}
    for path, method, operation in _operations(spec):
        label = f"{method.upper()} {path}"
        assert operation.get("tags"), f"{label} has no tag"
        assert set(operation["tags"]) <= declared, f"{label}: undeclared tag {operation['tags']}"
        assert operation.get("summary"), f"{label} has no summary"


def test_errors_are_documented_only_as_problem_json(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            label = f"{method.upper()} {path} → {code}"
            assert response.get("description"), f"{label} has no description"
            content = response.get("content", {})
            assert list(content) == ["application/problem+json"], f"{label}: {list(content)}"
            assert content["application/problem+json"]["schema"] == {"$ref": PROBLEM_REF}, label


def test_every_operation_documents_validation_and_auth_errors(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        codes = set(operation["responses"])
        if operation.get("security") == [] or not path.startswith("/v1/"):
            continue
        label = f"{method.upper()} {path}"
        assert {"401", "422", "500", "503"} <= codes, f"{label}: {sorted(codes)}"
        if any("ApiKey" in requirement for requirement in operation["security"]):
            # A key may lack the scope; a response token has exactly one use, no scopes.
            assert "403" in codes, f"{label}: {sorted(codes)}"


def test_every_post_declares_idempotency_key(spec: dict[str, Any]) -> None:
    posts = [(path, op) for path, method, op in _operations(spec) if method == "post"]
    assert posts
    for path, operation in posts:
        header = _parameters(operation, "header").get("Idempotency-Key")
        assert header is not None, f"POST {path} does not declare Idempotency-Key"
        assert not header.get("required"), f"POST {path}: Idempotency-Key must be optional"
        assert header["schema"].get("maxLength") == 255, f"POST {path}: maxLength"


def test_every_update_and_delete_requires_if_match(spec: dict[str, Any]) -> None:
    writes = [
        (method, path, op)
        for path, method, op in _operations(spec)
        if method in {"patch", "put", "delete"}
    ]
    assert writes
    for method, path, operation in writes:
        label = f"{method.upper()} {path}"
        header = _parameters(operation, "header").get("If-Match")
        assert header is not None, f"{label} does not declare If-Match"
        assert header.get("required") is True, f"{label}: If-Match must be required"
        assert {"412", "428"} <= set(operation["responses"]), f"{label}: 412/428 undocumented"


def _has_example(schema: dict[str, Any]) -> bool:
    return "example" in schema or bool(schema.get("examples"))


def _walk_properties(name: str, schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of a schema, nested objects and array items included."""
    if not isinstance(schema, dict):
        return
    for prop, definition in schema.get("properties", {}).items():
        yield f"{name}.{prop}", definition
        yield from _walk_properties(f"{name}.{prop}", definition)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _walk_properties(f"{name}[]", schema[key])
    for key in ("anyOf", "allOf", "oneOf"):
        for branch in schema.get(key, []):
            yield from _walk_properties(name, branch)


def test_every_schema_and_property_has_a_description_and_an_example(
    spec: dict[str, Any],
) -> None:
    missing: list[str] = []
    for name, schema in spec["components"]["schemas"].items():
        if not schema.get("description"):
            missing.append(f"{name}: description")
        for where, definition in _walk_properties(name, schema):
            if not definition.get("description"):
                missing.append(f"{where}: description")
            if not _has_example(definition):
                missing.append(f"{where}: example")
    assert not missing, "Undocumented schema fields:\n  " + "\n  ".join(missing)


def test_every_parameter_has_a_description_and_an_example(spec: dict[str, Any]) -> None:
    missing: list[str] = []
    for path, method, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            where = f"{method.upper()} {path} {parameter['in']}.{parameter['name']}"
            if not parameter.get("description"):
                missing.append(f"{where}: description")
            if not (_has_example(parameter) or _has_example(parameter.get("schema", {}))):
                missing.append(f"{where}: example")
    assert not missing, "Undocumented parameters:\n  " + "\n  ".join(missing)


def test_ids_are_documented_with_their_prefix(spec: dict[str, Any]) -> None:
    """A path parameter named `*_id` carries a prefixed-id pattern (`per_…`, `blf_…`)."""
    for path, method, operation in _operations(spec):
        for name, parameter in _parameters(operation, "path").items():
            if name.endswith("_id"):
                pattern = parameter["schema"].get("pattern", "")
                assert re.match(r"^\^[a-z]{3}_", pattern), f"{method.upper()} {path} {name}"


def test_every_error_response_has_an_example_of_its_own_status(spec: dict[str, Any]) -> None:
    """Swagger UI shows each error status with its own problem (a 413 is not a 404)."""
    for path, method, operation in _operations(spec):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            label = f"{method.upper()} {path} → {code}"
            example = response["content"]["application/problem+json"].get("example")
            assert example is not None, f"{label} has no example"
            problem = Problem.model_validate(example)  # the schema's own bounds
            assert problem.status == int(code), label
            assert problem.type.startswith(PROBLEM_TYPE_BASE), label
            cause = BY_SLUG.get(problem.type.removeprefix(PROBLEM_TYPE_BASE))
            assert cause is not None, f"{label}: {problem.type} is not in the catalogue"
            assert (cause.status, cause.title) == (problem.status, problem.title), label
            assert problem.instance == path, label
            assert (problem.errors is not None) == (code == "422"), label


def _example(spec: dict[str, Any], path: str, method: str, code: int) -> dict[str, Any]:
    response = spec["paths"][path][method]["responses"][str(code)]
    return dict(response["content"]["application/problem+json"]["example"])


def test_the_error_examples_are_what_the_service_answers(
    spec: dict[str, Any], client: TestClient, tenant: Tenant
) -> None:
    """Each example's type and title (and its detail, where it does not name the request's
    objects) is what the service sends for that status."""
    collection, item = "/v1/people", "/v1/people/{person_id}"
    created = client.post(
        collection, json={"external_id": "E1", "display_name": "Ann"}, headers=tenant.headers()
    )
    assert created.status_code == 201, created.text
    one = f"{collection}/{created.json()['id']}"
    admin, read = tenant.headers(), tenant.headers("read")
    json_ = {**admin, "Content-Type": "application/json"}
    text = {**admin, "Content-Type": "text/plain"}
    stale = tenant.headers(**{"If-Match": '"99"'})
    huge = b" " * (3 << 20)  # over the 2 MiB default
    unknown = f"{collection}/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"
    # (documented path, method, status, URL, request, whether the detail is the example's)
    cases: list[tuple[str, str, int, str, dict[str, Any], bool]] = [
        (collection, "post", 400, collection, {"content": b"{", "headers": json_}, True),
        (collection, "post", 401, collection, {"json": {}}, True),
        (collection, "post", 403, collection, {"json": {}, "headers": read}, True),
        (item, "get", 404, unknown, {"headers": admin}, False),
        (collection, "post", 413, collection, {"content": huge, "headers": json_}, False),
        (collection, "post", 415, collection, {"content": b"url", "headers": text}, True),
        (collection, "post", 422, collection, {"json": {"external_id": 1}, "headers": admin}, True),
        (item, "patch", 412, one, {"json": {}, "headers": stale}, False),
        (item, "patch", 428, one, {"json": {}, "headers": admin}, True),
    ]
    for path, method, code, url, request, same_detail in cases:
        example = _example(spec, path, method, code)
        answer = client.request(method.upper(), url, **request)
        label = f"{method.upper()} {path} → {code}"
        assert answer.status_code == code, f"{label}: {answer.status_code} {answer.text}"
        body = answer.json()
        assert (body["type"], body["title"]) == (example["type"], example["title"]), label
        if same_detail:
            assert body["detail"] == example["detail"], label
