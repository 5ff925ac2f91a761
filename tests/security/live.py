"""The service as deployed (uvicorn in a subprocess, on 127.0.0.1 only) and a raw HTTP/1.1
client for requests a well-behaved client library refuses to send."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import live_server


@contextmanager
def uvicorn_server(database_url: str, log: Path, **settings: str) -> Iterator[int]:
    """Serve `database_url` like the Dockerfile does; yield the port once `/readyz` is 200."""
    with live_server(database_url, log, **settings) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


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
