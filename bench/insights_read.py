"""Benchmark: alignment and themes read latency at 1 k and 100 k feedback rows (PostgreSQL).

    python bench/insights_read.py [--sizes 1000 100000] [--reads 200]

For each size: a fresh migrated database, one organization with 200 leaders; the measured
leader has five active beliefs and a submitted reflection. Feedback rows are loaded with COPY
into the reporting period before the current one (10 % of them about the measured leader,
from a pool of 60 respondents who answer again and again, each rating the five beliefs; the
rest spread over the other leaders), every answer with `needs` and `dreams` drawn from the
test corpus (English, Swedish, emoji). The period is then closed (`close_due_periods`: the
trust, belief and theme cells are computed once) and the database vacuumed and analyzed,
and GET /v1/leaders/{id}/alignment and GET /v1/leaders/{id}/themes are measured over HTTP
in-process, interleaved. Prints the median and p95 per
size and route and checks that the largest size's medians are within 1.5× of the smallest's
(exit 1 if not).
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.api.app import create_app
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs.schemas import BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.closing import close_due_periods
from service.db import make_engine, make_sessionmaker
from service.ids import new_id
from service.migrate import upgrade
from service.organizations.service import create_organization, get_organization, schedule_of
from service.people.models import Person
from service.periods.calendar import period_of
from service.reflections.schemas import EntryIn, ReflectionCreate, ReflectionScope
from service.reflections.service import create_reflection, submit_reflection
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, pg_available
from tests.insights.corpus import CORPUS

LEADERS = 200
POOL = 60
BELIEFS = 5
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
    "needs",
    "dreams",
    "anonymous",
    "attributed",
    "respondent_key",
    "submitted_at",
    "period_start",
)
ROUTES = ("alignment", "themes")


def _copy(engine: object, table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    buffer.seek(0)
    raw = engine.raw_connection()  # type: ignore[attr-defined]
    try:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        raw.commit()
    finally:
        raw.close()


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") or "\\N"


def load(url: str, rows: int, now: datetime) -> tuple[str, str, float]:
    """Return (API key, measured leader id, seconds spent closing the period)."""
    rng = random.Random(rows)
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
        session.flush()
        measured = session.get(Person, (org_id, leaders[0]))
        assert measured is not None
        beliefs = [
            create_belief(
                session,
                measured,
                BeliefCreate(statement=f"Belief {i}.", status=BeliefStatus.active),
            ).id
            for i in range(BELIEFS)
        ]
        today = date.today()
        reflection = create_reflection(
            session,
            measured,
            ReflectionCreate(
                period_start=today,
                period_end=today,
                scope=ReflectionScope.self,
                entries=[EntryIn(belief_id=b, alignment=1 + i % 5) for i, b in enumerate(beliefs)],
            ),
        )
        submit_reflection(session, reflection)
        schedule = schedule_of(org)
    previous = period_of(schedule, period_of(schedule, now).start - timedelta(seconds=1))
    span = int((previous.end - previous.start).total_seconds())
    feedback, ratings = io.StringIO(), io.StringIO()
    for i in range(rows):
        fid = new_id("fbk")
        if i % 10 == 0:
            leader, respondent = leaders[0], f"rk_m{rng.randrange(POOL)}"
            for b in beliefs:
                ratings.write(f"{org_id}\t{fid}\t{b}\t{rng.randint(1, 5)}\n")
        else:
            leader = leaders[1 + rng.randrange(LEADERS - 1)]
            respondent = f"rk_{rng.randrange(rows // 20 + 1)}"
        answer = rng.choice(CORPUS)
        submitted = previous.start + timedelta(seconds=rng.randrange(span))
        feedback.write(
            "\t".join(
                [
                    org_id,
                    fid,
                    leader,
                    rng.choice(RELATIONSHIPS),
                    *(str(rng.randint(2, 5)) for _ in range(4)),
                    _text(answer.needs),
                    _text(answer.dreams),
                    "t",
                    "f",
                    respondent,
                    submitted.isoformat(),
                    previous.start.isoformat(),
                ]
            )
            + "\n"
        )
    _copy(engine, "feedback", COLUMNS, feedback)
    _copy(
        engine, "feedback_belief_ratings", ("org_id", "feedback_id", "belief_id", "rating"), ratings
    )
    started = time.perf_counter()
    with factory() as session, session.begin():
        closed = close_due_periods(session, get_organization(session, org_id), now)
    closing = time.perf_counter() - started
    assert closed == 1, closed
    # Settle the freshly loaded tables first (as autovacuum would, but now rather than in
    # the middle of the measurement).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return token, leaders[0], closing


def measure(url: str, token: str, leader: str, reads: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}
    timings: dict[str, list[float]] = {route: [] for route in ROUTES}
    unlimited = Settings(database_url=url, rate_limit_per_minute=0)  # measure reads, not 429s
    with TestClient(create_app(unlimited)) as client:
        for i in range(reads + 20):
            for route in ROUTES:  # interleaved, so a disturbance hits both alike
                started = time.perf_counter()
                response = client.get(f"/v1/leaders/{leader}/{route}", headers=headers)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                if i >= 20:  # warm-up
                    timings[route].append(elapsed)
        body = client.get(f"/v1/leaders/{leader}/alignment", headers=headers).json()
        assert body["period"] is not None, body
        assert any(b["others"]["suppressed"] is False for b in body["beliefs"]), body
        assert client.get(f"/v1/leaders/{leader}/themes", headers=headers).json()["themes"]
    return timings


def main() -> int:
    logging.disable(logging.INFO)  # the access log would drown the figures
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    reason = pg_available()
    if reason is not None:
        print(f"PostgreSQL not reachable ({reason})")
        return 1
    now = datetime.now(UTC)
    medians: dict[str, dict[int, float]] = {route: {} for route in ROUTES}
    for size in args.sizes:
        name = f"calling_bench_{uuid.uuid4().hex[:8]}"
        url = create_pg_database(name)
        try:
            started = time.perf_counter()
            token, leader, closing = load(url, size, now)
            loaded = time.perf_counter() - started
            timings = measure(url, token, leader, args.reads)
        finally:
            drop_pg_database(name)
        for route in ROUTES:
            medians[route][size] = statistics.median(timings[route])
            p95 = statistics.quantiles(timings[route], n=20)[-1]
            print(
                f"{size:>9,} feedback rows: {route:<9} read median "
                f"{medians[route][size] * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms over "
                f"{args.reads} reads (load {loaded:.1f} s, of it closing the period "
                f"{closing:.1f} s)",
                flush=True,
            )
    ok = True
    for route in ROUTES:
        smallest, largest = min(medians[route]), max(medians[route])
        ratio = medians[route][largest] / medians[route][smallest]
        verdict = "ok" if ratio <= 1.5 else "OVER the 1.5x bound"
        ok = ok and ratio <= 1.5
        print(
            f"{route}: median at {largest:,} / median at {smallest:,} = {ratio:.2f} "
            f"(bound 1.5) {verdict}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
