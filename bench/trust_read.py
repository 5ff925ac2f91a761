"""Benchmark: trust-score read latency at 1 k, 100 k and 1 M feedback rows (PostgreSQL).

    python bench/trust_read.py [--sizes 1000 100000 1000000] [--reads 300]

For each size: a fresh migrated database, one organization with 200 leaders, feedback rows
loaded with COPY (10 % of them about the measured leader, from a pool of 60 respondents who
answer again and again, so most rows are superseded; the rest spread over the other
leaders) over the last 300 days, the ended reporting periods closed
(`service.closing.close_due_periods`, as `calling close-periods` does), then
GET /v1/leaders/{id}/trust-score (the latest closed period, and the open period's count)
measured over HTTP in-process. Prints the median and p95
per size and checks that the 1 M median is within 1.5× of the 1 k median (exit 1 if not).
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.api.app import create_app
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.closing import close_due_periods
from service.db import make_engine, make_sessionmaker
from service.feedback.open_counts import recount_open
from service.ids import new_id
from service.migrate import upgrade
from service.organizations.service import create_organization, get_organization
from service.people.models import Person
from service.periods.calendar import EPOCH, Version, period_of
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, pg_available

LEADERS = 200
POOL = 60
RELATIONSHIPS = ["direct_report", "peer", "manager", "internal_customer", "supplier"]
COLUMNS = (
    "org_id",
    "id",
    "leader_id",
    "relationship",
    "trust",
    "greater_good",
    "want_to_follow",
    "leaned_on",
    "anonymous",
    "respondent_key",
    "submitted_at",
    "attributed",
    "period_start",
)
QUARTERS = [Version(EPOCH, {"period_months": 3})]


def load(url: str, rows: int, now: datetime) -> tuple[str, str]:
    """Return (API key, measured leader id)."""
    rng = random.Random(rows)
    # Loading a million rows takes longer than the service's statement timeout.
    settings = Settings(database_url=url, db_statement_timeout_ms=3_600_000)
    upgrade(settings)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        org = create_organization(session, "bench")
        _, token = create_api_key(session, org.org_id, "bench", [Scope.read])
        org_id = org.org_id
        leaders = [new_id("per") for _ in range(LEADERS)]
        session.add_all(
            Person(org_id=org_id, id=pid, external_id=f"L{i}", display_name=f"L{i}")
            for i, pid in enumerate(leaders)
        )
    measured = leaders[0]
    buffer = io.StringIO()
    for i in range(rows):
        if i % 10 == 0:
            leader, respondent = measured, f"rk_m{rng.randrange(POOL)}"
        else:
            leader = leaders[1 + rng.randrange(LEADERS - 1)]
            respondent = f"rk_{rng.randrange(rows // 20 + 1)}"
        submitted = now - timedelta(seconds=rng.randrange(300 * 86400))
        answers = [str(rng.randint(2, 5)) for _ in range(4)]
        buffer.write(
            "\t".join(
                [
                    org_id,
                    new_id("fbk"),
                    leader,
                    rng.choice(RELATIONSHIPS),
                    *answers,
                    "t",
                    respondent,
                    submitted.isoformat(),
                    "f",
                    period_of(QUARTERS, submitted).start.isoformat(),
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        copy_sql = f"COPY feedback ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[attr-defined]
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        raw.commit()
    finally:
        raw.close()
    with factory() as session, session.begin():
        close_due_periods(session, get_organization(session, org_id), now)
        recount_open(session, org_id)  # COPY bypassed the write path's open counts
    engine.dispose()
    return token, measured


def measure(url: str, token: str, leader: str, reads: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    unlimited = Settings(database_url=url, rate_limit_per_minute=0)  # measure reads, not 429s
    with TestClient(create_app(unlimited)) as client:
        for i in range(reads + 20):
            started = time.perf_counter()
            response = client.get(f"/v1/leaders/{leader}/trust-score", headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text
            if i >= 20:  # warm-up
                timings.append(elapsed)
    return timings


def main() -> int:
    logging.disable(logging.INFO)  # the access log would drown the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    reason = pg_available()
    if reason is not None:
        print(f"PostgreSQL not reachable ({reason})")
        return 1
    now = datetime.now(UTC)
    medians: dict[int, float] = {}
    for size in args.sizes:
        name = f"calling_bench_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(name)
        try:
            started = time.perf_counter()
            token, leader = load(url, size, now)
            loaded = time.perf_counter() - started
            timings = measure(url, token, leader, args.reads)
        finally:
            drop_pg_database(name)
        medians[size] = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{size:>9,} feedback rows: trust-score read median {medians[size] * 1000:6.2f} ms,"
            f" p95 {p95 * 1000:6.2f} ms over {args.reads} reads (load + close {loaded:.1f} s)",
            flush=True,
        )
    smallest, largest = min(medians), max(medians)
    ratio = medians[largest] / medians[smallest]
    verdict = "ok" if ratio <= 1.5 else "OVER the 1.5x bound"
    print(f"median at {largest:,} / median at {smallest:,} = {ratio:.2f} (bound 1.5) {verdict}")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
