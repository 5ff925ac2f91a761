"""The README's two commands are the ones that work: CI runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

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
