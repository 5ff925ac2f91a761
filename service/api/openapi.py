"""The OpenAPI document: FastAPI's, with every error as `application/problem+json`."""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.api.auth import MISSING_KEY, declared_scopes
from service.api.problems import MALFORMED_JSON_DETAIL, routes_of
from service.api.responses import Problem
from service.api.routes.feedback_responses import MISSING_TOKEN
from service.api.workflow import STEP_DESCRIPTIONS
from service.errors import IF_MATCH_REQUIRED_DETAIL
from service.ids import ID_LENGTH
from service.problem_types import (
    ANONYMOUS_REPLAY_REFUSED,
    BELIEF_TRANSITION_NOT_ALLOWED,
    COMMITMENT_TRANSITION_NOT_ALLOWED,
    DELIVERY_PENDING,
    DUPLICATE_EXTERNAL_ID,
    ENTRY_WITHOUT_NEXT_STEP,
    FEEDBACK_REQUEST_NOT_OPEN,
    IDEMPOTENCY_KEY_IN_FLIGHT,
    IF_MATCH_REQUIRED,
    INTERNAL_ERROR,
    INVALID_REFERENCE,
    LAST_ADMIN_KEY,
    MALFORMED_JSON,
    MISSING_API_KEY,
    MISSING_RESPONSE_TOKEN,
    MISSING_SCOPE,
    NOT_A_SANDBOX,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    PROMPT_PROTECTED,
    RATE_LIMITED,
    REFLECTION_INCOMPLETE,
    REFLECTION_SUBMITTED,
    RESPONSE_TOKEN_USED,
    SECRET_REPLAY_REFUSED,
    SERVICE_UNAVAILABLE,
    STALE_IF_MATCH,
    TEST_CLOCK_OUT_OF_RANGE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_ERROR,
    WEBHOOK_URL_REFUSED,
    ProblemType,
)
from service.test_clock import LIVE_HAS_NO_TEST_CLOCK
from service.types import DAY_LENGTH, MAX_TIMESTAMP_LENGTH

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"

# `Retry-After` is at most a minute: 1 s (an `Idempotency-Key` in flight), 2 s (database
# unavailable), 5 s (`/readyz`) or the end of a full rate-limit window (60 s at most).
_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 60, "examples": [2]},
}

_HEADER_DOCS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The authentication scheme to use.",
            "schema": {
                "type": "string",
                "maxLength": 100,
                "pattern": "^Bearer( .*)?$",
                "examples": ['Bearer realm="calling"'],
            },
        }
    },
    409: {"Retry-After": _RETRY_AFTER},
    429: {"Retry-After": _RETRY_AFTER},
    503: {"Retry-After": _RETRY_AFTER},
}

# The RateLimit header fields (IETF httpapi draft) that `service.api.ratelimit` adds to the
# response of every request whose API key was checked, while rate limiting is on (a
# positive `rate_limit_per_minute`, the default). Their values are bounded by the settings
# (`rate_limit_per_minute`, `rate_limit_burst` ≤ 2³¹ − 1) and the window (≤ 60 s).
_RATE_LIMIT_NOTE = (
    " Sent on every response to a request whose API key was checked, unless the operator "
    "turned rate limiting off."
)
_COUNT = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 2_147_483_647}
RATE_LIMIT_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the window closest to running out." + _RATE_LIMIT_NOTE,
        "schema": {**_COUNT, "examples": [100]},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in that window." + _RATE_LIMIT_NOTE,
        "schema": {**_COUNT, "examples": [99]},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the oldest request counted in that window leaves it "
        "(0: the window is empty)." + _RATE_LIMIT_NOTE,
        "schema": {
            "type": "integer",
            "format": "int32",
            "minimum": 0,
            "maximum": 60,
            "examples": [1],
        },
    },
    "RateLimit-Policy": {
        "description": "The windows of your organization's quota: requests per minute and, "
        "when capped, per second (`1200;w=60, 100;w=1`)." + _RATE_LIMIT_NOTE,
        "schema": {
            "type": "string",
            "maxLength": 64,
            "pattern": "^[0-9]+;w=[0-9]+(, [0-9]+;w=[0-9]+)?$",
            "examples": ["1200;w=60, 100;w=1"],
        },
    },
}
# Every response carries the request id (service.api.middleware): the client's `X-Request-Id`
# when it is valid, otherwise one the service made. Logs hold it, so quote it to support.
REQUEST_ID_HEADER: dict[str, Any] = {
    "description": "The id of this request: your `X-Request-Id` when it has 1–128 of "
    "`A-Z a-z 0-9 . _ : -`, otherwise one the service made. Our logs hold it; quote it "
    "when you ask for support.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128,
        "pattern": "^[A-Za-z0-9._:-]{1,128}$",
        "examples": ["6f1d3c0e9b2a4e58a1c7d2f0b3e4a5c6"],
    },
}

# Refused before an organization is known, so without RateLimit fields: no or a bad key (401;
# counted against the client address instead). Everything else — malformed JSON (400), a body
# too large (413) or not JSON (415), a missing `If-Match` (428) — comes after the key and its
# scope are accepted, and is counted against the organization.
REFUSED_BEFORE_AUTHENTICATION = frozenset({401})


# What each error status of an operation looks like, for its example: a cause the operation
# can produce and the `detail` the service words it with (`{scope}`: the operation's scope).
Example = tuple[ProblemType, str]
_IN_FLIGHT = (
    IDEMPOTENCY_KEY_IN_FLIGHT,
    "A request with this Idempotency-Key is still being processed; retry shortly.",
)
_SECRET_REPLAY = (
    SECRET_REPLAY_REFUSED,
    "The first request with this Idempotency-Key succeeded; its response held a secret that "
    "is shown only once. If it was lost, revoke that key and create another.",
)
_DEFAULT_EXAMPLES: dict[int, Example] = {
    400: (MALFORMED_JSON, MALFORMED_JSON_DETAIL),
    401: (MISSING_API_KEY, MISSING_KEY),
    403: (MISSING_SCOPE, "This API key lacks the `{scope}` scope."),
    404: (NOT_FOUND, "No such object in your organization."),
    409: _IN_FLIGHT,  # a `POST` (every one takes an `Idempotency-Key`); others say theirs below
    412: (
        STALE_IF_MATCH,
        'If-Match does not match the current ETag "3"; read the resource again.',
    ),
    413: (PAYLOAD_TOO_LARGE, "The body exceeds 2097152 bytes."),
    415: (UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
    422: (VALIDATION_ERROR, "The request has invalid or unknown fields; see `errors`."),
    428: (IF_MATCH_REQUIRED, IF_MATCH_REQUIRED_DETAIL),
    429: (
        RATE_LIMITED,
        "Too many requests for this organization; retry after the indicated delay.",
    ),
    500: (INTERNAL_ERROR, "An unexpected error occurred."),
    503: (
        SERVICE_UNAVAILABLE,
        "The database is temporarily unavailable; retry after the indicated delay.",
    ),
}
_BELIEF_TRANSITION = (
    BELIEF_TRANSITION_NOT_ALLOWED,
    "A retired belief is final; codify a new belief instead.",
)
_SUBMITTED = (
    REFLECTION_SUBMITTED,
    "This reflection is already submitted; submitted reflections are final.",
)
_PROTECTED = (PROMPT_PROTECTED, "A built-in prompt cannot be deleted; retire it instead.")
_DUPLICATE = (DUPLICATE_EXTERNAL_ID, "A person with external_id 'E-10042' already exists.")
_BELIEF_REFERENCE = (
    INVALID_REFERENCE,
    "1 field(s) are invalid; nothing was written. See `errors`.",
    {"field": "entries.0.belief_id", "message": "this belief became active after the period"},
)
_COMMITMENT_REFERENCE = (
    INVALID_REFERENCE,
    "1 field(s) are invalid; nothing was written. See `errors`.",
    {"field": "links.belief_ids.0", "message": "not a belief of this leader"},
)
# Where an operation's own cause is the one to show (by operationId and status).
_OPERATION_EXAMPLES: dict[tuple[str, int], Example | tuple[ProblemType, str, dict[str, str]]] = {
    ("create_person", 409): _DUPLICATE,
    ("update_person", 409): _DUPLICATE,
    ("create_belief", 409): (
        BELIEF_TRANSITION_NOT_ALLOWED,
        "A belief starts as `draft` or `active`, not `retired`.",
    ),
    ("update_belief", 409): _BELIEF_TRANSITION,
    ("delete_belief", 409): (
        BELIEF_TRANSITION_NOT_ALLOWED,
        "Only a draft belief can be deleted; retire an active one instead.",
    ),
    ("create_commitment", 409): (
        COMMITMENT_TRANSITION_NOT_ALLOWED,
        "A commitment starts as `planned` or `in_progress`.",
    ),
    ("update_commitment", 409): (
        COMMITMENT_TRANSITION_NOT_ALLOWED,
        "A `done` commitment is final; make a new commitment instead.",
    ),
    ("create_commitment", 422): _COMMITMENT_REFERENCE,
    ("update_commitment", 422): _COMMITMENT_REFERENCE,
    ("commit_to_next_step", 422): (
        ENTRY_WITHOUT_NEXT_STEP,
        "This entry has no `next_step` to commit to; fill it in first.",
        {"field": "path.belief_id", "message": "this belief's entry has no next_step"},
    ),
    ("update_reflection", 409): _SUBMITTED,
    ("delete_reflection", 409): _SUBMITTED,
    ("submit_reflection", 409): _SUBMITTED,
    ("submit_reflection", 422): (
        REFLECTION_INCOMPLETE,
        "The reflection is not ready to submit; see `errors`.",
        {"field": "entries.0.alignment", "message": "unfilled: rate this belief 1–5"},
    ),
    ("create_reflection", 422): _BELIEF_REFERENCE,
    ("update_reflection", 422): _BELIEF_REFERENCE,
    ("update_reflection_prompt", 409): (
        PROMPT_PROTECTED,
        "The text of a built-in prompt cannot be edited; retire it and add your own.",
    ),
    ("delete_reflection_prompt", 409): _PROTECTED,
    ("create_feedback", 409): (
        ANONYMOUS_REPLAY_REFUSED,
        "The first request with this Idempotency-Key stored an anonymous answer. Its receipt "
        "is not kept, so that nothing about the answer can be read back: the answer is "
        "stored; do not send it again.",
    ),
    ("create_feedback", 422): (
        INVALID_REFERENCE,
        "Ratings may only name the leader's active beliefs, each once.",
        {"field": "belief_ratings.0.belief_id", "message": "not an active belief of this leader"},
    ),
    ("remind_feedback_request", 409): (
        FEEDBACK_REQUEST_NOT_OPEN,
        "Only an open, unexpired feedback request can send reminders.",
    ),
    ("submit_feedback_response", 401): (MISSING_RESPONSE_TOKEN, MISSING_TOKEN),
    ("submit_feedback_response", 409): (
        RESPONSE_TOKEN_USED,
        "This response token has been used; each token answers once.",
    ),
    ("redeliver_webhook", 409): (
        DELIVERY_PENDING,
        "This delivery is still pending; it will be attempted as scheduled.",
    ),
    ("revoke_api_key", 409): (
        LAST_ADMIN_KEY,
        "This is the organization's last active admin key: revoking it would lock the "
        "organization out. Create another admin key first.",
    ),
    ("create_api_key", 409): _SECRET_REPLAY,
    ("create_platform_organization", 409): _SECRET_REPLAY,
    ("create_webhook_endpoint", 409): _SECRET_REPLAY,
    ("rotate_webhook_secret", 409): _SECRET_REPLAY,
    ("create_feedback_request", 409): _SECRET_REPLAY,
    ("get_test_clock", 403): (NOT_A_SANDBOX, LIVE_HAS_NO_TEST_CLOCK),
    ("advance_test_clock", 403): (NOT_A_SANDBOX, LIVE_HAS_NO_TEST_CLOCK),
    ("advance_test_clock", 422): (
        TEST_CLOCK_OUT_OF_RANGE,
        "A test clock only moves forward: `to` must be later than the sandbox's time "
        "(2027-01-10T09:00:00+00:00).",
        {"field": "to", "message": "must be later than the sandbox's current time"},
    ),
    ("create_webhook_endpoint", 422): (
        WEBHOOK_URL_REFUSED,
        "url: the host resolves to a loopback, private, link-local or reserved address.",
        {
            "field": "url",
            "message": "the host resolves to a loopback, private, link-local or reserved address",
        },
    ),
}
_FIELD_ERROR = {"field": "query.limit", "message": "Input should be less than or equal to 100"}
# Updates no state of their object refuses: their 409 stays in the contract (removing a
# response is a breaking change in 1.x), described as not sent.
NO_CONFLICT = frozenset(
    {
        "update_organization",
        "delete_person",
        "delete_commitment",
        "set_reflection_schedule",
        "update_webhook_endpoint",
        "delete_webhook_endpoint",
    }
)
_NO_CONFLICT_DESCRIPTION = (
    "Not sent by this operation today (no state of the object refuses it); kept in the "
    "contract. A cause added later is listed in the catalogue (`GET /problems`)."
)


def problem_example(
    code: int, operation_id: str, method: str
) -> tuple[ProblemType, str, dict[str, str] | None]:
    """The cause, detail and (for a 422) field error the example of this response shows."""
    chosen = _OPERATION_EXAMPLES.get((operation_id, code))
    if chosen is None:
        if code == 409 and method != "post" and operation_id not in NO_CONFLICT:
            raise ValueError(f"{operation_id}: which conflict does its 409 answer? (openapi.py)")
        chosen = _DEFAULT_EXAMPLES[code]
    cause, detail, *rest = chosen
    field_error = rest[0] if rest else (_FIELD_ERROR if code == 422 else None)
    return cause, detail, field_error


def _problem_content(
    code: int, path: str, method: str, operation: dict[str, Any]
) -> dict[str, Any]:
    """The problem+json content of an error response, with an example of its own status and
    of a cause this operation can produce."""
    cause, detail, field_error = problem_example(code, operation.get("operationId", ""), method)
    scopes = [s for r in operation.get("security", []) for s in r.get("ApiKey", [])]
    example: dict[str, Any] = {
        "type": cause.uri,
        "title": cause.title,
        "status": code,
        "detail": detail.replace("{scope}", scopes[0] if scopes else "admin"),
        "instance": path,
    }
    if field_error is not None:
        example["errors"] = [field_error]
    return {
        "application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "example": example,
        }
    }


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


_INT32 = (-(2**31), 2**31 - 1)


def _integer_formats(node: Any) -> None:
    """Every integer says how wide it is: `int32` when its bounds fit, otherwise `int64`."""
    if isinstance(node, dict):
        if node.get("type") == "integer" and "format" not in node:
            low, high = node.get("minimum"), node.get("maximum")
            fits = (
                isinstance(low, int)
                and isinstance(high, int)
                and _INT32[0] <= low
                and high <= _INT32[1]
            )
            node["format"] = "int32" if fits else "int64"
        for child in node.values():
            _integer_formats(child)
    elif isinstance(node, list):
        for child in node:
            _integer_formats(child)


_ID_PATTERN = re.compile(r"^\^[a-z]{3}_\[0-9A-HJKMNP-TV-Z\]\{26\}\$$")


def _string_lengths(node: Any) -> None:
    """The lengths that follow from a string's format or pattern, spelled out: an id
    (`^per_[…]{26}$`) has exactly `ID_LENGTH` characters, a `date` is `YYYY-MM-DD`, and a
    `date-time` is at most `MAX_TIMESTAMP_LENGTH` (what `service.types` accepts, and more
    than the API ever writes)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "maxLength" not in node:
            if _ID_PATTERN.match(str(node.get("pattern", ""))):
                node["minLength"] = node["maxLength"] = ID_LENGTH
            elif node.get("format") == "date":
                node["minLength"] = node["maxLength"] = DAY_LENGTH
            elif node.get("format") == "date-time":
                node["maxLength"] = MAX_TIMESTAMP_LENGTH
        for child in node.values():
            _string_lengths(child)
    elif isinstance(node, list):
        for child in node:
            _string_lengths(child)


def _enum_varname(value: str) -> str:
    """`-score` → `SCORE_DESC`, `feedback:submit` → `FEEDBACK_SUBMIT`."""
    descending = value.startswith("-")
    name = re.sub(r"[^0-9A-Za-z]+", "_", value.lstrip("-")).strip("_").upper()
    return f"{name}_DESC" if descending else name


def _enum_varnames(node: Any) -> None:
    """`x-enum-varnames` on every string enum, so generated clients name each member after
    its value (`SortKey.SCORE_DESC`, not `SortKey.VALUE_1`)."""
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            node["x-enum-varnames"] = [_enum_varname(v) for v in values]
        for child in node.values():
            _enum_varnames(child)
    elif isinstance(node, list):
        for child in node:
            _enum_varnames(child)


def _document_rate_limits(operation: dict[str, Any]) -> None:
    """The RateLimit fields on each 2xx and 4xx response of an operation that needs an API
    key (the rate limit counts per organization), except those refused before the key is
    checked."""
    if not operation.get("security"):
        return
    for code, response in operation.get("responses", {}).items():
        status = int(code)
        if status // 100 not in (2, 4) or status in REFUSED_BEFORE_AUTHENTICATION:
            continue
        response["headers"] = {
            **response.get("headers", {}),
            **{name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS},
        }


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example_of(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A value of `schema` built from the examples of its fields (each documented)."""
    schema = _resolve(spec, schema)
    if "examples" in schema and (depth > 0 or "properties" not in schema):
        return copy.deepcopy(schema["examples"][0])
    if "enum" in schema:
        return schema["enum"][0]
    if "properties" in schema and depth < 8:
        return {
            name: example_of(spec, field, depth + 1) for name, field in schema["properties"].items()
        }
    for branch in schema.get("anyOf", []):
        if _resolve(spec, branch).get("type") != "null":
            return example_of(spec, branch, depth + 1)
    return None


def _describe_operation(spec: dict[str, Any], operation: dict[str, Any]) -> None:
    """Its place in the workflow, a named example of its request body, and for a `POST` an
    `Idempotency-Key` example of its own (a tool that sends the examples must not reuse one
    key for different requests)."""
    operation_id = operation.get("operationId", "")
    if not operation.get("description") and operation_id in STEP_DESCRIPTIONS:
        operation["description"] = STEP_DESCRIPTIONS[operation_id]
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "Idempotency-Key":
            key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"calling:{operation_id}"))
            parameter["schema"]["examples"] = [key]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None and "examples" not in content:
        schema = _resolve(spec, content["schema"])
        content["examples"] = {
            operation_id: {
                "summary": schema.get("title", operation_id),
                "description": schema.get("description", ""),
                "value": example_of(spec, content["schema"]),
            }
        }


def _publish_required_scopes(app: FastAPI, spec: dict[str, Any]) -> None:
    """`x-required-scope` on every operation that needs an API key, and the same scope as the
    role of its security requirement (OpenAPI 3.1), so integrators read which key to use."""
    for route in routes_of(app):
        dependant = getattr(route, "dependant", None)
        path_item = spec.get("paths", {}).get(getattr(route, "path_format", None))
        if dependant is None or path_item is None:
            continue
        needed = sorted(scope.value for scope in declared_scopes(dependant))
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
        contact=app.contact,
        license_info=app.license_info,
        webhooks=app.webhooks.routes,
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem_schema.pop("$defs", {}).items():
        schemas[name] = definition
    schemas["Problem"] = problem_schema
    components.setdefault("headers", {}).update(copy.deepcopy(RATE_LIMIT_HEADERS))
    components["headers"]["X-Request-Id"] = copy.deepcopy(REQUEST_ID_HEADER)
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for path, path_item in spec.get("paths", {}).items():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                if not parameter.get("required") and "schema" in parameter:
                    parameter["schema"] = _without_null(parameter["schema"])
            responses = operation.get("responses", {})
            for code, response in responses.items():
                if int(code) >= 400:
                    response["content"] = _problem_content(int(code), path, method, operation)
                    headers = _HEADER_DOCS.get(int(code))
                    if headers:
                        response["headers"] = copy.deepcopy(headers)
                    if int(code) == 422:
                        response["description"] = "Invalid or unknown fields; see `errors`."
                    if int(code) == 409 and operation.get("operationId") in NO_CONFLICT:
                        response["description"] = _NO_CONFLICT_DESCRIPTION
            _document_rate_limits(operation)
            for response in responses.values():
                response["headers"] = {
                    "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"},
                    **response.get("headers", {}),
                }
    webhooks = spec.get("webhooks", {})
    if webhooks:
        # A delivery proves itself by its Standard Webhooks signature, which the receiver
        # verifies with the endpoint's secret (`whsec_…`): that is its security scheme.
        components.setdefault("securitySchemes", {})["WebhookSignature"] = {
            "type": "apiKey",
            "in": "header",
            "name": "webhook-signature",
            "description": "`v1,<base64 HMAC-SHA256>` of `webhook-id.webhook-timestamp.body` "
            "under the endpoint's secret (Standard Webhooks); verify it before trusting a "
            "delivery, with any Standard Webhooks library.",
        }
    for path_item in webhooks.values():  # what the receiver answers us
        for operation in path_item.values():
            operation["security"] = [{"WebhookSignature": []}]
            operation["responses"] = {
                "200": {"description": "Any 2xx acknowledges the delivery; else it is retried."},
                "410": {"description": "Gone: the endpoint is disabled, nothing more is sent."},
            }
    _integer_bounds(spec)
    _integer_formats(spec)
    _string_lengths(spec)
    _enum_varnames(spec)
    _publish_required_scopes(app, spec)
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            _describe_operation(spec, operation)
    return spec


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def render(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
