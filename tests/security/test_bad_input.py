"""Bad input battery against the live service (uvicorn subprocess; SQLite and PostgreSQL).

Every write endpoint gets malformed and truncated JSON, wrong content types, oversized
bodies (declared and chunked), deeply nested JSON, invalid UTF-8, NUL bytes and lone
surrogates in strings and keys, huge numbers, out-of-range dates, 1 MB strings, unknown and
duplicate fields, header injection attempts and path traversal in ids; list endpoints get
bad `limit`, `cursor`, `as_of`, `updated_since`, ... Every answer is a 4xx
`application/problem+json` with the RFC 9457 fields, never a 5xx, and nothing is stored: the
row count of every table (read directly in the database) and the target object are unchanged.

"Edge" values that are valid (the first and last representable timestamps, say) may be
accepted, but never with a 5xx.

Requests that are not HTTP at all (a CR or NUL inside a header, an obs-fold) are refused by
uvicorn's HTTP parser before the app runs: `400` in plain text, which the app cannot shape;
for those the battery asserts a 400 (or a closed connection), and nothing stored.
"""

from __future__ import annotations

import base64
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from service.db import make_engine
from service.migrate import upgrade
from service.models import Base
from service.settings import Settings
from tests.conftest import BACKENDS, create_pg_database, drop_pg_database, make_tenant, require_pg
from tests.security.live import RawResponse, raw_request, uvicorn_server

PROBLEM = "application/problem+json"
MAX_BODY = 2 * 1024 * 1024  # the default `max_body_bytes`
TODAY = datetime.now(UTC).date().isoformat()
RAW = "@@raw@@"


@dataclass
class Live:
    port: int
    engine: Engine
    key: str
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def auth(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", **extra}

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables
            }


def _seed(client: httpx.Client, live: Live) -> None:
    h = live.auth()

    def post(path: str, body: dict[str, Any]) -> str:
        response = client.post(path, json=body, headers=h)
        assert response.status_code == 201, (path, response.text)
        return str(response.json()["id"])

    person = post("/v1/people", {"external_id": "S-1", "display_name": "Seed Leader"})
    live.ids["person"] = person
    live.ids["belief"] = post(
        f"/v1/leaders/{person}/beliefs", {"statement": "Seed belief", "status": "active"}
    )
    live.ids["reflection"] = post(
        f"/v1/leaders/{person}/reflections", {"period_start": TODAY, "period_end": TODAY}
    )
    live.ids["prompt"] = post("/v1/reflection-prompts", {"text": "Seed prompt?"})


@pytest.fixture(scope="module", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("bad-input")
    name = f"calling_bad_input_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    if request.param == "postgresql":
        require_pg()
        url = create_pg_database(name)
    else:
        url = f"sqlite:///{tmp / 'bad-input.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    engine = make_engine(settings)
    try:
        tenant = make_tenant(engine, "Bad Input Ltd")
        with uvicorn_server(url, tmp / "server.log", rate_limit_per_minute="0") as port:
            live = Live(port, engine, tenant.admin_key)
            with httpx.Client(base_url=live.base_url, timeout=30) as client:
                _seed(client, live)
            yield live
    finally:
        engine.dispose()
        if request.param == "postgresql":
            drop_pg_database(name)


@pytest.fixture(scope="module")
def client(live: Live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=60) as client:
        yield client


# --- the targets: every write of people, beliefs, feedback, reflections, ... -------------


@dataclass(frozen=True)
class Target:
    method: str
    path: str  # `{person}`, `{belief}`, `{reflection}`: the seeded objects
    body: Callable[[dict[str, str]], dict[str, Any]]  # a valid body
    text: str  # a string field (dotted path)
    number: str | None = None  # a number field
    date: str | None = None  # a date field
    floats: str | None = None  # a field of a non-integer number
    readback: str | None = None  # the object the write changes, to compare before/after


TARGETS: dict[str, Target] = {
    "create_person": Target(
        "POST", "/v1/people", lambda ids: {"external_id": "N-1", "display_name": "New"},
        text="display_name",
    ),
    "update_person": Target(
        "PATCH", "/v1/people/{person}", lambda ids: {"title": "Chief", "display_name": "Renamed"},
        text="title", readback="/v1/people/{person}",
    ),
    "bulk_upsert_people": Target(
        "POST", "/v1/people/bulk",
        lambda ids: {"people": [{"external_id": "S-1", "display_name": "Bulk rename"}]},
        text="people.0.display_name", readback="/v1/people/{person}",
    ),
    "create_belief": Target(
        "POST", "/v1/leaders/{person}/beliefs", lambda ids: {"statement": "New", "position": 3},
        text="statement", number="position",
    ),
    "update_belief": Target(
        "PATCH", "/v1/beliefs/{belief}", lambda ids: {"statement": "Changed", "position": 4},
        text="statement", number="position", readback="/v1/beliefs/{belief}",
    ),
    "create_feedback": Target(
        "POST", "/v1/feedback",
        lambda ids: {
            "leader_id": ids["person"], "relationship": "peer",
            "answers": {"trust": 4, "greater_good": 4, "want_to_follow": 4, "leaned_on": 4},
            "needs": "Focus",
        },
        text="needs", number="answers.trust",
    ),
    "create_reflection": Target(
        "POST", "/v1/leaders/{person}/reflections",
        lambda ids: {
            "period_start": TODAY, "period_end": TODAY, "notes": "Notes",
            "entries": [{"belief_id": ids["belief"], "alignment": 4}],
        },
        text="notes", number="entries.0.alignment", date="period_start",
    ),
    "update_reflection": Target(
        "PATCH", "/v1/reflections/{reflection}",
        lambda ids: {"notes": "Changed", "entries": [{"belief_id": ids["belief"], "alignment": 3}]},
        text="notes", number="entries.0.alignment", date="period_end",
        readback="/v1/reflections/{reflection}",
    ),
    "create_reflection_prompt": Target(
        "POST", "/v1/reflection-prompts", lambda ids: {"text": "Why?", "position": 7},
        text="text", number="position",
    ),
    "update_organization": Target(
        "PATCH", "/v1/organization",
        lambda ids: {"name": "Renamed Ltd", "settings": {"prior_weight": 2.5, "period_months": 12}},
        text="name", number="settings.period_months", floats="settings.prior_weight",
        readback="/v1/organization",
    ),
    "set_reflection_schedule": Target(
        "PUT", "/v1/leaders/{person}/reflection-schedule", lambda ids: {"cadence_days": 45},
        text="cadence_days", number="cadence_days",
        readback="/v1/leaders/{person}/reflection-schedule",
    ),
    "create_api_key": Target(
        "POST", "/v1/api-keys", lambda ids: {"name": "Key", "scopes": ["read"]}, text="name",
    ),
}  # fmt: skip


def _set(obj: Any, path: str, value: Any) -> Any:
    obj = json.loads(json.dumps(obj))
    parts: list[Any] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = obj
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return obj


def _with_raw(obj: Any, path: str, raw: bytes) -> bytes:
    """The JSON of `obj` with the value at `path` replaced by `raw` JSON text, as is."""
    text = json.dumps(_set(obj, path, RAW)).encode()
    return text.replace(json.dumps(RAW).encode(), raw, 1)


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes | Iterator[bytes] | None
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    edge: bool = False  # a valid extreme: may be accepted, never a 5xx


def body_cases(target: Target, ids: dict[str, str]) -> Iterator[Case]:
    valid = target.body(ids)
    good = json.dumps(valid).encode()
    text = target.text

    # Malformed and truncated JSON.
    for raw in (
        b"{", b"}", b'{"a":}', b"{'a': 1}", b"not json", b'{"a":1}}', b'{"a":1,}', b"[1,2",
        b'{"a":1} {"b":2}', b"// comment\n{}", b'{"a":1 /* c */}', b"\x00", b"\xef\xbb\xbf",
        b'{"a":"\\x41"}', b'{"a":"\\u12"}', b"{\"a\":'b'}", b'{"a":tru}', b"{a:1}", b"null",
        b"[]", b'"string"', b"123", b"true", good[: len(good) // 2], good[:-1], good[1:],
        good + b"garbage", good.replace(b":", b"=", 1),
    ):  # fmt: skip
        yield Case(f"malformed {raw[:30]!r}", raw)
    yield Case("empty body", b"")
    for constant in (b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf"):
        yield Case(f"constant {constant!r}", _with_raw(valid, target.number or text, constant))

    # Wrong content types.
    for content_type in (
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/xml", "text/json", "application/jsonx", "application/json-seq",
        "application/octet-stream", "json", "application", "*/*", "", "text/html; application/json",
    ):  # fmt: skip
        yield Case(f"content-type {content_type!r}", good, content_type=content_type)
    yield Case("no content-type", good, content_type=None)
    yield Case("form body", b"a=1&b=2", content_type="application/x-www-form-urlencoded")

    # Oversized bodies: declared, and chunked without a length.
    big = _with_raw(valid, text, json.dumps("a" * (MAX_BODY + 10)).encode())
    yield Case("oversized (declared)", big)

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    yield Case("oversized (chunked)", chunks())

    # Deeply nested JSON.
    depth = 100_000
    yield Case("100 000 [", b"[" * depth + b"]" * depth)
    yield Case("100 000 [ unclosed", b"[" * depth)
    yield Case("100 000 {", b'{"a":' * depth + b"1" + b"}" * depth)
    yield Case("nested in a field", _with_raw(valid, text, b"[" * depth + b"]" * depth))
    yield Case("900 levels in a field", _with_raw(valid, text, b"[" * 900 + b"]" * 900))
    yield Case("10 000 items", _with_raw(valid, text, b"[" + b"{}," * 9999 + b"{}]"))

    # Invalid UTF-8 and other encodings.
    for raw in (b"\xff\xfe", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"):
        yield Case(f"invalid UTF-8 {raw!r}", _with_raw(valid, text, b'"a' + raw + b'b"'))
    yield Case("invalid UTF-8 in a key", good[:-1] + b', "\xff": 1}')
    yield Case("UTF-16 body", json.dumps(valid).encode("utf-16"))
    yield Case("UTF-32 body", json.dumps(valid).encode("utf-32"))

    # NUL bytes, control characters and lone surrogates, in strings and in keys.
    yield Case("NUL escaped in a string", _with_raw(valid, text, b'"a\\u0000b"'))
    yield Case("NUL byte in a string", _with_raw(valid, text, b'"a\x00b"'))
    yield Case("only NUL", _with_raw(valid, text, b'"\\u0000"'))
    yield Case("ESC in a string", _with_raw(valid, text, b'"a\\u001bb"'))
    yield Case("NUL in a key", good[:-1] + b', "x\\u0000": 1}')
    yield Case("NUL byte in a key", good[:-1] + b', "x\x00": 1}')
    yield Case("lone surrogate in a string", _with_raw(valid, text, b'"a\\ud800b"'))
    yield Case("lone low surrogate", _with_raw(valid, text, b'"\\udc00"'))
    yield Case("lone surrogate in a key", good[:-1] + b', "\\ud800": 1}')
    yield Case("surrogate key only", b'{"\\udfff": 1}')

    # Huge numbers, and what is not a number.
    numbers = (
        b"1e400", b"-1e400", b"1" + b"0" * 5000, b"-" + b"9" * 5000, b"1" + b"0" * 4000,
        b"18446744073709551616", b"-9223372036854775809", b"1e308", b"1E+2000", b"-0.5",
        b'"4"', b"true", b"false", b"[4]", b"{}",
    )  # fmt: skip
    for raw in (*numbers, b"4.5", b"4.000000001") if target.number else ():
        yield Case(f"number {raw[:24]!r}", _with_raw(valid, target.number or "", raw))
    for raw in numbers if target.floats else ():
        yield Case(f"float {raw[:24]!r}", _with_raw(valid, target.floats or "", raw))
    if target.number:  # 1e-5001 reads as 0.0, a valid integer 0 for some fields
        tiny = b"0." + b"0" * 5000 + b"1"
        yield Case("number 1e-5001", _with_raw(valid, target.number, tiny), edge=True)

    # Out-of-range dates.
    if target.date:
        for value in (
            "0000-01-01", "99999-01-01", "2026-02-30", "2026-13-01", "2026-00-10", "-0001-01-01",
            "2026-1-1", "20260101", "2026-01-01T00:00:00Z", "1e400", "", "today", "0",
            "2026-02-29", "+2026-01-01", "2026-01-01\u0000",
        ):  # fmt: skip
            yield Case(f"date {value!r}", json.dumps(_set(valid, target.date, value)).encode())
        for value in ("0001-01-01", "9999-12-31"):
            body = _set(_set(valid, "period_start", value), "period_end", value)
            yield Case(f"date {value!r}", json.dumps(body).encode(), edge=True)

    # Very long strings.
    mb = "é" * (512 * 1024)  # 1 MB of UTF-8
    yield Case("1 MB string", json.dumps(_set(valid, text, mb)).encode())
    yield Case("1 MB key", good[:-1] + b', "' + b"k" * (1024 * 1024) + b'": 1}')
    yield Case("1 MB unknown field", json.dumps({**valid, "zzz": mb}).encode())

    # Unknown and duplicate fields (mass assignment).
    for extra in (
        {"org_id": "org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"}, {"id": "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"},
        {"created_at": "2020-01-01T00:00:00Z"}, {"version": 99}, {"__proto__": {"admin": True}},
        {"": 1}, {"constructor": {}}, {text.split(".")[0].upper(): "x"},
    ):  # fmt: skip
        yield Case(f"unknown field {next(iter(extra))!r}", json.dumps({**valid, **extra}).encode())
    first = text.split(".")[0]
    value = valid[first]
    changed = (
        value + 1 if isinstance(value, int) else "Other value" if isinstance(value, str) else value
    )
    for label, second in (("same value", value), ("other value", changed)):
        dup = good[:-1] + b", " + json.dumps(first).encode() + b": " + json.dumps(second).encode()
        yield Case(f"duplicate key ({label})", dup + b"}")

    # Bad header values (what a client library lets through); raw ones are below.
    for name, value in (
        ("Idempotency-Key", "é" * 10), ("Idempotency-Key", "k" * 256), ("Idempotency-Key", ""),
        ("Idempotency-Key", "a\tb"), ("If-Match", 'W/"1", garbage\u00ff'), ("If-Match", "1"),
        ("If-Match", '"1"' + "x" * 300), ("If-Match", ""),
    ):  # fmt: skip
        if name == "If-Match" and target.method == "POST":
            continue
        if name == "Idempotency-Key" and target.method != "POST":
            continue
        yield Case(f"header {name}: {value[:20]!r}", good, headers={name: value})


def _check_problem(status: int | None, content_type: str | None, body: bytes, what: str) -> None:
    assert status is not None, f"{what}: no answer"
    assert 400 <= status < 500, f"{what}: {status} {body[:300]!r}"
    assert (content_type or "").startswith(PROBLEM), f"{what}: {content_type} {body[:300]!r}"
    problem = json.loads(body)
    for key in ("type", "title", "status", "detail", "instance"):
        assert key in problem, f"{what}: no `{key}` in {problem}"
    assert problem["status"] == status, f"{what}: {problem}"
    assert problem["type"].startswith("https://"), f"{what}: {problem}"


def _path(template: str, ids: dict[str, str]) -> str:
    return template.format(**ids)


def _readback(client: httpx.Client, live: Live, target: Target) -> Any:
    if target.readback is None:
        return None
    response = client.get(_path(target.readback, live.ids), headers=live.auth())
    assert response.status_code == 200, response.text
    return response.headers.get("etag"), response.json()


def _send(client: httpx.Client, live: Live, target: Target, case: Case) -> httpx.Response:
    headers = live.auth()
    if target.method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    else:
        headers["If-Match"] = "*"
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    sent: dict[str, str | bytes] = dict(headers)
    sent.update({k: v.encode() for k, v in case.headers.items()})  # bytes: non-ASCII as is
    return client.request(
        target.method, _path(target.path, live.ids), content=case.body, headers=sent
    )


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_bad_bodies(client: httpx.Client, live: Live, name: str) -> None:
    target = TARGETS[name]
    failures: list[str] = []
    cases = 0
    for case in body_cases(target, live.ids):
        cases += 1
        what = f"{target.method} {target.path} [{case.name}]"
        counts, before = live.counts(), _readback(client, live, target)
        try:
            response = _send(client, live, target, case)
        except httpx.TransportError as exc:
            failures.append(f"{what}: no answer ({type(exc).__name__})")
            continue
        try:
            if case.edge and response.status_code < 400:
                assert response.status_code < 300, f"{what}: {response.status_code}"
                continue
            _check_problem(
                response.status_code, response.headers.get("content-type"), response.content, what
            )
            assert live.counts() == counts, f"{what}: rows were written"
            assert _readback(client, live, target) == before, f"{what}: the object changed"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:400])
    # The valid body goes through: the cases above failed for what they changed, nothing else.
    response = _send(
        client, live, target, Case("valid", json.dumps(target.body(live.ids)).encode())
    )
    assert response.status_code < 300, response.text
    assert not failures, f"{len(failures)} of {cases} cases failed:\n" + "\n".join(failures)


# --- query parameters -------------------------------------------------------------------

DATETIMES_BAD = (
    "0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
    "2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01T00:00:00", "garbage", "\u0000", "1e400",
    "2026-01-01T24:00:01Z", "2026-01-01T00:00:61Z", "2026-01-01T00:00:00+25:00",
    "1700000000", "-1", "x" * 8_000, "2026-01-01T00:00:00Z\u0000", "２０２６-01-01T00:00:00Z",
)  # fmt: skip
DATETIMES_EDGE = (
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.999999-14:00", "1970-01-01T00:00:00Z", "2026-02-28T23:59:59.999999Z",
)  # fmt: skip
DATES_BAD = ("0000-01-01", "99999-01-01", "2026-02-30", "x", "\u0000", "2026-01-01T00:00:00Z")
DATES_EDGE = ("0001-01-01", "9999-12-31")


def _cursor(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


CURSORS_BAD = (
    "!!!", "\u0000", "x" * 513, "x" * 8_000, "", "=", "%00", _cursor(["\u0000"]),
    _cursor(["a\u0000b"]), _cursor(["\ud800"]), _cursor([2**63]), _cursor([-(2**63) - 1]),
    _cursor([1.5]), _cursor([None]), _cursor([True]), _cursor([[]]), _cursor({"a": 1}),
    _cursor(["x" * 300]), _cursor([]), _cursor(["a", "b", "c", "d"]), _cursor(b"\xff\xfe"),
    _cursor(b"[1e400]"), _cursor(b"[NaN]"), _cursor(b"[" * 300 + b"]" * 300), _cursor(-1),
    _cursor(["per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "extra"]), _cursor(b'["\\udc00"]'),
)  # fmt: skip
LIMITS_BAD = (
    "0", "-1", "101", "1e2", "abc", "", "99999999999999999999999", "1.5", "\u0000", "0x10",
    "١", "NaN", "inf", "1" * 5000,
)  # fmt: skip


def query_cases(ids: dict[str, str]) -> Iterator[tuple[str, dict[str, str], bool]]:
    collections = [
        "/v1/people", "/v1/beliefs", "/v1/reflections", "/v1/feedback", "/v1/api-keys",
        "/v1/reflection-prompts", "/v1/reflection-schedule", "/v1/trust-scores",
        f"/v1/beliefs/{ids['belief']}/revisions",
    ]  # fmt: skip
    for path in collections:
        for value in LIMITS_BAD:
            yield path, {"limit": value}, False
        yield path, {"limit": " 1"}, True  # whitespace around a number: lenient, harmless
        for value in CURSORS_BAD:
            yield path, {"cursor": value}, False
    for path in ("/v1/people", "/v1/beliefs", "/v1/reflections", "/v1/feedback",
                 "/v1/reflection-prompts"):  # fmt: skip
        for value in DATETIMES_BAD:
            yield path, {"updated_since": value}, False
        for value in DATETIMES_EDGE:
            yield path, {"updated_since": value}, True
    trust = f"/v1/leaders/{ids['person']}/trust-score"
    for value in DATETIMES_BAD:
        yield trust, {"as_of": value}, False
        yield "/v1/reflection-schedule", {"due_before": value}, False
    for value in DATETIMES_EDGE:
        yield trust, {"as_of": value}, True
        yield "/v1/reflection-schedule", {"due_before": value}, True
    for value in DATES_BAD:
        yield "/v1/reflections", {"period_from": value}, False
        yield "/v1/reflections", {"period_to": value}, False
    for value in DATES_EDGE:
        yield "/v1/reflections", {"period_from": value, "period_to": value}, True
    for value in ("0", "-1", "1e400", "abc", "99999999999999999999", "1000000"):
        yield f"/v1/leaders/{ids['person']}/trust-history", {"periods": value}, False
    for name in ("leader_id", "manager_id"):
        for value in ("../../v1/api-keys", "%00", "\u0000", "per_", "per_" + "0" * 1000, "x"):
            path = "/v1/people" if name == "manager_id" else "/v1/beliefs"
            yield path, {name: value}, False
    for name, path in (("status", "/v1/beliefs"), ("scope", "/v1/reflections"),
                       ("sort", "/v1/trust-scores"), ("external_id", "/v1/people")):  # fmt: skip
        for value in ("\u0000", "bogus\u0000", "x" * 8_000, "bogus"):
            if not (name == "external_id" and value == "bogus"):
                yield path, {name: value}, False


def test_bad_query_parameters(client: httpx.Client, live: Live) -> None:
    failures: list[str] = []
    counts = live.counts()
    cases = list(query_cases(live.ids))
    for path, params, edge in cases:
        what = f"GET {path} { ({k: v[:40] for k, v in params.items()})!r}"
        try:
            response = client.get(path, params=params, headers=live.auth())
        except httpx.TransportError as exc:
            failures.append(f"{what}: no answer ({type(exc).__name__})")
            continue
        try:
            if edge and response.status_code < 400:
                assert response.status_code == 200, f"{what}: {response.status_code}"
                continue
            _check_problem(
                response.status_code, response.headers.get("content-type"), response.content, what
            )
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:400])
    assert live.counts() == counts
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


# --- raw HTTP: header injection, path traversal, smuggling ----------------------------------


def _raw(
    live: Live,
    method: str,
    target: str,
    headers: list[bytes] | None = None,
    body: bytes = b"",
    auth: bool = True,
) -> RawResponse:
    lines = [f"{method} {target} HTTP/1.1".encode(), f"Host: 127.0.0.1:{live.port}".encode()]
    if auth:
        lines.append(f"Authorization: Bearer {live.key}".encode())
    lines += headers or []
    framed = any(h.lower().startswith((b"content-length", b"transfer-encoding")) for h in lines)
    if body and not framed:
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    return raw_request(live.port, b"\r\n".join(lines) + b"\r\n\r\n" + body)


def _refused_by_the_parser(response: RawResponse, what: str) -> None:
    """Not HTTP: uvicorn's parser answers a plain 400 before the app runs, or hangs up."""
    if response.status is None:
        return
    if (response.header("content-type") or "").startswith(PROBLEM):
        _check_problem(response.status, response.header("content-type"), response.body, what)
        return
    assert response.status == 400, f"{what}: {response.status} {response.body[:200]!r}"


FULLWIDTH = quote("per_０１ＪＤ５ＺＱ８Ｗ４Ｍ３ＫＸＨＮＢ７Ｔ２Ｃ９Ｖ６ＲＥ")


def traversal_targets(ids: dict[str, str]) -> Iterator[tuple[str, str]]:
    person = ids["person"]
    for bad in (
        "..", "../api-keys", "..%2fapi-keys", "%2e%2e%2fapi-keys", "%2e%2e", "..%2f..%2fv1",
        "..%2f..%2fv1%2forganization", "%252e%252e%252f", "..%5c..%5capi-keys", "..;", "%00",
        "per_%00", f"{person}%00", f"{person}%00.json", f"{person}/..", f"{person}/../../api-keys",
        f"{person}%2f..", "per_" + "0" * 10_000, FULLWIDTH, "%ff%fe", "%c0%ae%c0%ae",
        "per_01JD5ZQ8W4M3KXHNB7T2C9V6R%0a", "per_01JD5ZQ8W4M3KXHNB7T2C9V6R%0d%0aX-Injected:%201",
        "*", "%", "%%32%65", f"{person.lower()}", f" {person}".replace(" ", "%20"),
    ):  # fmt: skip
        yield "GET", f"/v1/people/{bad}"
        yield "PATCH", f"/v1/people/{bad}"
        yield "DELETE", f"/v1/beliefs/{bad.replace('per_', 'blf_')}"
        yield "POST", f"/v1/leaders/{bad}/beliefs"
        yield "PATCH", f"/v1/reflections/{bad.replace('per_', 'rfl_')}"
        yield "POST", f"/v1/feedback/{bad.replace('per_', 'fbk_')}/retract"
    yield "GET", f"/v1/people/{person}/../../organization"


def test_path_traversal_in_ids(live: Live) -> None:
    failures: list[str] = []
    counts = live.counts()
    cases = list(traversal_targets(live.ids))
    for method, target in cases:
        body = b'{"statement": "x"}' if method in {"POST", "PATCH"} else b""
        headers = [b'If-Match: "1"'] + ([b"Content-Type: application/json"] if body else [])
        response = _raw(live, method, target, headers, body)
        what = f"{method} {target[:70]}"
        try:
            assert not any(k == "x-injected" for k, _ in response.headers), f"{what}: injected"
            _check_problem(response.status, response.header("content-type"), response.body, what)
            assert response.status in (400, 404, 405, 422), f"{what}: {response.status}"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:400])
    # Not a valid request target at all (raw UTF-8 in it, or 100 kB long): refused by the
    # HTTP parser before the app.
    raw_utf8 = "/v1/people/per_０１ＪＤ５ＺＱ８Ｗ４Ｍ３ＫＸＨＮＢ７Ｔ２Ｃ９Ｖ６ＲＥ"
    _refused_by_the_parser(_raw(live, "GET", raw_utf8), "raw UTF-8 target")
    long_url = f"/v1/people?external_id={'x' * 100_000}"
    _refused_by_the_parser(_raw(live, "GET", long_url), "100 kB target")
    assert live.counts() == counts
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


HEADER_VALUES_BAD = (b"\xc3\xa9\xff", b"a" * 300, b"a\tb")
# Whitespace around a field value is not part of it (RFC 9110 §5.5): a padded If-Match is
# still no entity tag (a problem), a padded Idempotency-Key is the trimmed key (a replay).
PADDED = b" padded "
HEADER_VALUES_EDGE = (
    b"abc%0d%0aX-Injected: 1", b"abc\\r\\nX-Injected: 1", b"<script>", b"$(id)",
    b"../../etc/passwd", b"'; DROP TABLE people; --",
)  # fmt: skip
NOT_HTTP = (
    b"Idempotency-Key: a\rX-Injected: 1", b"Idempotency-Key: a\x00b", b"X-Request-Id: a\rb",
    b"X-Request-Id: a\x00b", b"Idempotency-Key: a\r\n b", b"Bad Header: x", b": empty-name",
    b"X-Injected\r\n", b"Content-Length: 5\r\nContent-Length: 6",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5", b"Transfer-Encoding: gzip, chunked",
    b"Content-Length: -1", b"Content-Length: 1e3", b"Content-Length: 18446744073709551616",
    b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity", b"Content-Length: 0x10",
    b"X-Long: " + b"a" * 100_000, b"Idempotency-Key: \x7f", b"If-Match: \x01",
)  # fmt: skip


def test_header_injection(live: Live) -> None:
    """A bad `Idempotency-Key` or `If-Match` is a 4xx problem and writes nothing; a printable
    one is just a key; the request id is never echoed unless it is safe; and what is not HTTP
    (CR or NUL in a value, obs-fold, conflicting lengths) never reaches the app."""
    failures: list[str] = []
    body = json.dumps({"external_id": "H-1", "display_name": "Header"}).encode()
    ctype = b"Content-Type: application/json"
    person = f"/v1/people/{live.ids['person']}"
    patch = json.dumps({"title": "Header"}).encode()
    cases: list[tuple[str, str, str, list[bytes], bytes, str]] = []
    for value in HEADER_VALUES_BAD:
        cases.append(("bad", "POST", "/v1/people", [ctype, b"Idempotency-Key: " + value], body, ""))
        cases.append(("bad", "PATCH", person, [ctype, b"If-Match: " + value], patch, ""))
    cases.append(("bad", "PATCH", person, [ctype, b"If-Match: " + PADDED], patch, ""))
    for value in (*HEADER_VALUES_BAD, PADDED, *HEADER_VALUES_EDGE):
        cases.append(("edge", "POST", "/v1/people", [ctype, b"X-Request-Id: " + value], body, ""))
    for value in HEADER_VALUES_EDGE:
        cases.append(
            ("edge", "POST", "/v1/people", [ctype, b"Idempotency-Key: " + value], body, "")
        )
    for line in NOT_HTTP:
        cases.append(("not-http", "POST", "/v1/people", [ctype, line], body, ""))
    for kind, method, path, lines, payload, _ in cases:
        counts = live.counts()
        response = _raw(live, method, path, lines, payload)
        what = f"{method} {path} [{lines[-1][:50]!r}]"
        try:
            assert not any(k == "x-injected" for k, _ in response.headers), f"{what}: injected"
            rid = response.header("x-request-id")
            if rid is not None or kind != "not-http":  # else: uvicorn's answer, not the app's
                assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", rid or ""), f"{what}: id {rid!r}"
            if kind == "edge":  # the request goes through (or conflicts with the first one)
                assert response.status in (200, 201, 409), f"{what}: {response.status}"
                continue
            if kind == "bad":
                _check_problem(
                    response.status, response.header("content-type"), response.body, what
                )
            else:
                _refused_by_the_parser(response, what)
            assert live.counts() == counts, f"{what}: rows were written"
        except AssertionError as error:
            failures.append(str(error).splitlines()[0][:400])
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


def test_declared_length_over_the_limit_is_refused_before_the_body(live: Live) -> None:
    counts = live.counts()
    response = _raw(
        live,
        "POST",
        "/v1/people",
        [b"Content-Type: application/json", f"Content-Length: {10**12}".encode()],
        b'{"external_id": "x"',
    )
    _check_problem(response.status, response.header("content-type"), response.body, "10^12")
    assert response.status == 413
    assert live.counts() == counts


def test_unknown_methods_are_problems(live: Live) -> None:
    for method in ("PROPFIND", "TRACE", "PUT", "OPTIONS", "PURGE", "LINK"):
        response = _raw(live, method, "/v1/people")
        what = f"{method} /v1/people"
        _check_problem(response.status, response.header("content-type"), response.body, what)
        assert response.status == 405, what
    _refused_by_the_parser(_raw(live, "FOO", "/v1/people"), "FOO")  # not an HTTP method


def test_server_log_has_no_tracebacks(live: Live, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Runs last in the module: nothing above made the service log an unhandled error."""
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("bad-input*/server.log"))
    for log in logs:
        text = log.read_text(errors="replace")
        assert "Traceback" not in text and "unhandled error" not in text, text[-3000:]


def test_a_padded_idempotency_key_is_the_trimmed_key(live: Live) -> None:
    """`Idempotency-Key:  padded-key ` (spaces around) and `Idempotency-Key: padded-key` are the
    same field value after trimming (RFC 9110 §5.5): the second request replays the first and
    creates nothing, and a different body under the trimmed key is refused (422)."""
    body = json.dumps({"external_id": "PAD-1", "display_name": "Padded"}).encode()
    ctype = b"Content-Type: application/json"
    first = _raw(live, "POST", "/v1/people", [ctype, b"Idempotency-Key:  padded-key "], body)
    assert first.status == 201, first.body[:300]
    counts = live.counts()
    again = _raw(live, "POST", "/v1/people", [ctype, b"Idempotency-Key: padded-key"], body)
    assert again.status == 201, again.body[:300]
    assert json.loads(again.body)["id"] == json.loads(first.body)["id"]
    other = json.dumps({"external_id": "PAD-2", "display_name": "Other"}).encode()
    refused = _raw(live, "POST", "/v1/people", [ctype, b"Idempotency-Key: padded-key"], other)
    assert refused.status == 422, refused.body[:300]
    assert live.counts() == counts
