"""Tenant isolation, derived from the committed OpenAPI spec.

Organization A gets one object of every kind, through the API. Then organization B's admin
key calls *every* operation of `openapi/openapi.json` with A's ids in its id slots (path and
query parameters and body fields whose `pattern` is an id pattern; `spec_walk`), so a new
route is covered without editing this test:

* all slots A's ids, then each slot alone A's id while the others name B's own objects (a
  valid request but for that one foreign reference);
* each such request is sent twice: with A's ids and with fresh random ids of the same kind
  (objects that exist nowhere). The two answers must be the same (status and body, the ids
  masked): B cannot tell A's object from no object at all;
* a path naming A's object is `404`; a body naming one is a `4xx` that links nothing; a
  query filter naming one gives B's own data only (an empty page here).

No answer to B contains any of A's ids or texts, in its body or headers. The one exception,
decided here: a problem body (`application/problem+json`) may echo an id *that the request
itself sent* (in `detail`, `instance` or `errors`): it tells B nothing B did not say, and the
comparison with a random id proves the answer is the same for a missing object.

Afterwards, A's data read with A's key through every `GET` of the spec is unchanged, A's row
count in every table is unchanged, and no row of one organization holds an id of the other.
A second test replays A's seeding requests, with A's `Idempotency-Key`s, under B's key: B
never receives A's stored responses.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from service.ids import new_id
from service.models import Base
from tests.conftest import Tenant
from tests.security.seeding import PROBLEM, Seeded, call, seed
from tests.security.spec_walk import ANY_ID, Operation, load_spec, organization_operations


def _masked(response: httpx.Response, sent: list[str]) -> tuple[int, str]:
    text = response.text
    for i, value in enumerate(sent):
        text = text.replace(value, f"<slot {i}>")
    return response.status_code, text


def assert_no_leak(response: httpx.Response, a: Seeded, sent: list[str], what: str) -> None:
    """Nothing of A in B's answer; a problem body may echo the ids B sent itself."""
    text = response.text
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    if response.headers.get("content-type", "").startswith(PROBLEM):
        for value in sent:
            text = text.replace(value, "")
    leaked = {i for i in ANY_ID.findall(text + " " + headers) if i in a.all_ids}
    assert not leaked, f"{what}: A's ids {leaked} in B's answer: {response.text[:500]}"
    for value in a.texts:
        assert value not in response.text, f"{what}: A's text {value!r} in B's answer"


def snapshot(client: TestClient, spec: dict[str, Any], s: Seeded, tenant: Tenant) -> dict[str, Any]:
    """Every `GET` of the spec, on A's objects (first of each kind) and with A's key."""
    out: dict[str, Any] = {}
    for op in organization_operations(spec):
        if op.method != "GET" or not op.secured:
            continue
        if any(slot.where == "query" for slot in op.slots):
            continue  # the unfiltered collection is read anyway
        if op.path.startswith("/v1/test-clock"):
            continue  # A is live: no test clock (403); tests/test_test_clock.py reads two
        for n in range(max((len(s.ids[slot.prefix]) for slot in op.slots), default=1)):
            ids = [s.ids[slot.prefix][min(n, len(s.ids[slot.prefix]) - 1)] for slot in op.slots]
            path, query, _ = op.request(ids)
            response = client.get(path, params={**query, "limit": 100}, headers=tenant.headers())
            if response.status_code == 422:  # an operation without `limit`
                response = client.get(path, params=query, headers=tenant.headers())
            assert response.status_code == 200, (path, response.text)
            json_body = response.headers["content-type"].startswith("application/json")
            body = response.json() if json_body else response.text  # the CSV export
            if n == 0 and isinstance(body, dict) and "data" in body:
                # Not vacuous: a query that lost its organization filter would leak these.
                assert body["data"], f"{path}: seed A so that this collection is not empty"
            out[path] = (response.headers.get("etag"), _without_now(body))
    return out


def _without_now(value: Any) -> Any:
    """Computed views answer "as of now" by default: that moment is not A's data."""
    if isinstance(value, dict):
        return {k: "<now>" if k == "as_of" else _without_now(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_now(v) for v in value]
    return value


def row_counts(engine: Engine, org_id: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(
                select(func.count()).select_from(table).where(table.c.org_id == org_id)
            ).scalar_one()
            for table in Base.metadata.sorted_tables
            if "org_id" in table.c
        }


def foreign_ids_in_rows(engine: Engine, org_id: str, foreign: set[str]) -> list[str]:
    """Cells of `org_id`'s rows that hold an id of another organization."""
    found = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            key = table.c.org_id if "org_id" in table.c else table.c.get("id")
            if key is None:
                continue
            for row in conn.execute(select(table).where(key == org_id)).mappings():
                for column, value in row.items():
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if isinstance(value, bytes):
                        text = value.decode("utf-8", "replace")
                    hits = {i for i in ANY_ID.findall(text) if i in foreign}
                    if hits:
                        found.append(f"{table.name}.{column}: {hits}")
    return found


def _expect(op: Operation, chosen: set[int], response: httpx.Response, what: str) -> None:
    kinds = {op.slots[i].where for i in chosen}
    status = response.status_code
    if "path" in kinds:
        assert status == 404, f"{what}: a path naming A's object must be 404: {response.text}"
    elif "body" in kinds:
        assert 400 <= status < 500 and status not in (401, 403), (
            f"{what}: a body naming A's object must be refused: {status} {response.text}"
        )
    elif status < 300:
        data = response.json().get("data")
        assert isinstance(data, list), f"{what}: a filtered collection should be a page"
    else:
        assert 400 <= status < 500 and status not in (401, 403), f"{what}: {response.text}"


def test_organization_b_never_reaches_organization_a(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Engine
) -> None:
    spec = load_spec()
    a = seed(client, tenant, "Alpha")
    b = seed(client, other_tenant, "Bravo", external="B")
    before = snapshot(client, spec, a, tenant)
    counts = row_counts(db, tenant.org_id)

    walked = 0
    for op in organization_operations(spec):
        if not op.secured:  # probes: no tenant, but nothing of A either
            response = client.request(op.method, op.path)
            assert_no_leak(response, a, [], f"{op.method} {op.path}")
            continue
        n = len(op.slots)
        variants = [set(range(n))] + ([{i} for i in range(n)] if n > 1 else []) if n else [set()]
        for chosen in variants:
            own = b.for_slots(op)
            foreign = [x if i not in chosen else a.for_slots(op)[i] for i, x in enumerate(own)]
            missing = [
                x if i not in chosen else new_id(op.slots[i].prefix) for i, x in enumerate(own)
            ]
            what = f"{op.operation_id} with A's id in {[str(op.slots[i]) for i in chosen]}"
            control = call(client, op, missing, other_tenant.headers("admin"))
            response = call(client, op, foreign, other_tenant.headers("admin"))
            walked += 1
            assert response.status_code < 500, f"{what}: {response.status_code} {response.text}"
            assert_no_leak(response, a, foreign, what)
            if not chosen:
                continue  # no id slot: B's own operation; it must just not show A's data
            _expect(op, chosen, response, what)
            sent = [foreign[i] for i in sorted(chosen)]
            masked = _masked(response, sent)
            expected = _masked(control, [missing[i] for i in sorted(chosen)])
            assert masked == expected, (
                f"{what}: the answer differs from one about an object that does not exist, "
                f"so it reveals that A's object exists:\n  A's id: {masked}\n  random: {expected}"
            )
    assert walked >= len(spec["paths"])

    assert snapshot(client, spec, a, tenant) == before, "A's data changed"
    assert row_counts(db, tenant.org_id) == counts, "rows were added to or removed from A"
    assert foreign_ids_in_rows(db, other_tenant.org_id, a.all_ids) == []
    assert foreign_ids_in_rows(db, tenant.org_id, b.all_ids) == []


def test_b_never_gets_a_s_idempotent_replays(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    """`Idempotency-Key`s are per organization: B sending A's exact requests with A's keys
    runs them as B's own (or refuses them), never replays A's stored responses."""
    a = seed(client, tenant, "Alpha")
    b = seed(client, other_tenant, "Bravo")  # the same keys, other bodies: not a conflict
    assert len(b.requests) == len(a.requests)
    for method, path, body, key in a.requests:
        headers = other_tenant.headers("admin", **{"Idempotency-Key": key})
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code < 500, response.text
        assert response.headers.get("location", "") not in {f"{path}/{i}" for i in a.all_ids}
        leaked = {i for i in ANY_ID.findall(response.text) if i in a.all_ids}
        if response.headers.get("content-type", "").startswith(PROBLEM):
            leaked -= {i for i in a.all_ids if i in path or i in json.dumps(body)}
        assert not leaked, (method, path, key, response.text)
