"""A realistic data set loaded fast with COPY: the benches' shared loader.

One organization (plus a few small ones beside it), an API key per scope asked for, leaders
and other people, beliefs, a submitted reflection and feedback rows spread over the leaders
and over the reporting periods of a time window, with the ended periods closed (their tables
frozen, as `calling close-periods` does) and the open period's counts recounted. 10 % of the
feedback is about one measured leader, from a pool of 60 respondents who answer again and
again (so most of those rows are superseded); the rest is spread over the other leaders.

Used by bench/run.py, bench/trust_read.py and bench/insights_read.py.
"""

from __future__ import annotations

import io
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import Engine

from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs.schemas import BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.closing import close_due_periods
from service.db import make_engine, make_sessionmaker
from service.feedback.open_counts import recount_open
from service.ids import new_id
from service.migrate import upgrade
from service.organizations.service import create_organization, get_organization, schedule_of
from service.people.models import Person
from service.periods.calendar import period_of
from service.reflections.schemas import EntryIn, ReflectionCreate, ReflectionScope
from service.reflections.service import create_reflection, submit_reflection
from service.settings import Settings
from tests.insights.corpus import CORPUS

POOL = 60
RELATIONSHIPS = ["direct_report", "peer", "manager", "internal_customer", "supplier"]
FEEDBACK_COLUMNS = (
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
PEOPLE_COLUMNS = (
    "org_id",
    "id",
    "external_id",
    "display_name",
    "email",
    "title",
    "manager_id",
    "version",
    "created_at",
    "updated_at",
)
RATING_COLUMNS = ("org_id", "feedback_id", "belief_id", "rating")


@dataclass
class Dataset:
    """What was loaded, and the ids and keys a bench needs to read it back."""

    org_id: str
    tokens: dict[Scope, str]
    leaders: list[str]
    measured: str  # the leader with a reflection, beliefs and 10 % of the feedback
    beliefs: list[str]  # every belief (the measured leader's first)
    people: list[str]  # every person of the organization (leaders first)
    feedback: int
    closed_periods: int
    seconds: dict[str, float] = field(default_factory=dict)  # load, close, vacuum


def copy_rows(engine: Engine, table: str, columns: Iterable[str], buffer: io.StringIO) -> None:
    """COPY a tab-separated buffer into `table` in one transaction."""
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[attr-defined]
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        raw.commit()
    finally:
        raw.close()


def _text(value: str | None) -> str:
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") or "\\N"


def load(
    url: str,
    rows: int,
    now: datetime,
    *,
    scopes: Iterable[Scope] = (Scope.read,),
    leaders: int = 200,
    employees: int = 0,
    measured_beliefs: int = 0,
    beliefs_per_leader: int = 0,
    reflection: bool = False,
    window: Literal["history", "previous"] = "history",
    texts: float = 0.0,
    other_orgs: int = 0,
) -> Dataset:
    """Migrate the (empty) database at `url` and load it; see the module docstring.

    `window="history"` spreads the feedback over the last 300 days (several closed periods and
    the open one); `"previous"` puts it all in the period before the current one. `texts` is the
    share of answers with `needs` and `dreams` (drawn from the test corpus: English, Swedish,
    emoji); answers about the measured leader rate each of its `measured_beliefs` beliefs."""
    rng = random.Random(rows)
    # Loading a million rows takes longer than the service's statement timeout.
    settings = Settings(database_url=url, db_statement_timeout_ms=3_600_000)
    upgrade(settings)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    stamp = now.isoformat()
    with factory() as session, session.begin():
        for i in range(other_orgs):  # neighbours: other tenants' rows in the same tables
            other = create_organization(session, f"neighbour {i}")
            create_api_key(session, other.org_id, "neighbour", [Scope.read])
        org = create_organization(session, "bench")
        org_id = org.org_id
        tokens = {
            Scope(s): create_api_key(session, org_id, f"bench {s}", [Scope(s)])[1] for s in scopes
        }
        schedule = schedule_of(org)
    leader_ids = [new_id("per") for _ in range(leaders)]
    employee_ids = [new_id("per") for _ in range(employees)]
    people = io.StringIO()
    for i, pid in enumerate(leader_ids):
        manager = "\\N" if i == 0 else leader_ids[(i - 1) // 10]
        people.write(
            f"{org_id}\t{pid}\tL{i}\tLeader {i}\tl{i}@example.com\tManager\t{manager}\t1\t"
            f"{stamp}\t{stamp}\n"
        )
    for i, pid in enumerate(employee_ids):
        manager = leader_ids[i % leaders]
        people.write(
            f"{org_id}\t{pid}\tE{i}\tEmployee {i}\te{i}@example.com\tEngineer\t{manager}\t1\t"
            f"{stamp}\t{stamp}\n"
        )
    copy_rows(engine, "people", PEOPLE_COLUMNS, people)
    measured = leader_ids[0]
    belief_ids: list[str] = []
    rated: list[str] = []
    with factory() as session, session.begin():
        for leader_id in leader_ids:
            count = measured_beliefs if leader_id == measured else beliefs_per_leader
            if not count:
                continue
            leader = session.get(Person, (org_id, leader_id))
            assert leader is not None
            made = [
                create_belief(
                    session,
                    leader,
                    BeliefCreate(statement=f"Belief {i}.", status=BeliefStatus.active),
                ).id
                for i in range(count)
            ]
            belief_ids += made
            if leader_id == measured:
                rated = made
        if reflection:
            leader = session.get(Person, (org_id, measured))
            assert leader is not None
            today = date.today()
            made_reflection = create_reflection(
                session,
                leader,
                ReflectionCreate(
                    period_start=today,
                    period_end=today,
                    scope=ReflectionScope.self,
                    entries=[
                        EntryIn(belief_id=b, alignment=1 + i % 5) for i, b in enumerate(rated)
                    ],
                ),
            )
            submit_reflection(session, made_reflection)
    if window == "previous":
        previous = period_of(schedule, period_of(schedule, now).start - timedelta(seconds=1))
        first, span = previous.start, int((previous.end - previous.start).total_seconds())
    else:
        first, span = now - timedelta(days=300), 300 * 86400
    feedback, ratings = io.StringIO(), io.StringIO()
    for i in range(rows):
        fid = new_id("fbk")
        if i % 10 == 0:
            leader_id, respondent = measured, f"rk_m{rng.randrange(POOL)}"
            for b in rated:
                ratings.write(f"{org_id}\t{fid}\t{b}\t{rng.randint(1, 5)}\n")
        else:
            leader_id = leader_ids[1 + rng.randrange(leaders - 1)]
            respondent = f"rk_{rng.randrange(rows // 20 + 1)}"
        answer = rng.choice(CORPUS) if rng.random() < texts else None
        submitted = first + timedelta(seconds=rng.randrange(span))
        if submitted > now:
            submitted = now
        feedback.write(
            "\t".join(
                [
                    org_id,
                    fid,
                    leader_id,
                    rng.choice(RELATIONSHIPS),
                    *(str(rng.randint(2, 5)) for _ in range(4)),
                    _text(answer.needs if answer else None),
                    _text(answer.dreams if answer else None),
                    "t",
                    "f",
                    respondent,
                    submitted.isoformat(),
                    period_of(schedule, submitted).start.isoformat(),
                ]
            )
            + "\n"
        )
    copy_rows(engine, "feedback", FEEDBACK_COLUMNS, feedback)
    copy_rows(engine, "feedback_belief_ratings", RATING_COLUMNS, ratings)
    loaded = time.perf_counter()
    with factory() as session, session.begin():
        closed = close_due_periods(session, get_organization(session, org_id), now)
        recount_open(session, org_id)  # COPY bypassed the write path's open counts
    closing = time.perf_counter()
    # Settle the freshly loaded tables (as autovacuum would, but now rather than in the
    # middle of a measurement).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return Dataset(
        org_id=org_id,
        tokens=tokens,
        leaders=leader_ids,
        measured=measured,
        beliefs=belief_ids,
        people=leader_ids + employee_ids,
        feedback=rows,
        closed_periods=closed,
        seconds={
            "load": loaded - started,
            "close": closing - loaded,
            "vacuum": time.perf_counter() - closing,
        },
    )
