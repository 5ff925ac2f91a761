"""The README's two commands are the ones that work (CI runs the test command verbatim), and
its integrator's walkthrough runs as written, on any date."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.conftest import make_tenant
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parent.parent


def _command_under(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {heading}", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.DOTALL)
    assert match, f"no command block under {heading!r}"
    return match.group(1).strip()


def test_exactly_two_setup_commands_each_making_its_own_virtualenv() -> None:
    serve = _command_under("Start it (Python 3.11+)")
    test = _command_under("Run the tests")
    for command in (serve, test):
        assert "\n" not in command
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert serve.endswith("calling serve")
    assert test.endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _command_under("Run the tests") in ci


WALKTHROUGH = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _walkthrough() -> str:
    """The `sh` blocks of the integrator's walkthrough, in order, as one script."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Integrator's walkthrough", 1)[1].split("\n## ", 1)[0]
    return "\n".join(WALKTHROUGH.findall(section))


def test_the_walkthrough_sets_base_and_key_where_a_reader_changes_them() -> None:
    script = _walkthrough()
    assert re.search(r"^BASE=http://127\.0\.0\.1:8000$", script, re.MULTILINE)
    assert re.search(r'^AUTH="Authorization: Bearer csk_…" ', script, re.MULTILINE)
    assert re.search(r"^HOOK_URL=https://hooks\.example\.com/calling ", script, re.MULTILINE)


def test_the_walkthrough_runs_as_written(
    clock_offset_days: int, database_url: str, db: Engine, tmp_path: Path
) -> None:
    """Every call of the walkthrough succeeds (curl --fail-with-body under `set -e`) against
    `calling serve`, on any date: with the service's clock a year ahead as well. The three
    lines a reader changes are changed: the base URL, the key and the webhook receiver (here
    on loopback, which only the test setting allows; nothing needs to listen)."""
    tenant = make_tenant(db, "Walkthrough AB")
    with live_server(
        database_url,
        tmp_path / "server.log",
        serve=True,
        clock_offset_days=str(clock_offset_days),
        webhooks_allow_loopback="true",
    ) as base:
        script = _walkthrough()
        script = re.sub(r"^BASE=.*$", f"BASE={base}", script, count=1, flags=re.MULTILINE)
        script = re.sub(
            r"^AUTH=.*$",
            f'AUTH="Authorization: Bearer {tenant.admin_key}"',
            script,
            count=1,
            flags=re.MULTILINE,
        )
        hook = "HOOK_URL=http://127.0.0.1:9/calling"
        script = re.sub(r"^HOOK_URL=.*$", hook, script, count=1, flags=re.MULTILINE)
        prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; }\n'
        result = subprocess.run(
            ["bash", "-c", prelude + script], cwd=tmp_path, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    # The three answers are in the open period, and it is the service's: a year on if so set.
    period = re.search(
        r'"open_period":\{"start":"([^"]+)","end":"([^"]+)","answers":3\}', result.stdout
    )
    assert period, result.stdout[-3000:]
    # Step 10b tried the receiver (nothing listens on port 9: the answer says so).
    assert '"event_type":"webhook.test","succeeded":false' in result.stdout, result.stdout[-3000:]
    service_now = dt.datetime.now(dt.UTC) + dt.timedelta(days=clock_offset_days)
    start, end = (dt.datetime.fromisoformat(period.group(i)) for i in (1, 2))
    assert start <= service_now < end, (start, end)
