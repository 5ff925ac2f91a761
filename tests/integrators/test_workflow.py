"""The Arazzo workflow beside the spec (`openapi/workflow.arazzo.yaml`) runs green: Redocly's
`respect` executes every step against `calling serve` — a sandbox onboarded, people, a belief
and a reflection, a campaign answered by token, the test clock advanced past the period's
end, the closed period's score, alignment, themes and journey, and a webhook received — and
checks every response against the committed spec. On SQLite and PostgreSQL, today and a
year ahead. It needs the spec tooling (`npm ci`, which `.ci/run` does first); only without
it, and never under `CI=true`, is it skipped."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from service.db import utcnow
from tests.live_server import REPO, live_server
from tests.webhooks.receiver import receiver

WORKFLOW = REPO / "openapi" / "workflow.arazzo.yaml"
REDOCLY = REPO / "node_modules" / ".bin" / "redocly"


def _redocly() -> Path:
    if not REDOCLY.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node_modules/.bin/redocly is missing: run `npm ci` first")
        pytest.skip("the spec tooling is not installed (`npm ci`)")
    return REDOCLY


def test_the_workflow_document_runs_green(
    database_url: str,
    db: Engine,
    platform_key: str,
    tmp_path: Path,
    clock_offset_days: int,
) -> None:
    redocly = _redocly()
    today = utcnow().date()  # the service's clock (a year ahead, too)
    with (
        receiver() as hook,
        live_server(
            database_url,
            tmp_path / "server.log",
            serve=True,
            clock_offset_days=str(clock_offset_days),
        ) as base,
    ):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
        env |= {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
        result = subprocess.run(
            [
                str(redocly), "respect", str(WORKFLOW),
                "--server", f"calling={base}",
                "--input", f"platform_key={platform_key}",
                "--input", f"receiver_url={hook.url}",
                "--input", f"period_start={(today - timedelta(days=90)).isoformat()}",
                "--input", f"period_end={today.isoformat()}",
                "--max-fetch-timeout", "30000",
            ],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        received = list(hook.requests)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    steps = WORKFLOW.read_text().count("- stepId: ")
    assert "Workflows: 1 passed, 1 total" in output, output
    assert f"Steps: {steps} passed, {steps} total" in output, output
    # The last step's webhook reached the receiver, signed.
    assert [r.headers.get("webhook-id", "")[:4] for r in received] == ["evt_"], output
