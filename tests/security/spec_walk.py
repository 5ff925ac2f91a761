"""Walk the committed OpenAPI spec: every operation, its id-shaped parameters and body fields.

The security tests are driven by the spec, not by a hand-written list of routes, so a new
route is covered the day it is added. An "id slot" is any place an object id goes: a path or
query parameter, or a body field, whose `pattern` is an id pattern (`^per_[0-9A-HJ…]{26}$`);
its prefix (`per`, `blf`, …) says which kind of object it names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.ids import new_id
from tests.ops.repo_files import ROOT

SPEC_PATH = ROOT / "openapi" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_ID_PATTERN = re.compile(r"\^([a-z]{3})_\[0-9A-HJKMNP-TV-Z\]\{26\}\$")
ANY_ID = re.compile(r"\b[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}\b")


def load_spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text()))


def id_prefix(schema: dict[str, Any]) -> str | None:
    """`per` for a schema whose pattern is `^per_[0-9A-HJKMNP-TV-Z]{26}$`."""
    match = _ID_PATTERN.fullmatch(str(schema.get("pattern", "")))
    return match.group(1) if match else None


@dataclass(frozen=True)
class Slot:
    """One place of a request where an object id goes."""

    where: str  # "path", "query" or "body"
    name: str  # the parameter name, or the body location (`belief_ratings.0.belief_id`)
    prefix: str  # what kind of object: `per`, `blf`, ...

    def __str__(self) -> str:
        return f"{self.where}:{self.name}"


@dataclass(frozen=True)
class Hole:
    """Where the body template takes the id of slot `index`."""

    index: int


@dataclass
class Operation:
    spec: dict[str, Any] = field(repr=False)
    method: str
    path: str
    op: dict[str, Any] = field(repr=False)
    slots: list[Slot] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)  # required non-id query parameters
    body: Any = None  # a template with `Hole`s; None when the operation takes no body
    has_body: bool = False

    @property
    def operation_id(self) -> str:
        return str(self.op.get("operationId", f"{self.method} {self.path}"))

    @property
    def secured(self) -> bool:
        """Whether the spec says the operation needs an API key."""
        security = self.op.get("security", self.spec.get("security", []))
        return any("ApiKey" in requirement for requirement in security)

    @property
    def token_authenticated(self) -> bool:
        """Whether it takes a respondent's response token instead (no key, no scope)."""
        return self.op.get("security") == [{"ResponseToken": []}]

    def header_params(self) -> list[dict[str, Any]]:
        return [p for p in self.op.get("parameters", []) if p["in"] == "header"]

    def requires_header(self, name: str) -> bool:
        return any(
            p["name"].lower() == name.lower() and p.get("required") for p in self.header_params()
        )

    def accepts_header(self, name: str) -> bool:
        return any(p["name"].lower() == name.lower() for p in self.header_params())

    def for_random_ids(self) -> list[str]:
        """Ids of the right kinds, for objects that exist nowhere."""
        return [new_id(slot.prefix) for slot in self.slots]

    def request(self, ids: list[str]) -> tuple[str, dict[str, Any], Any]:
        """(path, query, body) with slot `i` filled with `ids[i]`."""
        path = self.path
        query = dict(self.query)
        for slot, value in zip(self.slots, ids, strict=True):
            if slot.where == "path":
                path = path.replace("{" + slot.name + "}", value)
            elif slot.where == "query":
                query[slot.name] = value
        return path, query, fill(self.body, ids) if self.has_body else None


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `$ref` followed; sibling keywords (`examples`) win."""
    seen: set[str] = set()
    while "$ref" in schema:
        ref = str(schema["$ref"])
        if ref in seen:
            break
        seen.add(ref)
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _has_id(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> bool:
    if depth > 20:
        return False
    schema = resolve(spec, schema)
    if id_prefix(schema):
        return True
    children: list[dict[str, Any]] = [
        *schema.get("anyOf", []),
        *schema.get("oneOf", []),
        *schema.get("allOf", []),
        *schema.get("properties", {}).values(),
    ]
    if isinstance(schema.get("items"), dict):
        children.append(schema["items"])
    return any(_has_id(spec, child, depth + 1) for child in children)


def _example(schema: dict[str, Any]) -> tuple[bool, Any]:
    if schema.get("format") == "date":
        # Today: a belief activated today was active "during the period" of a reflection.
        return True, datetime.now(UTC).date().isoformat()
    if schema.get("examples"):
        return True, schema["examples"][0]
    if "example" in schema:
        return True, schema["example"]
    if "default" in schema:
        return True, schema["default"]
    return False, None


def _synthesize(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    branches = [b for b in schema.get("anyOf", schema.get("oneOf", [])) if b != {"type": "null"}]
    if branches:
        return build_value(spec, branches[0], "", [])
    kind = schema.get("type")
    if kind == "string":
        return "x" * int(schema.get("minLength", 1))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return {}


def build_value(spec: dict[str, Any], schema: dict[str, Any], loc: str, slots: list[Slot]) -> Any:
    """A value for `schema`, from its examples, where every id-shaped field is a `Hole`."""
    schema = resolve(spec, schema)
    prefix = id_prefix(schema)
    if prefix:
        slots.append(Slot("body", loc, prefix))
        return Hole(len(slots) - 1)
    branches = [b for b in schema.get("anyOf", schema.get("oneOf", [])) if b != {"type": "null"}]
    if branches:
        with_ids = [b for b in branches if _has_id(spec, b)]
        if with_ids:  # e.g. an attributed respondent rather than an anonymous one
            return build_value(spec, with_ids[0], loc, slots)
    if not _has_id(spec, schema):
        found, value = _example(schema)
        if found:
            return value
    if "properties" in schema:
        return {
            name: build_value(spec, prop, f"{loc}.{name}" if loc else name, slots)
            for name, prop in schema["properties"].items()
        }
    if isinstance(schema.get("items"), dict):
        return [build_value(spec, schema["items"], f"{loc}.0", slots)]
    return _synthesize(spec, schema)


def fill(template: Any, ids: list[str]) -> Any:
    if isinstance(template, Hole):
        return ids[template.index]
    if isinstance(template, dict):
        return {k: fill(v, ids) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, ids) for v in template]
    return template


def organization_operations(spec: dict[str, Any]) -> Iterator[Operation]:
    """The operations an organization's keys are for: all but the platform's (tenants over
    HTTP), which no organization key reaches (403; tests/platform)."""
    for op in operations(spec):
        if op.op.get("x-required-scope") != "platform":
            yield op


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the spec, with its id slots: path, query, then body."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            if op.get("security") == []:  # public (the problem catalogue): no ids, no key
                continue
            operation = Operation(spec, method.upper(), path, op)
            for param in op.get("parameters", []):
                param = resolve(spec, param)
                schema = resolve(spec, param.get("schema", {}))
                prefix = id_prefix(schema)
                if param["in"] in {"path", "query"} and prefix:
                    operation.slots.append(Slot(param["in"], param["name"], prefix))
                elif param["in"] == "path":
                    raise AssertionError(f"{method} {path}: path parameter without an id pattern")
                elif param["in"] == "query" and param.get("required"):
                    found, value = _example(schema)
                    operation.query[param["name"]] = value if found else _synthesize(spec, schema)
            content = op.get("requestBody", {}).get("content", {})
            if content:
                media = content.get("application/json") or next(iter(content.values()))
                operation.has_body = True
                operation.body = build_value(spec, media.get("schema", {}), "", operation.slots)
            yield operation
