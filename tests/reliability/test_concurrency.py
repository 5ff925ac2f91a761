"""Concurrency against the live service (uvicorn in a subprocess), on SQLite and PostgreSQL:

* 50 simultaneous POSTs with one `Idempotency-Key` create one row; every other answer is a
  replay of the first (201, `Idempotent-Replayed: true`) or 409 (still in flight);
* simultaneous PATCHes with one `If-Match`: exactly one 200, the rest 412, and the final
  state is the winner's (no lost update);
* simultaneous feedback for one leader, anonymous with references (so later answers
  supersede earlier ones): no 5xx, every row lands in the open reporting period, and the
  open period's count equals the distinct respondents sent.

Each test's figures are printed in the "reliability figures" section.
"""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from service.closing import close_due_periods
from service.db import make_engine, make_sessionmaker
from service.feedback.models import Feedback
from service.feedback.schemas import FeedbackCreate
from service.feedback.service import create_feedback
from service.migrate import upgrade
from service.organizations.service import create_organization, get_organization, schedule_of
from service.people.models import Person
from service.people.schemas import PersonCreate
from service.people.service import create_person
from service.periods.calendar import period_of
from service.settings import Settings
from service.trust.models import TrustPeriodCell
from tests.conftest import Tenant, create_pg_database, drop_pg_database, make_tenant, require_pg
from tests.live_server import live_server

SECRET = "test-secret-key-of-at-least-32-characters"

CONCURRENT = 50


@dataclass
class Live:
    backend: str
    base_url: str
    engine: Engine
    tenant: Tenant


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    backend = str(request.param)
    folder = tmp_path_factory.mktemp(f"concurrency-{backend}")
    name = f"calling_concurrency_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'calling.db'}"
    else:
        require_pg()
        url = create_pg_database(name)
    try:
        settings = Settings(database_url=url)
        upgrade(settings)
        engine = make_engine(settings)
        tenant = make_tenant(engine, "Concurrency Ltd")
        try:
            with live_server(url, folder / "server.log", rate_limit_per_minute="0") as base_url:
                yield Live(backend, base_url, engine, tenant)
        finally:
            engine.dispose()
    finally:
        if backend == "postgresql":
            drop_pg_database(name)


def _all_at_once(
    count: int, send: Callable[[httpx.Client, int], httpx.Response]
) -> list[httpx.Response]:
    """`count` threads, each with its own connection, released together by a barrier."""
    barrier = threading.Barrier(count)

    def one(i: int) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            barrier.wait(timeout=30)
            return send(client, i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def _create_person(live: Live, external_id: str) -> dict[str, str]:
    response = httpx.post(
        f"{live.base_url}/v1/people",
        json={"external_id": external_id, "display_name": external_id},
        headers=live.tenant.headers("write"),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_one_idempotency_key_creates_one_row(live: Live, figures: Callable[[str], None]) -> None:
    body = {"external_id": "idem-burst", "display_name": "Burst"}
    headers = live.tenant.headers("write", **{"Idempotency-Key": "burst-key-1"})

    responses = _all_at_once(
        CONCURRENT,
        lambda client, _: client.post(f"{live.base_url}/v1/people", json=body, headers=headers),
    )

    first = [
        r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    conflicts = [r for r in responses if r.status_code == 409]
    counts = Counter(r.status_code for r in responses)
    with live.engine.connect() as conn:
        rows = conn.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.org_id == live.tenant.org_id, Person.external_id == "idem-burst")
        )
    figures(
        f"[{live.backend}] sent={len(responses)} statuses={dict(sorted(counts.items()))} "
        f"created={len(first)} replayed={len(replays)} conflict-409={len(conflicts)} "
        f"5xx={sum(s >= 500 for s in counts.elements())} rows={rows}"
    )
    assert len(first) == 1, counts
    assert len(first) + len(replays) + len(conflicts) == CONCURRENT, counts
    assert all(r.status_code == 201 for r in replays)
    assert {r.json()["id"] for r in first + replays} == {first[0].json()["id"]}
    assert all(r.headers["content-type"] == "application/problem+json" for r in conflicts)
    assert rows == 1


def test_one_if_match_exactly_one_update_wins(live: Live, figures: Callable[[str], None]) -> None:
    person = _create_person(live, "if-match-race")
    url = f"{live.base_url}/v1/people/{person['id']}"
    headers = live.tenant.headers("write", **{"If-Match": '"1"'})

    responses = _all_at_once(
        CONCURRENT,
        lambda client, i: client.patch(url, json={"display_name": f"writer {i}"}, headers=headers),
    )

    counts = Counter(r.status_code for r in responses)
    winners = [r for r in responses if r.status_code == 200]
    final = httpx.get(url, headers=live.tenant.headers("read"), timeout=30)
    figures(
        f"[{live.backend}] sent={len(responses)} statuses={dict(sorted(counts.items()))} "
        f"winners={len(winners)} final-etag={final.headers.get('etag')}"
    )
    assert set(counts) <= {200, 412}, counts
    assert len(winners) == 1, counts
    assert final.status_code == 200
    assert final.json()["display_name"] == winners[0].json()["display_name"]
    assert final.headers["etag"] == winners[0].headers["etag"] == '"2"'


def test_feedback_for_one_leader_lands_in_the_open_period(
    live: Live, figures: Callable[[str], None]
) -> None:
    leader = _create_person(live, "feedback-leader")
    rng = random.Random(20260301)
    relationships = ["peer", "direct_report", "manager", "internal_customer"]
    items = ["trust", "greater_good", "want_to_follow", "leaned_on"]
    per_thread, threads = 6, 16
    plans = [
        [
            {
                "leader_id": leader["id"],
                "relationship": rng.choice(relationships),
                "answers": {i: rng.randint(1, 5) for i in items},
                # Few references, many answers: most supersede an earlier (or a concurrent) one.
                "respondent": {"reference": f"respondent-{rng.randrange(12)}"}
                if rng.random() < 0.85
                else {},
            }
            for _ in range(per_thread)
        ]
        for _ in range(threads)
    ]
    headers = live.tenant.headers("feedback:submit")

    def submit(client: httpx.Client, thread: int) -> httpx.Response:
        last = None
        for body in plans[thread]:
            last = client.post(f"{live.base_url}/v1/feedback", json=body, headers=headers)
            statuses[thread].append(last.status_code)
        assert last is not None
        return last

    statuses: list[list[int]] = [[] for _ in range(threads)]
    _all_at_once(threads, submit)

    counts = Counter(s for per in statuses for s in per)
    with make_sessionmaker(live.engine)() as session:
        rows = session.scalar(
            select(func.count()).select_from(Feedback).where(Feedback.org_id == live.tenant.org_id)
        )
        org = get_organization(session, live.tenant.org_id)
        misplaced = [
            f.id
            for f in session.scalars(select(Feedback).where(Feedback.org_id == org.org_id))
            if period_of(schedule_of(org), f.submitted_at).start != f.period_start
        ]
    voices = {str(b["respondent"]) for plan in plans for b in plan if b["respondent"]}
    voices_sent = len(voices) + sum(1 for plan in plans for b in plan if not b["respondent"])
    read = httpx.get(
        f"{live.base_url}/v1/leaders/{leader['id']}/trust-score",
        headers=live.tenant.headers("read"),
    ).json()
    figures(
        f"[{live.backend}] sent={threads * per_thread} statuses={dict(sorted(counts.items()))} "
        f"5xx={sum(s >= 500 for s in counts.elements())} feedback-rows={rows} "
        f"open-period-answers={read['open_period']['answers']} voices={voices_sent}"
    )
    assert counts == {201: threads * per_thread}, counts
    assert rows == threads * per_thread
    assert misplaced == []
    assert read["open_period"]["answers"] == voices_sent


def test_an_older_response_recorded_last_does_not_supersede_a_newer_one(db: Engine) -> None:
    """What two concurrent answers of one respondent can do: the later one (by
    `submitted_at`) commits first, the earlier one after it. At the close the later answer
    is the one that counts."""
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    factory = make_sessionmaker(db)
    with factory() as session, session.begin():
        org = create_organization(session, "Out of order")
        leader = create_person(session, org.org_id, PersonCreate(external_id="L", display_name="L"))
        org_id, leader_id = org.org_id, leader.id

    def answer(trust: int, submitted_at: datetime) -> None:
        body = FeedbackCreate.model_validate(
            {
                "leader_id": leader_id,
                "relationship": "peer",
                "answers": {
                    "trust": trust,
                    "greater_good": trust,
                    "want_to_follow": trust,
                    "leaned_on": trust,
                },
                "respondent": {"reference": "same-respondent"},
            }
        )
        with factory() as session, session.begin():
            create_feedback(session, get_organization(session, org_id), body, SECRET, submitted_at)

    answer(5, t0 + timedelta(seconds=2))  # the later answer, recorded first
    answer(1, t0 + timedelta(seconds=1))  # the earlier answer, recorded last
    with factory() as session, session.begin():
        assert (
            close_due_periods(session, get_organization(session, org_id), t0.replace(month=5)) == 1
        )
    with factory() as session:
        later = session.scalar(
            select(Feedback.id).where(Feedback.org_id == org_id, Feedback.trust == 5)
        )
        (cell,) = session.scalars(
            select(TrustPeriodCell).where(
                TrustPeriodCell.org_id == org_id, TrustPeriodCell.cell == "overall"
            )
        )
        assert cell.members == [later] and cell.stats["item_sum"] == [5, 5, 5, 5]
