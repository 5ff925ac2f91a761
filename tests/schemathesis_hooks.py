"""Schemathesis hooks, loaded through `hooks` in `schemathesis.toml`.

They make Schemathesis send what a correct client sends where API.md documents an answer
that depends on the state of the organization, which no schema can describe:

* a reference in a body (`manager_id`, `leader_id`, ...) names an object of the seeded
  organization: a drawn id names nothing, and the API rightly answers 422;
* the beliefs a body rates (`entries[].belief_id` of a reflection, `belief_ratings[].belief_id`
  of feedback) are the leader's active beliefs, and the prompts it answers
  (`answers[].prompt_id`) the organization's active prompts, as the API lists them just
  before the request (the run itself retires some): the i-th one named is the i-th listed
  (beliefs longest active first), so a list names each once as far as they go;
* an `external_id` sent to create or rename a person is fresh: a repeated one is 409;
* a webhook endpoint's `url` is the seeded loopback receiver (the test server allows
  loopback): a drawn host resolves nowhere, and the API rightly answers 422;
* every distinct request gets its own `Idempotency-Key`: the same key with another body is
  422 (the same request with the same key still replays, and that is still tested); in the
  stateful phase every step gets its own, being a new intent rather than a retry.

Values that violate the schema are never touched: the API must still reject them. The only
failures dropped are "valid data rejected" whose 422 names nothing but a rule JSON Schema
cannot state: an opaque cursor, settings validated together, rows of a bulk upsert that
clash with each other, the documented rules of what a reflection or feedback may name and when
a reflection may be submitted (see `_UNSTATABLE`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import time
from typing import Any

import httpx
import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.meta import TestPhase
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import RejectedPositiveData

from service.api.routing import IDEMPOTENCY_KEY_PATTERN
from service.ids import id_pattern

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
# Body fields naming one of several objects that must be active: the pattern of a valid id.
_ACTIVE_REFERENCES = {
    "belief_id": re.compile(id_pattern("blf")),
    "prompt_id": re.compile(id_pattern("rpm")),
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


def _named(node: Any, field: str) -> bool:
    if isinstance(node, list):
        return any(_named(item, field) for item in node)
    if isinstance(node, dict):
        return field in node or any(_named(value, field) for value in node.values())
    return False


_client = httpx.Client(timeout=10)
_LISTED_TTL_SECONDS = 1.0
_listed_cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}


def _listed(case: Case, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """One page (of up to 100) of a collection, as the run's own key reads it: what a client
    knows of the organization. Kept for a second, to keep the run quick."""
    url = httpx.URL(case.operation.schema.get_base_url() + path, params=params)
    cached = _listed_cache.get(str(url))
    if cached and time.monotonic() - cached[0] < _LISTED_TTL_SECONDS:
        return cached[1]
    token = os.environ.get("CALLING_ST_TOKEN", "")
    try:
        response = _client.get(url, headers={"Authorization": f"Bearer {token}"})
        data = response.json()["data"] if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return []
    items = [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
    _listed_cache[str(url)] = (time.monotonic(), items)
    return items


def _active(case: Case, body: Any) -> dict[str, list[str]]:
    """What a correct client would name now: the leader's active beliefs (those active longest
    first, so that they were active in a past period) and the organization's active prompts."""
    active: dict[str, list[str]] = {}
    if _named(body, "prompt_id"):
        prompts = _listed(case, "/v1/reflection-prompts", {"status": "active", "limit": "100"})
        active["prompt_id"] = [str(p.get("id")) for p in prompts]
    if _named(body, "belief_id"):
        leader = (case.path_parameters or {}).get("leader_id")
        if not isinstance(leader, str) and isinstance(body, dict):
            leader = body.get("leader_id")
        if not isinstance(leader, str) or not _PERSON_ID.match(leader):
            leader = os.environ.get("CALLING_ST_PERSON_ID", "")
        params = {"leader_id": leader, "status": "active", "limit": "100"}
        beliefs = _listed(case, "/v1/beliefs", params)
        beliefs.sort(key=lambda b: str(b.get("activated_at")))
        active["belief_id"] = [str(b.get("id")) for b in beliefs]
    return active


def _use_active_references(node: Any, active: dict[str, list[str]], taken: dict[str, int]) -> None:
    if isinstance(node, list):
        for item in node:
            _use_active_references(item, active, taken)
    elif isinstance(node, dict):
        for field, value in node.items():
            pattern, ids = _ACTIVE_REFERENCES.get(field), active.get(field)
            if pattern and ids and isinstance(value, str) and pattern.match(value):
                node[field] = ids[taken.get(field, 0) % len(ids)]
                taken[field] = taken.get(field, 0) + 1
            else:
                _use_active_references(value, active, taken)


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
    # The platform operations take the platform key in place of the run's organization key
    # (a missing or deliberately invalid key is left as it is, for the authentication
    # checks), and deactivating the organization the run authenticates with would end the
    # run in 401s: deactivate the seeded spare organization instead.
    platform_token = os.environ.get("CALLING_ST_PLATFORM_TOKEN")
    own_token = f"Bearer {os.environ.get('CALLING_ST_TOKEN')}"
    if platform_token and case.path.startswith("/v1/platform/"):
        if case.headers and case.headers.get("Authorization") == own_token:
            case.headers["Authorization"] = f"Bearer {platform_token}"
        if path_parameters.get("org_id") == os.environ.get("CALLING_ST_ORG_ID"):
            path_parameters["org_id"] = os.environ.get("CALLING_ST_SPARE_ORG_ID", "")

    body = case.body
    _use_seeded_references(body)
    # A webhook URL must reach a public address (or, on this test server, loopback): a
    # drawn host resolves nowhere, and the API rightly answers 422.
    url = body.get("url") if isinstance(body, dict) else None
    if case.path.startswith("/v1/webhook-endpoints") and isinstance(url, str) and url:
        body["url"] = os.environ.get("CALLING_ST_WEBHOOK_URL", url)
    if any(_named(body, field) for field in _ACTIVE_REFERENCES):
        _use_active_references(body, _active(case, body), {})
    if (case.method.upper(), case.path) in _FRESH_EXTERNAL_ID and isinstance(body, dict):
        external_id = body.get("external_id")
        if isinstance(external_id, str) and _EXTERNAL_ID.match(external_id):
            body["external_id"] = _fresh(external_id)

    # The drawn key plus a digest of the request: same request, same key. Except in the
    # stateful phase, where each call is a step of its own, a new intent: a correct client
    # reuses a key only to retry. (A create repeated with the same key after the scenario
    # deleted what the first one made rightly replays the deleted object, which Schemathesis
    # would take for a created resource that cannot be found.)
    key = case.headers.get(_KEY) if case.headers else None
    if isinstance(key, str) and len(key) <= _KEY_MAX and _VALID_KEY.match(key):
        prefix = key[: _KEY_MAX - _DIGEST - 1].rstrip(" ")
        stateful = case.meta is not None and case.meta.phase.name == TestPhase.STATEFUL
        unique = f"{next(_counter):0{_DIGEST}x}" if stateful else _request_digest(case)
        case.headers[_KEY] = f"{prefix}-{unique}"


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
    # A reflection's period ends on or after its first day (create_reflection,
    # update_reflection: a PATCH is checked against the stored other end).
    (re.compile(r"period_end"), re.compile(r"^must be on or after period_start$")),
    # "Each entry must name one of the leader's own beliefs that was active during the period"
    # (create_reflection; update_reflection and submit_reflection check it again), once each.
    (
        re.compile(r"entries\.\d+\.belief_id"),
        re.compile(
            r"^(duplicate of entries\.\d+$"
            r"|no belief blf_\w+ of this leader$"
            r"|this belief (became active after|was retired before) the period"
            r"|this belief was never active)"
        ),
    ),
    # "... and each answer an active prompt", once each (create_reflection; a prompt deleted
    # since the hook listed the active ones is none).
    (
        re.compile(r"answers\.\d+\.prompt_id"),
        re.compile(
            r"^(duplicate of answers\.\d+|this prompt is retired|no reflection prompt rpm_\w+)$"
        ),
    ),
    # submit_reflection: "Every entry needs an `alignment` ... and at least one entry is needed".
    (re.compile(r"entries\.\d+\.alignment"), re.compile(r"^unfilled: rate this belief")),
    (re.compile(r"entries"), re.compile(r"^a reflection rates at least one belief$")),
    # create_reflection: "With the template's rows it still holds at most 500 entries and 100
    # answers": one row per active belief of the leader and per active prompt of the
    # organization, however many the run has made.
    (
        re.compile(r"entries|answers"),
        re.compile(r"^with the template this reflection would hold \d+; at most \d+$"),
    ),
    # create_feedback_request: each respondent once, not the leader; due in the future (a
    # rule about the clock at the moment of the request).
    (
        re.compile(r"respondents\.\d+(\.person_id)?"),
        re.compile(r"^(duplicate of respondents|the leader cannot answer)"),
    ),
    (re.compile(r"due_at|expires_at"), re.compile(r"^must be in the future")),
    # advance_test_clock: a test clock only moves forward, at most 3660 days ahead of real
    # time (the sandbox's time moves as the run advances it).
    (
        re.compile(r"to|days"),
        re.compile(r"^(must be later than the sandbox's current time|too far ahead)$"),
    ),
    # create_feedback, bulk_create_feedback: ratings name "the leader's active beliefs, each
    # once"; a batch holds "at most one answer per respondent and leader".
    (
        re.compile(r"feedback\.\d+\.respondent\.(reference|person_id)"),
        re.compile(r"^the same respondent answers about this leader in feedback\.\d+"),
    ),
    # create_commitment, update_commitment: links name the leader's own beliefs and
    # reflection entries, and closed periods; a `note` goes with a change of status.
    # commit_to_next_step: the entry has a next step.
    (
        re.compile(r"links\.(belief_ids\.\d+|gaps\.\d+\.belief_id)"),
        re.compile(r"^not a belief of this leader$"),
    ),
    (re.compile(r"links\.(themes|gaps)\.\d+\.period_start"), re.compile(r"^not a closed period$")),
    (
        re.compile(r"links\.reflection_entries\.\d+"),
        re.compile(r"^not an entry of a reflection of this leader$"),
    ),
    (re.compile(r"note"), re.compile(r"^a note goes with a change of `status`$")),
    (re.compile(r"path\.belief_id"), re.compile(r"^this belief's entry has no next_step$")),
    (
        re.compile(r"(feedback\.\d+\.)?belief_ratings\.\d+\.belief_id"),
        re.compile(r"^(not an active belief of this leader|duplicate of belief_ratings\.\d+)$"),
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
