"""Every example the spec prefills works on the demo organization (issue #21): for each
operation of the served `/openapi.json`, the request is built from the spec's own examples
only — each parameter's example (the path parameters' named example, which Swagger UI
prefills, and every query parameter's), the `Idempotency-Key` example of a `POST` and the
request body's example — sent with a key of the demo that has the operation's scope, and
answered with one of the operation's documented 2xx statuses.

Each operation runs on a fresh copy of the demo as `calling serve` seeds it (its period
closed), so a delete or a revocation does not change what the next operation sees. An
`If-Match` that the operation requires is the `ETag` of a fresh read, as a user of "Try it
out" types it in; the response-token operation uses a token from the
`create_feedback_request` example, as a user would. The clock is frozen, today and a year
ahead (SQLite), today (PostgreSQL): no example may depend on the date it is tried on. There
is no list of operations to skip: an operation whose examples do not work on the demo fails
here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import clock
from service.api.app import create_app
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.closing import close_all
from service.db import make_engine, make_sessionmaker, utcnow
from service.demo import create_demo
from service.migrate import upgrade
from service.organizations.service import platform_organization
from service.settings import Settings
from service.webhooks.delivery import Outcome
from tests.conftest import (
    PG_ADMIN_URL,
    create_pg_database,
    drop_pg_database,
    require_pg,
)

SECRET = "demo-examples-secret-for-tests-0123456789"
EXAMPLE_COM = "93.184.215.14"  # a public address for the examples' hosts (no DNS in tests)
METHODS = ("get", "put", "post", "patch", "delete")


class Demo:
    """The demo database as `calling serve` leaves it, the keys a user of it has, and fresh
    copies of it to serve (`copy(n)` makes the n-th and returns its URL)."""

    def __init__(self, url: str, copy: Callable[[int], str]) -> None:
        self.copy = copy
        self.copies = 0
        settings = Settings(database_url=url)
        upgrade(settings)
        engine = make_engine(settings)
        sessions = make_sessionmaker(engine)
        with sessions() as session, session.begin():
            _, self.admin = create_demo(session, SECRET, utcnow())
            platform = platform_organization(session).org_id
            self.platform = create_api_key(session, platform, "platform", [Scope.platform])[1]
        close_all(sessions)  # as `calling serve` does as it starts
        engine.dispose()

    def key_for(self, scope: str | None) -> str:
        return self.platform if scope == Scope.platform else self.admin

    @contextmanager
    def client(self) -> Iterator[TestClient]:
        """A fresh copy of the demo, served as `calling serve` serves it."""
        self.copies += 1
        app = create_app(Settings(database_url=self.copy(self.copies), secret_key=SECRET))
        _offline_webhooks(app)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client


# (backend, days the clock runs ahead): today and a year ahead on SQLite, today on PostgreSQL
# (the examples' dates do not depend on the backend; each PostgreSQL copy costs a CREATE and
# a DROP DATABASE).
CASES = [("sqlite", 0), ("sqlite", 365), ("postgresql", 0)]


@pytest.fixture(params=CASES, ids=["sqlite-today", "sqlite-a-year-ahead", "postgresql-today"])
def demo(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Demo]:
    """The demo on SQLite (copies: files) or PostgreSQL (copies: databases made from it as
    a template), with the service's clock stopped (today, or a year ahead)."""
    backend, days = request.param
    now = clock.now() + timedelta(days=days)
    monkeypatch.setattr(clock, "now", lambda: now)
    if backend == "sqlite":

        def copy_file(n: int) -> str:
            shutil.copyfile(tmp_path / "demo.db", tmp_path / f"copy-{n}.db")
            return f"sqlite:///{tmp_path / f'copy-{n}.db'}"

        yield Demo(f"sqlite:///{tmp_path / 'demo.db'}", copy_file)
        return
    require_pg()
    name = f"calling_demo_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def copy_database(n: int) -> str:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}_{n}" TEMPLATE "{name}"'))
        return make_url(PG_ADMIN_URL).set(database=f"{name}_{n}").render_as_string(False)

    demo = Demo(create_pg_database(name), copy_database)
    try:
        yield demo
    finally:
        for n in range(1, demo.copies + 1):
            drop_pg_database(f"{name}_{n}")
        drop_pg_database(name)
        admin.dispose()


def _offline_webhooks(app: FastAPI) -> None:
    """No DNS and no outside network here: the examples' hosts resolve to a public address
    and the receiver answers 204, as a receiver of the user's own would."""
    app.state.webhook_resolver = lambda host, port: [EXAMPLE_COM]
    app.state.webhook_sender = lambda target, headers, body: Outcome(status_code=204)


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _example(parameter: dict[str, Any]) -> Any:
    """The parameter's prefilled example (its first named example: what Swagger UI fills in),
    else its schema's first example; `None` when it has none."""
    named = parameter.get("examples")
    if named:
        return next(iter(named.values()))["value"]
    if "example" in parameter:
        return parameter["example"]
    schema = parameter.get("schema", {})
    examples = schema.get("examples")
    return examples[0] if examples else schema.get("example")


def _body(operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    if "example" in content:
        return content["example"]
    named = content.get("examples")
    assert named, f"{operation['operationId']}: a request body without an example"
    return next(iter(named.values()))["value"]


def _scope(operation: dict[str, Any]) -> str | None:
    scope = operation.get("x-required-scope")
    return None if scope is None else str(scope)


def _request(
    spec: dict[str, Any], path: str, operation: dict[str, Any], demo: Demo, token: str | None
) -> tuple[str, dict[str, Any], dict[str, str], Any]:
    """(URL, query, headers, body) as the spec's examples make them."""
    url = path
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    label = operation["operationId"]
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        value = _example(parameter)
        if where == "header" and name == "If-Match":
            continue  # read fresh below, as a user types it in
        if value is None:
            assert not parameter.get("required"), f"{label}: {name} has no example"
            continue
        if where == "path":
            url = url.replace("{" + name + "}", str(value))
        elif where == "query":
            query[name] = value
        elif where == "header":
            headers[name] = str(value)
    security = {name for requirement in operation.get("security", []) for name in requirement}
    if "ResponseToken" in security:
        headers["Authorization"] = f"Bearer {token}"
    elif security:
        headers["Authorization"] = f"Bearer {demo.key_for(_scope(operation))}"
    return url, query, headers, _body(operation)


def _needs_if_match(operation: dict[str, Any]) -> bool:
    return any(
        p["in"] == "header" and p["name"] == "If-Match" and p.get("required")
        for p in operation.get("parameters", [])
    )


def _documented_success(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"] if code.startswith("2")}


def _response_token(client: TestClient, spec: dict[str, Any], demo: Demo) -> str | None:
    """A respondent's token, from the `create_feedback_request` example (None if it failed)."""
    operation = spec["paths"]["/v1/feedback-requests"]["post"]
    url, _, headers, body = _request(spec, "/v1/feedback-requests", operation, demo, None)
    created = client.post(url, headers=headers, json=body)
    return str(created.json()["tokens"][0]["token"]) if created.status_code == 201 else None


def _try(
    client: TestClient, spec: dict[str, Any], demo: Demo, path: str, method: str, op: dict[str, Any]
) -> str | None:
    """Send the operation as its examples make it; what went wrong, or None."""
    security = {name for requirement in op.get("security", []) for name in requirement}
    token = _response_token(client, spec, demo) if "ResponseToken" in security else None
    if "ResponseToken" in security and token is None:
        return "no response token: the create_feedback_request example failed"
    url, query, headers, body = _request(spec, path, op, demo, token)
    if _needs_if_match(op):
        read = client.get(url, headers=headers)
        if read.status_code != 200:
            return f"the read for If-Match: {read.status_code} {read.text[:300]}"
        headers["If-Match"] = read.headers["ETag"]
    response = client.request(method.upper(), url, params=query, headers=headers, json=body)
    if response.status_code not in _documented_success(op):
        return f"{response.status_code} {response.text[:300]}"
    return None


def test_every_operation_works_as_its_examples_say_on_the_demo(demo: Demo) -> None:
    with demo.client() as client:
        spec = client.get("/openapi.json").json()
    failures: list[str] = []
    sent = 0
    for path, method, operation in _operations(spec):
        label = f"{method.upper()} {path} ({operation['operationId']})"
        with demo.client() as client:
            failure = _try(client, spec, demo, path, method, operation)
        sent += 1
        if failure:
            failures.append(f"{label}: {failure}")
    assert not failures, "\n".join(failures)
    assert sent > 60, sent  # the walk found the spec's operations
