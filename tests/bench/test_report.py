"""The result table of bench/run.py (bench/report.py): ratios, goals met, rendering."""

from __future__ import annotations

from typing import Any

from bench.report import RAW, C, goals, render, render_size, summary


def _size() -> dict[str, Any]:
    return {
        "feedback": 1000,
        "label": "1k",
        "load": "1.0 s",
        "rows": [
            {"endpoint": C, "kind": "baseline", "rps": 1000.0, "p50_ms": 0.5, "sql": 2.0},
            {"endpoint": RAW, "kind": "baseline", "rps": 4000.0},
            {
                "endpoint": "GET /v1/people/{id}",
                "kind": "read",
                "rps": 600.0,
                "rps_2w": 1200.0,
                "p50_ms": 1.5,
                "p99_ms": 9.0,
                "p99_at_30_ms": 25.0,
                "paced_rps": 180.0,
                "cpu_ms": 1.25,
                "sql": 8.0,
            },
            {
                "endpoint": "GET /v1/leaders/{id}/trust-score",
                "kind": "read",
                "rps": 300.0,
                "rps_2w": 330.0,
                "p50_ms": 2.5,
                "p99_at_30_ms": 12.0,
            },
            {"endpoint": "POST /v1/feedback", "kind": "write", "rps": 260.0, "p50_ms": 4.0},
            {"endpoint": "POST /v1/people/bulk (1,000 people)", "kind": "bulk",
             "seconds_per_call": 1.2},
            {"endpoint": "seed 100 k answers (bulk path)", "kind": "seed",
             "note": "n/a (no bulk feedback path)"},
            {"endpoint": "seed 100 k answers (bulk path)", "kind": "seed",
             "seconds_for_100k": 42.0},
        ],
    }  # fmt: skip


def _goals(name: str) -> dict[str, tuple[float, bool]]:
    row = next(r for r in _size()["rows"] if r["endpoint"] == name)
    return {g.name: (round(g.value, 3), g.met) for g in goals(row, 1000.0)}


def test_read_goals_against_c_and_the_absolute_bounds() -> None:
    assert _goals("GET /v1/people/{id}") == {
        "÷c ≥ 0.5": (0.6, True),
        "p50 ≤ 2 ms": (1.5, True),
        "p99@30% ≤ 20 ms": (25.0, False),
        "2w÷1w ≥ 1.5": (2.0, True),
    }
    assert _goals("GET /v1/leaders/{id}/trust-score") == {
        "÷c ≥ 0.4": (0.3, False),
        "p50 ≤ 2 ms": (2.5, False),
        "p99@30% ≤ 20 ms": (12.0, True),
        "2w÷1w ≥ 1.5": (1.1, False),
    }


def test_write_bulk_and_seed_goals() -> None:
    assert _goals("POST /v1/feedback") == {"÷c ≥ 0.25": (0.26, True), "p50 ≤ 5 ms": (4.0, True)}
    assert _goals("POST /v1/people/bulk (1,000 people)") == {"≤ 1 s per call": (1.2, False)}
    assert _goals("seed 100 k answers (bulk path)") == {}  # the n/a row (the first of that name)
    seeded = _size()["rows"][-1]
    assert [(g.name, g.met) for g in goals(seeded, None)] == [("100 k ≤ 60 s", True)]


def test_baselines_have_no_goals_and_no_c_means_no_ratio_goal() -> None:
    assert goals(_size()["rows"][0], 1000.0) == []
    people = _size()["rows"][2]
    assert "÷c ≥ 0.5" not in {g.name for g in goals(people, None)}


def test_the_table_shows_ratios_figures_and_verdicts() -> None:
    table = render_size(_size())
    lines = table.splitlines()
    assert lines[0].startswith("| endpoint | req/s | ÷ c | ÷ raw |")
    people = next(line for line in lines if line.startswith("| GET /v1/people/{id} "))
    cells = [c.strip() for c in people.strip("|").split("|")]
    assert cells[1:10] == [
        "600", "0.60", "0.15", "1.50", "9.00", "25.00 (at 180/s)", "1.25", "8.0", "2.00",
    ]  # fmt: skip
    assert "÷c ≥ 0.5: 0.60 yes" in cells[10] and "p99@30% ≤ 20 ms: 25.0 no" in cells[10]
    assert "| POST /v1/people/bulk (1,000 people) | 1.200 s/call |" in table
    assert "| seed 100 k answers (bulk path) | n/a (no bulk feedback path) |" in table
    assert "| seed 100 k answers (bulk path) | 42.0 s/100 k |" in table
    assert all(line.count("|") == lines[0].count("|") for line in lines)


def test_the_report_and_its_summary() -> None:
    result = {
        "started": "2026-01-01T00:00:00+00:00",
        "command": "python bench/run.py --smoke",
        "machine": "test box",
        "smoke": True,
        "wrk": "wrk 4.1.0",
        "method": "m",
        "sizes": [_size() | {"failures": ["GET /x on calling: 3 error(s)"]}],
    }
    text = render(result)
    assert "## 1,000 feedback rows" in text and "Loaded in 1.0 s." in text
    assert "Mode: smoke" in text and "`python bench/run.py --smoke`" in text
    assert "## Errors\n\n- GET /x on calling: 3 error(s)" in text
    # people 3 of 4, trust-score 1 of 4, feedback 2 of 2, bulk 0 of 1, seed 1 of 1
    assert summary(result) == (7, 12)
