"""Every `sh` block of a page of `docs/` that calls the API (`curl`) runs, in order, as one
`bash -euo pipefail` script against a live service: the examples cannot rot."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.live_server import REPO, live_server

DOCS = REPO / "docs"
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)


def pages_with_calls() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if "curl " in "".join(_BLOCK.findall(p.read_text())))


def test_the_integrators_guide_has_curl_examples() -> None:
    assert DOCS / "integrators-guide.md" in pages_with_calls()


@pytest.mark.parametrize("page", pages_with_calls(), ids=lambda p: p.name)
def test_every_example_of_the_page_runs_against_the_live_service(
    page: Path,
    database_url: str,
    db: Engine,
    platform_key: str,
    tmp_path: Path,
    clock_offset_days: int,
) -> None:
    """On any date: with the service's clock (API and `calling` commands) a year ahead too."""
    blocks = _BLOCK.findall(page.read_text())
    script = "set -euo pipefail\n" + "\n".join(blocks)
    offset = str(clock_offset_days)
    with live_server(database_url, tmp_path / "server.log", clock_offset_days=offset) as base:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLING_")}
        env |= {
            "BASE": base,
            "PLATFORM_KEY": platform_key,
            "CALLING_DATABASE_URL": database_url,  # for the `calling` commands of the page
            "CALLING_CLOCK_OFFSET_DAYS": offset,
        }
        # As in the checkout the README installs into: `.venv/bin/calling`, not on PATH.
        (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
        result = subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    if page.name == "integrators-guide.md":
        lines = result.stdout.splitlines()
        assert lines[-1] == "401", result.stdout  # the deactivated organization's key
        # Before the sandbox's clock is advanced: the open period's count, no figure.
        assert '"answers_so_far": 5' in result.stdout, result.stdout
        assert '"score": null' in result.stdout, result.stdout
        # After: the closed period's figures, from the five answers of the guide.
        (closed,) = [json.loads(x) for x in lines if x.startswith('[{"start"')]
        score = next(json.loads(x) for x in lines if x.startswith('{"period":{"start"'))
        assert score["period"] == closed[0] and score["n"] == 5, score
        assert score["score"] is not None and score["stage"] != "insufficient_data", score
        belief = next(json.loads(x) for x in lines if x.startswith('{"belief_id"'))
        assert (belief["self_rating"], belief["others"]) == (4, 3.0), belief
        theme = next(json.loads(x) for x in lines if x.startswith('{"kind"'))
        assert theme["relationship"] == "direct_report" and theme["respondents"] == 5, theme
        csv_rows = (tmp_path / "trust-scores.csv").read_text().splitlines()
        assert csv_rows[0].startswith("leader_id,") and len(csv_rows) == 2, csv_rows
