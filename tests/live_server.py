"""The service as deployed: uvicorn in a subprocess, on 127.0.0.1 only (tests' shared helper)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    database_url: str,
    log: Path,
    serve: bool = False,
    pids: list[int] | None = None,
    **settings: str,
) -> Iterator[str]:
    """Serve `database_url` on a free local port with `CALLING_<NAME>` settings; yield the
    base URL once `/readyz` answers 200. `serve=True` runs `calling serve` (as the image
    does: uvicorn with the transport limits of `service.api.transport`) instead of bare uvicorn."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env |= {"CALLING_DATABASE_URL": database_url, "CALLING_LOG_LEVEL": "WARNING"}
    env |= {f"CALLING_{name.upper()}": value for name, value in settings.items()}
    command = [
        sys.executable, "-m", "uvicorn", "service.api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    if serve:
        command = [
            sys.executable, "-c", "from service.cli import main; main()", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--no-migrate", "--no-demo",
        ]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
    if pids is not None:  # the caller watches the process (its memory, say)
        pids.append(server.pid)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not become ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
