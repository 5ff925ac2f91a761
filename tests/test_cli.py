"""The `calling` command, as a new user runs it."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live_server import free_port

CALLING = str(Path(sys.executable).with_name("calling"))


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
    env["CALLING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'calling.db'}"
    return env


def test_serve_answers_within_10_seconds_and_prints_a_working_demo_key(tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "out.txt"
    started = time.monotonic()
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [CALLING, "serve", "--port", str(port)],
            cwd=tmp_path,
            env=_env(tmp_path),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        ready = None
        while time.monotonic() - started < 10:
            try:
                if httpx.get(f"{base}/livez", timeout=1).status_code == 200:
                    ready = time.monotonic() - started
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert ready is not None, out.read_text()
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
        assert time.monotonic() - started < 10
        key = re.search(r"csk_\w+", out.read_text())
        assert key, out.read_text()
        beliefs = httpx.get(
            f"{base}/v1/beliefs", headers={"Authorization": f"Bearer {key.group(0)}"}, timeout=5
        )
        assert beliefs.status_code == 200
        statements = [b["statement"] for b in beliefs.json()["data"]]
        assert len(statements) == 4 and "Trust is given first, not earned first." in statements
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_no_demo_and_admin_commands(tmp_path: Path) -> None:
    env = _env(tmp_path)

    def run(*args: str) -> str:
        done = subprocess.run(
            [CALLING, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    run("migrate")
    created = run("orgs", "create", "Acme AB")
    org = re.search(r"org_\w+", created).group(0)  # type: ignore[union-attr]
    assert re.search(r"csk_\w+", created)
    key_line = run("keys", "create", "--org", org, "--name", "sync", "--scope", "read")
    key_id = re.search(r"key_\w+", key_line).group(0)  # type: ignore[union-attr]
    listed = run("keys", "list", "--org", org)
    assert key_id in listed and "active" in listed
    run("keys", "revoke", key_id, "--org", org)
    assert "revoked" in run("keys", "list", "--org", org)
    spec = tmp_path / "spec.json"
    run("openapi", "--output", str(spec))
    assert json.loads(spec.read_text())["openapi"].startswith("3.")


def test_names_the_api_would_refuse_are_refused_by_the_cli() -> None:
    """The API returns organization and key names as `Name`s (1–200 characters, one line),
    so the CLI stores no other."""
    from typer.testing import CliRunner

    from service.cli import app

    runner = CliRunner()
    for name in ("", "two\nlines", "x" * 201):
        result = runner.invoke(app, ["orgs", "create", name])
        assert result.exit_code == 2, result.output
        result = runner.invoke(
            app, ["keys", "create", "--org", "org_x", "--name", name, "--scope", "read"]
        )
        assert result.exit_code == 2, result.output


def test_a_configuration_error_is_one_line_naming_the_setting_never_the_value(
    tmp_path: Path,
) -> None:
    secret = secrets.token_hex(12)  # too short for production; must not be printed
    env = {**_env(tmp_path), "CALLING_ENVIRONMENT": "production", "CALLING_SECRET_KEY": secret}
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "CALLING_SECRET_KEY" in lines[0] and "32 characters" in lines[0]
    assert "Traceback" not in output
    assert not any(secret[i : i + 6] in output for i in range(len(secret) - 5)), output
    bad = {**_env(tmp_path), "CALLING_MAX_BODY_BYTES": "12"}
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "migrate"],
        env=bad,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert (result.stdout + result.stderr).strip().splitlines() == [
        "configuration error: CALLING_MAX_BODY_BYTES: Input should be greater than or equal to 1024"
    ]


def test_a_platform_key_from_the_cli_onboards_a_customer_over_http(tmp_path: Path) -> None:
    from tests.live_server import live_server

    env = _env(tmp_path)
    subprocess.run([CALLING, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True)
    printed = subprocess.run(
        [CALLING, "platform-keys", "create", "--name", "Onboarding"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    key = re.search(r"csk_\w+", printed)
    assert key, printed
    with live_server(env["CALLING_DATABASE_URL"], tmp_path / "server.log") as base:
        platform = {"Authorization": f"Bearer {key.group(0)}"}
        created = httpx.post(
            f"{base}/v1/platform/organizations", json={"name": "Acme AB"}, headers=platform
        )
        assert created.status_code == 201, created.text
        admin = {"Authorization": f"Bearer {created.json()['admin_key']['key']}"}
        org = httpx.get(f"{base}/v1/organization", headers=admin)
        assert org.status_code == 200 and org.json()["name"] == "Acme AB"
        assert httpx.get(f"{base}/v1/people", headers=platform).status_code == 403


def test_serve_delivers_webhooks_in_process(tmp_path: Path) -> None:
    """On the embedded default, `calling serve` alone also runs the webhook worker."""
    from tests.webhooks.receiver import receiver

    port = free_port()
    env = {**_env(tmp_path), "CALLING_WEBHOOKS_ALLOW_LOOPBACK": "true"}
    out = tmp_path / "out.txt"
    with out.open("w") as sink, receiver() as rx:
        proc = subprocess.Popen(
            [CALLING, "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/livez", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            key = re.search(r"csk_\w+", out.read_text())
            assert key, out.read_text()
            auth = {"Authorization": f"Bearer {key.group(0)}"}
            r = httpx.post(
                f"{base}/v1/webhook-endpoints", json={"url": rx.url}, headers=auth, timeout=5
            )
            assert r.status_code == 201, r.text
            r = httpx.post(
                f"{base}/v1/people",
                json={"external_id": "W-1", "display_name": "Wendy"},
                headers=auth,
                timeout=5,
            )
            assert r.status_code == 201, r.text
            while time.monotonic() < deadline and not rx.ok():
                time.sleep(0.1)
            assert [json.loads(x.body)["type"] for x in rx.ok()] == ["person.created"]
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_worker_once(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([CALLING, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True)
    done = subprocess.run(
        [CALLING, "worker", "--once"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "0 delivery attempt(s) made." in done.stdout


def _children(pid: int) -> list[str]:
    """Command lines of the live child processes of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(cmdline)
    return found


def test_serve_with_workers_runs_that_many_processes_with_the_transport_limits(
    tmp_path: Path,
) -> None:
    """`--workers 2`: two uvicorn worker processes answer, each with Calling's HTTP protocol
    (its configured head timeout), and SIGTERM stops them all, exit status 0."""
    import socket

    port = free_port()
    env = {**_env(tmp_path), "CALLING_HEADER_TIMEOUT_SECONDS": "1"}
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [CALLING, "serve", "--port", str(port), "--workers", "2", "--close-every", "0"],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        workers: list[str] = []
        while time.monotonic() < deadline:
            workers = [c for c in _children(proc.pid) if "spawn_main" in c]
            try:
                if len(workers) == 2 and httpx.get(f"{base}/livez", timeout=1).is_success:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert len(workers) == 2, (workers, out.read_text())
        key = re.search(r"csk_\w+", out.read_text())
        assert key, out.read_text()
        auth = {"Authorization": f"Bearer {key.group(0)}"}
        for _ in range(20):  # new connections, spread over the workers by the kernel
            assert httpx.get(f"{base}/v1/beliefs", headers=auth, timeout=5).status_code == 200
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                started = time.monotonic()
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
                assert answer.startswith(b"HTTP/1.1 408 "), answer
                assert b"application/problem+json" in answer
                assert time.monotonic() - started < 5
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
    assert code == 0, out.read_text()
    assert not [c for c in _children(proc.pid) if "spawn_main" in c]
