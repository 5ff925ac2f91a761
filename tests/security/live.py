"""The service as deployed (uvicorn in a subprocess, on 127.0.0.1 only) and a raw HTTP/1.1
client for requests a well-behaved client library refuses to send."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.ops.repo_files import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(database_url: str, log: Path, **settings: str) -> Iterator[int]:
    """Serve `database_url` like the Dockerfile does; yield the port once `/readyz` is 200."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env |= {"CALLING_DATABASE_URL": database_url, "CALLING_LOG_LEVEL": "WARNING"}
    env |= {f"CALLING_{name.upper()}": value for name, value in settings.items()}
    command = [
        sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not become ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class RawResponse:
    status: int | None  # None: the server closed the connection without an answer
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


def raw_request(port: int, data: bytes, timeout: float = 15) -> RawResponse:
    """Send `data` as is; read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        with suppress(OSError):  # the server may answer (413) and close before reading it all
            conn.sendall(data)
        received = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
            head, sep, rest = received.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")[1:]
                    if line.lower().startswith(b"content-length:")
                ),
                None,
            )
            if sep and length is not None and len(rest) >= length:
                break
    if not received:
        return RawResponse(None, [], b"")
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = [
        (k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])
    ]
    if ("transfer-encoding", "chunked") in headers:
        body = _dechunk(body)
    return RawResponse(status, headers, body)
