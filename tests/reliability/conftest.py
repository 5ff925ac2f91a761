"""Figures of the reliability tests (requests sent, 5xx seen, writes checked, recovery time):
each test records one line per scenario; they are printed in a section of the terminal
summary, so they show in CI output without `-s` (and even when a test fails)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

FIGURES: list[str] = []


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    def record(line: str) -> None:
        FIGURES.append(f"{request.node.name}: {line}")

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
