"""Transport limits of `calling serve` (issue 10, finding 4; issue 18 F2), against the real
server: a cap on the request head however it arrives, timeouts for slow heads and bodies,
idle keep-alive connections closed, and problem+json for malformed HTTP."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import suppress

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import make_tenant
from tests.live_server import live_server
from tests.security.live import RawResponse, raw_request

PROBLEM = "application/problem+json"
TIMEOUT = 2


@pytest.fixture(scope="module")
def port(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log = tmp_path_factory.mktemp("transport") / "server.log"
    with live_server(
        database_url,
        log,
        serve=True,
        header_timeout_seconds=str(TIMEOUT),
        body_timeout_seconds=str(TIMEOUT),
        keep_alive_timeout_seconds="1",
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


def _problem(data: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert f"content-type: {PROBLEM}" in [line.lower() for line in lines], head
    return int(lines[0].split(" ")[1]), json.loads(body)


def _read_until_closed(conn: socket.socket, limit: float) -> tuple[bytes, float]:
    started = time.monotonic()
    received = b""
    conn.settimeout(limit)
    while True:
        try:
            chunk = conn.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        received += chunk
    return received, time.monotonic() - started


CAP = 16384  # CALLING_MAX_HEADER_BYTES' default


def _head(size: int, path: str = "/livez") -> bytes:
    """A GET request whose head (through its blank line) is `size` bytes."""
    start = f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: ".encode()
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def _assert_431(response: RawResponse) -> None:
    assert response.status == 431, response
    assert response.header("content-type") == PROBLEM
    problem = json.loads(response.body)
    assert problem["status"] == 431
    assert problem["type"].endswith("/header-too-large")


@pytest.mark.parametrize("size", [CAP + 1, 70_000])
def test_a_head_over_the_cap_in_one_write_is_431(port: int, size: int) -> None:
    # Issue 18 F2: h11 caps only a head still incomplete; one whole in one write was served.
    head = _head(size)
    assert len(head) == size
    _assert_431(raw_request(port, head))


def test_a_head_over_the_cap_in_pieces_is_431(port: int) -> None:
    head = _head(70_000)
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with suppress(OSError):  # refused and closed part-way through
            for at in range(0, len(head), 1000):
                conn.sendall(head[at : at + 1000])
                time.sleep(0.002)
        received, _ = _read_until_closed(conn, 10)
    status, problem = _problem(received)
    assert status == 431 and problem["status"] == 431


def test_a_head_at_the_cap_is_served(port: int) -> None:
    assert raw_request(port, _head(CAP)).status == 200


def test_the_cap_holds_for_a_pipelined_second_head(port: int) -> None:
    # Two requests in one write: the first is served, the oversized second is refused.
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(_head(200) + _head(CAP + 1))
        received, _ = _read_until_closed(conn, 10)
    first, _, rest = received.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200"), received[:200]
    assert b"HTTP/1.1 431 " in rest, received[:400]


def test_a_slow_head_is_cut_off_with_408(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        received, seconds = _read_until_closed(conn, TIMEOUT + 5)
    assert seconds < TIMEOUT + 1.5, seconds
    status, problem = _problem(received)
    assert status == 408 and problem["status"] == 408


def test_a_slow_body_is_cut_off_with_408(port: int, db: Engine) -> None:
    tenant = make_tenant(db, "Slow Body Ltd")
    head = (
        "POST /v1/people HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {tenant.admin_key}\r\nContent-Length: 100\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(head + b'{"external_id"')
        received, seconds = _read_until_closed(conn, TIMEOUT + 5)
    assert seconds < TIMEOUT + 1.5, seconds
    status, problem = _problem(received)
    assert status == 408 and problem["type"].endswith("/request-timeout")  # type: ignore[union-attr]


def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        received, seconds = _read_until_closed(conn, 10)
    assert received.startswith(b"HTTP/1.1 200")
    assert seconds < 3, seconds  # the keep-alive timeout is 1 s


def test_malformed_http_is_a_problem(port: int) -> None:
    for garbage in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"):
        response = raw_request(port, garbage)
        assert response.status == 400, garbage
        assert response.header("content-type") == PROBLEM
        assert json.loads(response.body)["status"] == 400
