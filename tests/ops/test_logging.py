"""JSON logs: one access line per request with the request id, route template, status,
latency and org; no API key, no query string, no body text in any line."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.observability.logging import JsonFormatter
from tests.conftest import Tenant
from tests.ops.repo_files import ROOT

PLANTED = "Planted-Personal-Text-7c1f3e"
_CLIENT_SIDE = ("httpx", "httpcore")  # the test client's own loggers, not the service's


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, formatted by the production formatter."""
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(lambda record: not record.name.startswith(_CLIENT_SIDE))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _parse(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def test_access_lines_carry_request_id_route_status_and_org(
    client: TestClient, tenant: Tenant, log_lines: io.StringIO
) -> None:
    created = client.post(
        "/v1/people",
        json={"external_id": "E-1", "display_name": PLANTED},
        headers=tenant.headers("write", **{"X-Request-Id": "req-log-1"}),
    )
    assert created.status_code == 201, created.text
    got = client.get(f"/v1/people/{created.json()['id']}", headers=tenant.headers("read"))
    live = client.get("/livez")

    access = [line for line in _parse(log_lines) if line["logger"] == "calling.access"]
    assert [line["request_id"] for line in access] == [
        "req-log-1",
        got.headers["x-request-id"],
        live.headers["x-request-id"],
    ]
    first, second, third = access
    assert (first["method"], first["route"], first["status"]) == ("POST", "/v1/people", 201)
    assert (second["route"], second["status"]) == ("/v1/people/{person_id}", 200)
    assert first["org_id"] == second["org_id"] == tenant.org_id
    assert third["org_id"] is None
    assert all(isinstance(line["duration_ms"], float) for line in access)
    assert all(line["level"] == "INFO" and line["timestamp"].endswith("Z") for line in access)


def test_no_key_query_or_body_text_in_any_line(
    client: TestClient, tenant: Tenant, log_lines: io.StringIO
) -> None:
    key = tenant.keys["write"]
    client.post(
        "/v1/people",
        json={"external_id": "E-2", "display_name": PLANTED},
        headers={"Authorization": f"Bearer {key}"},
    )
    # Rejected bodies and odd requests, with the planted text everywhere it can go.
    client.post(
        "/v1/people",
        json={"external_id": "E-3", "display_name": PLANTED, "org_id": PLANTED},
        headers={"Authorization": f"Bearer {key}"},
    )
    client.post(
        "/v1/people",
        content=b'{"display_name": "' + PLANTED.encode() + b'"',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    client.get(f"/v1/people?cursor={PLANTED}&api_key={key}", headers={"Authorization": key})
    client.get("/v1/people", headers={"Authorization": f"Bearer {key[:-4]}beef"})
    client.get(f"/v1/{PLANTED}")

    text = log_lines.getvalue()
    assert len([line for line in _parse(log_lines) if line["logger"] == "calling.access"]) == 6
    secret_part = key.rsplit("_", 1)[1]
    for needle in (PLANTED, key, secret_part, "Bearer"):
        assert needle not in text, f"{needle!r} leaked into the logs"


def test_exceptions_are_logged_without_their_message(log_lines: io.StringIO) -> None:
    logger = logging.getLogger("calling.test")
    try:
        try:
            raise ValueError(f"bad input {PLANTED}")
        except ValueError as exc:
            raise RuntimeError(f"wrapped {PLANTED}") from exc
    except RuntimeError:
        logger.exception("handling failed")
    (line,) = [line for line in _parse(log_lines) if line["logger"] == "calling.test"]
    assert line["message"] == "handling failed"
    assert "builtins.ValueError" in line["exception"]
    assert "builtins.RuntimeError" in line["exception"]
    assert "test_logging.py" in line["exception"]  # the stack stays
    assert PLANTED not in json.dumps(line)


_UVICORN_CLI_STARTUP = """
import logging, logging.config
from uvicorn.config import LOGGING_CONFIG
from service.api.app import create_app
from service.settings import Settings

logging.config.dictConfig(LOGGING_CONFIG)  # what `uvicorn ...` does before the factory
create_app(Settings(database_url="sqlite://"))
logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)
logging.getLogger("calling.access").info("GET /livez 200", extra={"route": "/livez"})
assert not logging.getLogger("uvicorn.access").hasHandlers()
"""


def test_the_image_cmd_path_logs_json_to_stdout() -> None:
    """Under the plain `uvicorn` command (the image's CMD) the app takes over logging."""
    result = subprocess.run(
        [sys.executable, "-c", _UVICORN_CLI_STARTUP],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("uvicorn.error", "Started server process [1]"),
        ("calling.access", "GET /livez 200"),
    ]
    assert result.stderr == ""
