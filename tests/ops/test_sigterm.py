"""SIGTERM drains: the real `calling serve` stops accepting connections, finishes the request
in flight with 200, then exits 0.

The request is provably in flight: its headers are sent before the signal and the rest of
its body only once the server has closed its listening socket (new connections refused).
Had the server not read the headers by then, it would close the idle connection and the
test would fail — it cannot pass by luck.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.live_server import free_port
from tests.ops.repo_files import ROOT

DEADLINE_SECONDS = 20
PEOPLE = 1000


def _calling(*args: str) -> list[str]:
    return [sys.executable, "-c", "from service.cli import main; main()", *args]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    return {**base, "CALLING_DATABASE_URL": f"sqlite:///{tmp_path / 'drain.db'}"}


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        _calling(*args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


@pytest.fixture
def api_key(env: dict[str, str]) -> str:
    _run(env, "migrate")
    match = re.search(r"csk_\w+", printed := _run(env, "orgs", "create", "Drain Ltd"))
    assert match, printed
    return match.group(0)


@pytest.fixture
def server(
    env: dict[str, str], api_key: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    with (tmp_path / "stdout").open("wb") as out, (tmp_path / "stderr").open("wb") as err:
        process = subprocess.Popen(
            _calling("serve", "--no-demo", "--no-migrate", "--port", str(port)),
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=err,
        )
        try:
            _wait_for(lambda: _accepts(port) or process.poll() is not None, "startup", 20)
            assert process.poll() is None, (tmp_path / "stderr").read_text()
            yield process, port
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_sigterm_drains_the_request_in_flight(
    api_key: str, server: tuple[subprocess.Popen[bytes], int], tmp_path: Path
) -> None:
    started = time.monotonic()
    process, port = server
    people = [{"external_id": f"E-{i:04d}", "display_name": f"Person {i}"} for i in range(PEOPLE)]
    body = json.dumps({"people": people}).encode()
    head = (
        "POST /v1/people/bulk HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {api_key}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Request-Id: drain-test\r\n"
        "\r\n"
    ).encode()
    half = len(body) // 2

    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_SECONDS) as conn:
        conn.sendall(head + body[:half])
        time.sleep(0.5)  # the server has read the headers: the request is now in flight
        process.send_signal(signal.SIGTERM)
        _wait_for(lambda: not _accepts(port), "the listener to close", 10)
        assert process.poll() is None, "the server quit with a request in flight"
        conn.sendall(body[half:])
        response = b""
        while chunk := conn.recv(65536):
            response += chunk

    status_line, _, rest = response.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 200 OK", response[:500]
    result = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert len(result["data"]) == PEOPLE
    assert {row["status"] for row in result["data"]} == {"created"}

    assert process.wait(timeout=DEADLINE_SECONDS) == 0
    assert time.monotonic() - started < 30

    stdout = (tmp_path / "stdout").read_text()
    logs = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    (access,) = [
        line
        for line in logs
        if line["logger"] == "calling.access" and line.get("request_id") == "drain-test"
    ]
    assert (access["route"], access["status"]) == ("/v1/people/bulk", 200)
    assert api_key not in stdout + (tmp_path / "stderr").read_text()
