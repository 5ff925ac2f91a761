"""The result table of bench/run.py: each figure against the goals of issue #14 (pure code).

A result is a plain dict (it is written as JSON as is): per data size, a list of rows, one per
endpoint or baseline, with the figures measured (missing ones are None). `render` makes the
markdown table; `goals` says which goal applies to a row and whether it is met.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

C = "c (asyncpg, one row by PK)"
RAW = "raw ASGI (fixed JSON)"

# Issue #14, "Goals (PostgreSQL, ratios within one run)".
RATIO_TO_C = {
    "GET /v1/beliefs/{id}": 0.5,
    "GET /v1/people/{id}": 0.5,
    "GET /v1/leaders/{id}/trust-score": 0.4,
    "POST /v1/feedback": 0.25,
}
P50_READ_MS = 2.0
P50_WRITE_MS = 5.0
P99_AT_30_MS = 20.0
WORKERS_RATIO = 1.5
BULK_PEOPLE_S = 1.0
SEED_100K_S = 60.0


@dataclass(frozen=True)
class Goal:
    name: str  # e.g. "req/s ≥ 0.5 × c"
    value: float
    met: bool

    def __str__(self) -> str:
        return f"{self.name}: {_num(self.value)} {'yes' if self.met else 'no'}"


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base


def goals(row: dict[str, Any], c_rps: float | None) -> list[Goal]:
    """The goals of issue #14 that apply to this row (Calling on PostgreSQL only)."""
    kind, name = row.get("kind"), row["endpoint"]
    found: list[Goal] = []
    if kind in ("read", "write"):
        target = RATIO_TO_C.get(name)
        to_c = ratio(row.get("rps"), c_rps)
        if target is not None and to_c is not None:
            found.append(Goal(f"÷c ≥ {target:g}", to_c, to_c >= target))
        bound = P50_READ_MS if kind == "read" else P50_WRITE_MS
        if row.get("p50_ms") is not None:
            found.append(Goal(f"p50 ≤ {bound:g} ms", row["p50_ms"], row["p50_ms"] <= bound))
    if kind == "read":
        if row.get("p99_at_30_ms") is not None:
            p99 = row["p99_at_30_ms"]
            found.append(Goal(f"p99@30% ≤ {P99_AT_30_MS:g} ms", p99, p99 <= P99_AT_30_MS))
        scaling = ratio(row.get("rps_2w"), row.get("rps"))
        if scaling is not None:
            found.append(Goal(f"2w÷1w ≥ {WORKERS_RATIO:g}", scaling, scaling >= WORKERS_RATIO))
    if kind == "bulk" and row.get("seconds_per_call") is not None:
        seconds = row["seconds_per_call"]
        found.append(Goal(f"≤ {BULK_PEOPLE_S:g} s per call", seconds, seconds <= BULK_PEOPLE_S))
    if kind == "seed" and row.get("seconds_for_100k") is not None:
        seconds = row["seconds_for_100k"]
        found.append(Goal(f"100 k ≤ {SEED_100K_S:g} s", seconds, seconds <= SEED_100K_S))
    return found


def _cell(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _rps(row: dict[str, Any]) -> str:
    if row.get("seconds_per_call") is not None:
        return f"{row['seconds_per_call']:.3f} s/call"
    if row.get("seconds_for_100k") is not None:
        return f"{row['seconds_for_100k']:.1f} s/100 k"
    return _cell(row.get("rps"), 0)


HEADER = (
    "| endpoint | req/s | ÷ c | ÷ raw | p50 ms | p99 ms | p99@30% ms | CPU ms/req | SQL/req "
    "| 2w ÷ 1w | goals (issue #14): met? |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
)


def render_size(size: dict[str, Any]) -> str:
    """One markdown table for one data size."""
    rows = size["rows"]
    by_name = {r["endpoint"]: r for r in rows}
    c_rps = by_name.get(C, {}).get("rps")
    raw_rps = by_name.get(RAW, {}).get("rps")
    lines = []
    for row in rows:
        met = goals(row, c_rps)
        note = row.get("note")
        p99_30 = _cell(row.get("p99_at_30_ms"))
        if row.get("paced_rps") is not None and row.get("p99_at_30_ms") is not None:
            p99_30 += f" (at {row['paced_rps']:.0f}/s)"
        lines.append(
            "| "
            + " | ".join(
                [
                    row["endpoint"],
                    note if note and row.get("rps") is None else _rps(row),
                    _cell(ratio(row.get("rps"), c_rps)),
                    _cell(ratio(row.get("rps"), raw_rps)),
                    _cell(row.get("p50_ms")),
                    _cell(row.get("p99_ms")),
                    p99_30,
                    _cell(row.get("cpu_ms")),
                    _cell(row.get("sql"), 1),
                    _cell(ratio(row.get("rps_2w"), row.get("rps"))),
                    "; ".join(str(g) for g in met) or "",
                ]
            )
            + " |"
        )
    return HEADER + "\n".join(lines) + "\n"


def render(result: dict[str, Any]) -> str:
    """The whole report as markdown: how it was run, then a table per data size."""
    parts = [
        f"# Benchmark: {result['started']}\n",
        f"Command: `{result['command']}`  \n"
        f"Machine: {result['machine']}  \n"
        f"Mode: {'smoke' if result['smoke'] else 'full'}; wrk {result['wrk']}; "
        f"{result['method']}\n",
    ]
    for size in result["sizes"]:
        title = f"{size['feedback']:,} feedback rows" if size["feedback"] else size["label"]
        parts.append(f"\n## {title}\n")
        if size.get("load"):
            parts.append(f"Loaded in {size['load']}.\n\n")
        parts.append(render_size(size))
    failures = [f for s in result["sizes"] for f in s.get("failures", [])]
    if failures:
        parts.append("\n## Errors\n\n" + "\n".join(f"- {f}" for f in failures) + "\n")
    return "".join(parts)


def summary(result: dict[str, Any]) -> tuple[int, int]:
    """(goals met, goals checked) over every size."""
    met = checked = 0
    for size in result["sizes"]:
        by_name = {r["endpoint"]: r for r in size["rows"]}
        c_rps = by_name.get(C, {}).get("rps")
        for row in size["rows"]:
            for goal in goals(row, c_rps):
                checked += 1
                met += goal.met
    return met, checked
