"""JSON bounds (issue 10, finding 3): depth, members per object, elements per array and values
per body are enforced in one pass over the bytes, before anything is built; a 422 lists at
most `max_validation_errors` errors and says how many more there were."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from service.api.strict_json import JSONLimits, TooComplex, check_shape, loads
from tests.conftest import Tenant

SMALL = JSONLimits(max_depth=4, max_members=5, max_elements=6, max_values=30)

scalars = st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{},:"\\ ', max_size=6)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=8)
        | st.dictionaries(st.text(alphabet='ab[]{},"\\', max_size=4), children, max_size=7)
    ),
    max_leaves=40,
)


def shape(doc: Any, depth: int = 1) -> tuple[int, int, int, int]:
    """(depth, most members, most elements, values as counted: containers + separators)."""
    if isinstance(doc, dict | list):
        items = list(doc.values()) if isinstance(doc, dict) else doc
        inner = [shape(v, depth + 1) for v in items]
        members = len(doc) if isinstance(doc, dict) else 0
        elements = len(doc) if isinstance(doc, list) else 0
        return (
            max([depth, *(s[0] for s in inner)]),
            max([members, *(s[1] for s in inner)]),
            max([elements, *(s[2] for s in inner)]),
            1 + max(len(items) - 1, 0) + sum(s[3] for s in inner),
        )
    return (depth - 1, 0, 0, 0)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_check_shape_refuses_exactly_what_exceeds_a_bound(doc: Any) -> None:
    depth, members, elements, values = shape(doc)
    over = (
        depth > SMALL.max_depth
        or members > SMALL.max_members
        or elements > SMALL.max_elements
        or values > SMALL.max_values
    )
    body = json.dumps(doc).encode()
    if over:
        with pytest.raises(TooComplex):
            check_shape(body, SMALL)
    else:
        check_shape(body, SMALL)
        assert loads(body, SMALL) == doc


@given(st.binary(max_size=200))
def test_any_bytes_are_scanned_without_error_but_too_complex(body: bytes) -> None:
    with contextlib.suppress(TooComplex):
        check_shape(body, SMALL)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 2_000_000,
        b"{" + b",".join(b'"k%d":0' % i for i in range(100_000)) + b"}",
        b"[" + b"0," * 1_000_000 + b"0]",
        b'"' + b'\\"' * 700_000,  # an unterminated string of escapes: no rescans
    ],
    ids=["deep", "members", "elements", "unterminated"],
)
def test_hostile_bodies_stop_early(body: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises((TooComplex, json.JSONDecodeError)):
        loads(body, JSONLimits())
    assert time.perf_counter() - started < 0.1


def test_too_many_members_is_a_400_problem_naming_the_bound(
    client: TestClient, tenant: Tenant
) -> None:
    body = {"external_id": "E", "display_name": "A", **{f"x{i}": 0 for i in range(100_000)}}
    response = client.post("/v1/people", json=body, headers=tenant.headers())
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "more than 256 members" in response.json()["detail"]


def test_too_deep_is_a_400_problem(client: TestClient, tenant: Tenant) -> None:
    content = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        "/v1/people",
        content=content,
        headers=tenant.headers(**{"Content-Type": "application/json"}),
    )
    assert response.status_code == 400
    assert "deeper than 32 levels" in response.json()["detail"]


def test_validation_errors_stop_at_100_and_say_how_many_more(
    client: TestClient, tenant: Tenant
) -> None:
    body = {"external_id": "E", "display_name": "A", **{f"x{i}": 0 for i in range(150)}}
    response = client.post("/v1/people", json=body, headers=tenant.headers())
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == 100
    assert "and 50 more" in problem["detail"]
