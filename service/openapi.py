"""The OpenAPI document: FastAPI's, with every error as `application/problem+json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi

from service.auth import Principal, Scope
from service.errors import _routes
from service.responses import Problem

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"

_HEADER_DOCS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The authentication scheme to use.",
            "schema": {"type": "string"},
        }
    },
    409: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    429: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    503: {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def _problem_content() -> dict[str, Any]:
    return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`str | None = None` parameters: "absent" is `required: false`; there is no `null` in a
    query string or a header, so the spec does not offer one."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or {"type": "null"} not in branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    outer = {k: v for k, v in schema.items() if k != "anyOf"}
    if len(rest) == 1:
        return {**rest[0], **outer}
    return {**outer, "anyOf": rest}


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _integer_bounds(node: Any) -> None:
    """FastAPI writes `ge=0` of an `int` as `"minimum": 0.0`; an integer's bounds are integers."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in _BOUNDS:
                value = node.get(bound)
                if isinstance(value, float) and value.is_integer():
                    node[bound] = int(value)
        for child in node.values():
            _integer_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _integer_bounds(child)


def required_scopes(dependant: Dependant) -> list[str]:
    """The scopes of the `require(scope)` checks an operation depends on, less those implied by
    another of them (`write` and `read` → `write`)."""
    found: set[Scope] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        stack.extend(current.dependencies)
        scope = getattr(current.call, "__dict__", {}).get("required_scope")
        if scope is not None:
            found.add(Scope(scope))

    def implied(scope: Scope) -> bool:
        return any(
            other != scope and Principal("", "", frozenset({other})).allows(scope)
            for other in found
        )

    return sorted(scope.value for scope in found if not implied(scope))


def _publish_required_scopes(app: FastAPI, spec: dict[str, Any]) -> None:
    """`x-required-scope` on every operation that needs an API key, and the same scope as the
    role of its security requirement (OpenAPI 3.1), so integrators read which key to use."""
    for route in _routes(app):
        dependant = getattr(route, "dependant", None)
        path_item = spec.get("paths", {}).get(getattr(route, "path_format", None))
        if not isinstance(dependant, Dependant) or path_item is None:
            continue
        needed = required_scopes(dependant)
        if not needed:
            continue
        if len(needed) > 1:  # no key scope would say it: split the operation instead
            raise ValueError(f"{route.path_format} needs several unrelated scopes: {needed}")
        for method in getattr(route, "methods", None) or ():
            operation = path_item.get(method.lower())
            if operation is None:
                continue
            operation["x-required-scope"] = needed[0]
            operation["security"] = [
                {name: list(needed) for name in requirement}
                for requirement in operation.get("security", [])
            ]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem_schema.pop("$defs", {}).items():
        schemas[name] = definition
    schemas["Problem"] = problem_schema
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("required") and "schema" in parameter:
                    parameter["schema"] = _without_null(parameter["schema"])
            responses = operation.get("responses", {})
            for code, response in responses.items():
                if int(code) >= 400:
                    response["content"] = _problem_content()
                    headers = _HEADER_DOCS.get(int(code))
                    if headers:
                        response["headers"] = headers
                    if int(code) == 422:
                        response["description"] = "Invalid or unknown fields; see `errors`."
    _integer_bounds(spec)
    _publish_required_scopes(app, spec)
    return spec


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def render(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
