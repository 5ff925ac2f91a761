"""Schemathesis hooks, loaded through `hooks` in `schemathesis.toml`.

They make Schemathesis send what a correct client sends where API.md documents an answer
that depends on the state of the organization, which no schema can describe:

* a reference in a body (`manager_id`, `leader_id`, ...) names an object of the seeded
  organization: a drawn id names nothing, and the API rightly answers 422;
* an `external_id` sent to create or rename a person is fresh: a repeated one is 409;
* every distinct request gets its own `Idempotency-Key`: the same key with another body is
  422 (the same request with the same key still replays, and that is still tested).

Values that violate the schema are never touched: the API must still reject them. The only
failures dropped are "valid data rejected" whose 422 names nothing but a rule JSON Schema
cannot state: an opaque cursor, settings validated together, rows of a bulk upsert that
clash with each other (see `_UNSTATABLE`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from typing import Any

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import RejectedPositiveData

from service.ids import id_pattern
from service.routing import IDEMPOTENCY_KEY_PATTERN

_KEY = "Idempotency-Key"
_KEY_MAX = 255
_DIGEST = 16
_VALID_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_EXTERNAL_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,255}$")  # service.types.ExternalId
_PERSON_ID = re.compile(id_pattern("per"))

# Body field → (what a valid value looks like, the variable holding the seeded value).
_REFERENCES = {
    "manager_id": (_PERSON_ID, "CALLING_ST_MANAGER_ID"),
    "manager_external_id": (_EXTERNAL_ID, "CALLING_ST_MANAGER_EXTERNAL_ID"),
    "leader_id": (_PERSON_ID, "CALLING_ST_PERSON_ID"),
    "person_id": (_PERSON_ID, "CALLING_ST_MANAGER_ID"),
}
# Operations whose body's `external_id` must be new to the organization.
_FRESH_EXTERNAL_ID = {("POST", "/v1/people"), ("PATCH", "/v1/people/{person_id}")}
_counter = itertools.count()


_SUFFIX = re.compile(r"(~st[0-9a-f]+)+$")


def _fresh(value: str) -> str:
    """`value` made unique, still 1–255 characters of one line (a value taken from an earlier
    response loses the suffix it got then)."""
    suffix = f"~st{next(_counter):06x}"
    return _SUFFIX.sub("", value)[: 255 - len(suffix)] + suffix


def _use_seeded_references(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _use_seeded_references(item)
    elif isinstance(node, dict):
        for field, value in node.items():
            reference = _REFERENCES.get(field)
            seeded = os.environ.get(reference[1]) if reference else None
            if reference and seeded and isinstance(value, str) and reference[0].match(value):
                node[field] = seeded
            else:
                _use_seeded_references(value)


def _request_digest(case: Case) -> str:
    request = [case.method, case.path, case.path_parameters, case.query, repr(case.body)]
    raw = json.dumps(request, sort_keys=True, default=repr).encode()
    return hashlib.sha256(raw).hexdigest()[:_DIGEST]


@schemathesis.hook
def before_call(context: HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    # Revoking the key Schemathesis authenticates with (its id is in GET /v1/api-keys) would
    # turn the rest of the run into 401s: revoke the seeded spare key instead.
    own_key = os.environ.get("CALLING_ST_KEY_ID")
    spare_key = os.environ.get("CALLING_ST_SPARE_KEY_ID")
    path_parameters = case.path_parameters or {}
    if spare_key and case.path.endswith("/revoke") and path_parameters.get("key_id") == own_key:
        path_parameters["key_id"] = spare_key

    body = case.body
    _use_seeded_references(body)
    if (case.method.upper(), case.path) in _FRESH_EXTERNAL_ID and isinstance(body, dict):
        external_id = body.get("external_id")
        if isinstance(external_id, str) and _EXTERNAL_ID.match(external_id):
            body["external_id"] = _fresh(external_id)

    # The drawn key plus a digest of the request: same request, same key.
    key = case.headers.get(_KEY) if case.headers else None
    if isinstance(key, str) and len(key) <= _KEY_MAX and _VALID_KEY.match(key):
        prefix = key[: _KEY_MAX - _DIGEST - 1].rstrip(" ")
        case.headers[_KEY] = f"{prefix}-{_request_digest(case)}"


# 422s that valid data rightly gets, because the rule is one JSON Schema cannot state: each is
# (field, message) of an entry of the problem's `errors`, as the service words it.
_UNSTATABLE = [
    # `cursor` is opaque (API.md): only a `next_cursor` the API issued is valid.
    (re.compile(r"query\.cursor"), re.compile(r"invalid cursor")),
    # Organization settings are validated together (`min_comment_group_size` ≥
    # `min_group_size`, ...); a field of its own would be `settings.<name>`.
    (re.compile(r"settings"), re.compile(r".")),
    # A bulk upsert checks rows against each other and the directory, all or nothing.
    (re.compile(r"people\.\d+\.external_id"), re.compile(r"^duplicate of people\.\d+$")),
    (
        re.compile(r"people\.\d+\.manager_external_id"),
        re.compile(
            r"^(no person with external_id"
            r"|a person cannot be their own manager"
            r"|this manager link would create a reporting loop)"
        ),
    ),
]


def _unstatable(error: object) -> bool:
    if not isinstance(error, dict):
        return False
    field, message = str(error.get("field")), str(error.get("message"))
    return any(f.fullmatch(field) and m.search(message) for f, m in _UNSTATABLE)


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case, response: Response) -> bool:
    """Keep every failure except "schema-valid request rejected" when every entry of the 422's
    `errors` is one of `_UNSTATABLE`."""
    if response.status_code != 422 or not isinstance(failure, RejectedPositiveData):
        return True
    try:
        errors = json.loads(response.content)["errors"]
    except (ValueError, KeyError, TypeError):
        return True
    return not (isinstance(errors, list) and errors and all(_unstatable(e) for e in errors))
