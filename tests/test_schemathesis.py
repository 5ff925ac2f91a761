"""Schemathesis against the live service, on SQLite and on PostgreSQL (API.md: "Schemathesis
runs against the live service in CI with all checks").

Each backend gets a fresh migrated database with one organization, an admin API key and a
few objects of every resource with fixed ids (people, beliefs, prompts, reflections, and
feedback enough for published trust figures), which `schemathesis.toml` offers for path
parameters. The real server runs with uvicorn in a subprocess; the Schemathesis CLI then runs
every check in every phase (examples, coverage, fuzzing, stateful) against the committed spec,
with the hooks of `tests/schemathesis_hooks.py`, and must finish without failures, errors or
warnings.

Run just these: `pytest tests/test_schemathesis.py`. Knobs: CALLING_ST_MAX_EXAMPLES (default
25), CALLING_ST_WORKERS (default 1: with more, CPython 3.11.7 was seen to trip
"AST constructor recursion depth mismatch" inside Hypothesis), CALLING_ST_SEED (default:
random; every run prints its seed), CALLING_ST_ARGS (more CLI options, e.g. `--include-tag
People`). Reproduce one failure with the `curl` it prints.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from service.api.openapi import SPEC_PATH
from service.api_keys import service as api_keys_service
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs import service as beliefs_service
from service.beliefs.schemas import BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.closing import close_due_periods
from service.commitments import service as commitments_service
from service.commitments.schemas import CommitmentCreate, CommitmentLinks, CommitmentStatus
from service.db import make_engine, make_sessionmaker, utcnow
from service.events.data import ReflectionDueData
from service.events.models import Event
from service.events.outbox import WebhookDelivery
from service.events.service import emit
from service.feedback import service as feedback_service
from service.feedback.schemas import (
    AnonymousRespondent,
    AttributedRespondent,
    BeliefRating,
    FeedbackCreate,
    Relationship,
    Stakeholder,
    TrustAnswers,
)
from service.feedback_requests import service as requests_service
from service.feedback_requests.schemas import ContactRespondent, FeedbackRequestCreate
from service.migrate import upgrade
from service.organizations import service as organizations_service
from service.organizations.models import Organization
from service.organizations.service import create_organization, schedule_of
from service.people import service as people_service
from service.people.models import Person
from service.people.schemas import PersonCreate
from service.people.service import create_person
from service.periods.calendar import period_of
from service.reflection_prompts import service as prompts_service
from service.reflection_prompts.schemas import PromptCreate
from service.reflections import service as reflections_service
from service.reflections.schemas import AnswerIn, EntryIn, ReflectionCreate
from service.settings import Settings
from service.webhooks import service as webhooks_service
from service.webhooks.schemas import EndpointCreate
from tests.conftest import create_pg_database, drop_pg_database, require_pg
from tests.live_server import live_server as serve

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "schemathesis.toml"
MAX_EXAMPLES = int(os.environ.get("CALLING_ST_MAX_EXAMPLES", "25"))
WORKERS = int(os.environ.get("CALLING_ST_WORKERS", "1"))
RUN_TIMEOUT_SECONDS = 600


def _schemathesis_cli() -> Path:
    """The CLI of the environment running the tests (`st`, or `schemathesis`)."""
    bindir = Path(sys.executable).parent
    for name in ("st", "schemathesis"):
        if (bindir / name).is_file():
            return bindir / name
    pytest.fail(f"Schemathesis is not installed next to {sys.executable}")


# The ids of the seeded objects are fixed, so that `schemathesis.toml` can name them in its
# dictionaries (path parameters drawn from a dictionary, unlike pinned ones, still follow the
# stateful phase's links to the objects it creates itself).
LEADER_ID = "per_0000000000000000000000000A"
MANAGER_ID = "per_0000000000000000000000000B"
DISPOSABLE_PERSON_ID = "per_0000000000000000000000000C"
BELIEF_ID = "blf_0000000000000000000000000A"
DISPOSABLE_BELIEF_ID = "blf_0000000000000000000000000B"
# More active beliefs of the leader, which the seeded reflections and feedback rate (the hooks
# name the leader's active beliefs in generated bodies too).
RATED_BELIEF_IDS = (
    "blf_0000000000000000000000000C",
    "blf_0000000000000000000000000D",
    "blf_0000000000000000000000000E",
)
SPARE_KEY_ID = "key_0000000000000000000000000A"
PROMPT_ID = "rpm_0000000000000000000000000A"
DISPOSABLE_PROMPT_ID = "rpm_0000000000000000000000000B"
ANSWER_PROMPT_ID = "rpm_0000000000000000000000000C"  # answered in the seeded reflections
REFLECTION_ID = "rfl_0000000000000000000000000A"  # a filled draft, to read and change
SUBMITTABLE_REFLECTION_ID = "rfl_0000000000000000000000000B"  # a filled draft, to submit
DISPOSABLE_REFLECTION_ID = "rfl_0000000000000000000000000C"  # a draft, to delete
SUBMITTED_REFLECTION_ID = "rfl_0000000000000000000000000D"  # the leader's alignment history
FEEDBACK_ID = "fbk_0000000000000000000000000A"  # attributed (the manager about the leader)
ANONYMOUS_FEEDBACK_IDS = (
    "fbk_0000000000000000000000000B",
    "fbk_0000000000000000000000000C",
    "fbk_0000000000000000000000000D",
    "fbk_0000000000000000000000000E",
    "fbk_0000000000000000000000000F",
)
# The beliefs were activated at the first instant a timestamp holds, so that every period a
# reflection can name (any day from 0001-01-01) is one they were active in: the rule "an entry
# names a belief active during the period" then holds for generated periods too.
REQUEST_ID = "frq_0000000000000000000000000A"  # a campaign, open, with one token per test
DISPOSABLE_REQUEST_ID = "frq_0000000000000000000000000B"  # to close
ENDPOINT_ID = "whk_0000000000000000000000000A"  # a webhook endpoint (to a loopback address)
DISPOSABLE_ENDPOINT_ID = "whk_0000000000000000000000000B"  # to delete
EVENT_ID = "evt_0000000000000000000000000A"  # the first event of the organization
COMMITMENT_ID = "cmt_0000000000000000000000000A"  # in progress, to read and change
DISPOSABLE_COMMITMENT_ID = "cmt_0000000000000000000000000B"  # to delete
DELIVERY_ID = "dlv_0000000000000000000000000A"  # its delivery to the endpoint
WEBHOOK_URL = "http://127.0.0.1:9/hooks"  # nothing listens: the run never delivers anyway
BELIEFS_ACTIVATED_AT = datetime(1, 1, 1, tzinfo=UTC)
PERIOD = {"period_start": date(2026, 7, 1), "period_end": date(2026, 9, 30)}


@contextmanager
def _next_ids(module: object, *ids: str) -> Iterator[None]:
    """Make `module.new_id` hand out `ids`, in order."""
    queue = list(ids)
    with mock.patch.object(module, "new_id", side_effect=lambda prefix: queue.pop(0)):
        yield
    assert not queue, f"unused ids {queue}"


def seed(database_url: str) -> dict[str, str]:
    """Migrate the database and create what the run needs; return CALLING_ST_* variables."""
    settings = Settings(database_url=database_url)
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            org = create_organization(session, "Schemathesis", sandbox=True)
            key, token = create_api_key(session, org.org_id, "schemathesis", [Scope.admin])
            with _next_ids(api_keys_service, SPARE_KEY_ID):
                create_api_key(session, org.org_id, "spare", [Scope.read])
            with _next_ids(people_service, MANAGER_ID, LEADER_ID, DISPOSABLE_PERSON_ID):
                manager = create_person(
                    session, org.org_id, PersonCreate(external_id="st-manager", display_name="Maja")
                )
                leader = create_person(
                    session, org.org_id, PersonCreate(external_id="st-leader", display_name="Ada")
                )
                create_person(
                    session, org.org_id, PersonCreate(external_id="st-other", display_name="Grace")
                )
            beliefs = (BELIEF_ID, DISPOSABLE_BELIEF_ID, *RATED_BELIEF_IDS)
            with (
                _next_ids(beliefs_service, *beliefs),
                mock.patch("service.clock.now", return_value=BELIEFS_ACTIVATED_AT),
            ):
                active = BeliefCreate(statement="Trust is given first.", status=BeliefStatus.active)
                create_belief(session, leader, active)
                create_belief(session, leader, BeliefCreate(statement="Say why it matters."))
                for n, _ in enumerate(RATED_BELIEF_IDS):
                    rated = active.model_copy(update={"statement": f"Belief {n}, lived openly."})
                    create_belief(session, leader, rated)
            _seed_webhooks(session, org.org_id)
            _seed_prompts(session, org.org_id)
            _seed_reflections(session, leader)
            _seed_commitments(session, leader)
            _seed_feedback(session, org, manager.id, leader.id, settings)
            _seed_closed_period(session, org, leader.id, settings)
            platform = organizations_service.platform_organization(session)
            platform_token = create_api_key(
                session, platform.org_id, "schemathesis platform", [Scope.platform]
            )[1]
            spare_org = organizations_service.create_organization(session, "Spare AB").org_id
            response_token = _seed_campaign(session, org.org_id, leader.id, settings)
        return {  # for tests/schemathesis_hooks.py
            "CALLING_ST_PLATFORM_TOKEN": platform_token,
            "CALLING_ST_ORG_ID": org.org_id,
            "CALLING_ST_SPARE_ORG_ID": spare_org,
            "CALLING_ST_RESPONSE_TOKEN": response_token,
            "CALLING_ST_WEBHOOK_URL": WEBHOOK_URL,
            "CALLING_ST_TOKEN": token,
            "CALLING_ST_KEY_ID": key.id,
            "CALLING_ST_SPARE_KEY_ID": SPARE_KEY_ID,
            "CALLING_ST_PERSON_ID": leader.id,
            "CALLING_ST_MANAGER_ID": manager.id,
            "CALLING_ST_MANAGER_EXTERNAL_ID": manager.external_id,
        }
    finally:
        engine.dispose()


def _seed_webhooks(session: Session, org_id: str) -> None:
    """A webhook endpoint first, so that the seeded changes queue deliveries; the first event
    and its delivery get fixed ids."""
    with _next_ids(webhooks_service, ENDPOINT_ID, DISPOSABLE_ENDPOINT_ID):
        for _ in range(2):  # the second one is deleted in the run
            endpoint = EndpointCreate(url=WEBHOOK_URL)
            webhooks_service.create_endpoint(session, org_id, endpoint, utcnow())
    first = emit(session, org_id, ReflectionDueData(leader_id=LEADER_ID, next_due_at=None))
    session.execute(update(Event).where(Event.seq == first.seq).values(id=EVENT_ID))
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.event_seq == first.seq, WebhookDelivery.endpoint_id == ENDPOINT_ID)
        .values(id=DELIVERY_ID, event_id=EVENT_ID, status="failed")  # so it can be redelivered
    )


def _seed_campaign(session: Session, org_id: str, leader_id: str, settings: Settings) -> str:
    """An open campaign to outside contacts; return a response token of it."""
    body = FeedbackRequestCreate(
        leader_id=leader_id,
        respondents=[
            ContactRespondent(reference=f"st-contact-{n}", relationship=Relationship.supplier)
            for n in range(3)
        ],
    )
    secret = settings.secret_key.get_secret_value()
    tokens = []
    # The second one is closed in the run; the first stays open for the token to answer.
    for n, request_id in enumerate((REQUEST_ID, DISPOSABLE_REQUEST_ID)):
        respondent_ids = [f"rcp_000000000000000000000000{n}{c}" for c in "ABC"]
        with _next_ids(requests_service, request_id, *respondent_ids):
            tokens += requests_service.create_request(session, org_id, body, secret, utcnow())[1]
    return tokens[0].token


def _seed_prompts(session: Session, org_id: str) -> None:
    with _next_ids(prompts_service, PROMPT_ID, DISPOSABLE_PROMPT_ID, ANSWER_PROMPT_ID):
        for text in ("What did my team need from me?", "To be deleted.", "What did I learn?"):
            prompts_service.create_prompt(session, org_id, PromptCreate(text=text))


def _seed_reflections(session: Session, leader: Person) -> None:
    filled = ReflectionCreate(
        **PERIOD,
        entries=[
            EntryIn(belief_id=b, alignment=4, next_step="Ask the team.") for b in RATED_BELIEF_IDS
        ],
        answers=[AnswerIn(prompt_id=ANSWER_PROMPT_ID, answer="I listened more.")],
    )
    rating_all = filled.model_copy(
        update={
            "entries": [
                *filled.entries,
                EntryIn(belief_id=BELIEF_ID, alignment=3, next_step="Say why."),
            ]
        }
    )
    ids = (REFLECTION_ID, SUBMITTABLE_REFLECTION_ID, DISPOSABLE_REFLECTION_ID)
    with _next_ids(reflections_service, *ids, SUBMITTED_REFLECTION_ID):
        for _ in ids:
            reflections_service.create_reflection(session, leader, filled)
        submitted = reflections_service.create_reflection(session, leader, rating_all)
        reflections_service.submit_reflection(session, submitted)


def _seed_commitments(session: Session, leader: Person) -> None:
    body = CommitmentCreate(
        statement="Share the priorities in every team meeting.",
        links=CommitmentLinks(belief_ids=[BELIEF_ID]),
        for_whom=[Stakeholder.employees],
        due_on=date(2026, 9, 30),
        status=CommitmentStatus.in_progress,
    )
    with _next_ids(commitments_service, COMMITMENT_ID, DISPOSABLE_COMMITMENT_ID):
        for _ in range(2):
            commitments_service.create_commitment(session, leader, body)


def _seed_feedback(
    session: Session, org: Organization, manager_id: str, leader_id: str, settings: Settings
) -> None:
    """Attributed and anonymous feedback about the leader: enough respondents (more than the
    default `min_group_size`, even after a few retractions) for published trust figures."""
    secret = settings.secret_key.get_secret_value()
    ratings = [BeliefRating(belief_id=RATED_BELIEF_IDS[0], rating=4)]
    bodies = [
        FeedbackCreate(
            leader_id=leader_id,
            relationship=Relationship.manager,
            answers=TrustAnswers(trust=4, greater_good=5, want_to_follow=4, leaned_on=4),
            belief_ratings=ratings,
            needs="Fewer meetings.",
            respondent=AttributedRespondent(person_id=manager_id),
        ),
        *(
            FeedbackCreate(
                leader_id=leader_id,
                relationship=Relationship.direct_report,
                answers=TrustAnswers(
                    trust=3 + n % 3, greater_good=4, want_to_follow=4, leaned_on=3 + n % 2
                ),
                belief_ratings=ratings,
                respondent=AnonymousRespondent(reference=f"st-respondent-{n}"),
            )
            for n, _ in enumerate(ANONYMOUS_FEEDBACK_IDS)
        ),
    ]
    with _next_ids(feedback_service, FEEDBACK_ID, *ANONYMOUS_FEEDBACK_IDS):
        for body in bodies:
            feedback_service.create_feedback(session, org, body, secret, utcnow())


def _seed_closed_period(
    session: Session, org: Organization, leader_id: str, settings: Settings
) -> None:
    """In the period before the current one, six respondents rated a belief and wrote about
    clear priorities; that period is closed, so the trust score, alignment and themes have
    figures to serve."""
    secret = settings.secret_key.get_secret_value()
    current = period_of(schedule_of(org), utcnow())
    then = current.start - timedelta(days=1)
    for n in range(6):
        body = FeedbackCreate(
            leader_id=leader_id,
            relationship=Relationship.direct_report,
            answers=TrustAnswers(trust=4, greater_good=4, want_to_follow=5, leaned_on=4),
            belief_ratings=[BeliefRating(belief_id=RATED_BELIEF_IDS[0], rating=2 + n % 2)],
            needs=f"Clearer priorities and more feedback, part {n}.",
            dreams="Growth and learning together 🚀",
            respondent=AnonymousRespondent(reference=f"st-last-year-{n}"),
        )
        feedback_service.create_feedback(session, org, body, secret, then)
    close_due_periods(session, org, utcnow())


@contextmanager
def live_server(database_url: str, log: Path) -> Iterator[str]:
    """The real service as users run it (`calling serve`: uvicorn with the transport limits
    that answer a malformed request head with problem+json) on a free local port; yield its
    base URL. Thousands of requests a minute from one organization are the point of the run,
    not abuse: the per-organization rate limit (tested on its own) is off."""
    with serve(
        database_url,
        log,
        serve=True,
        rate_limit_per_minute="0",
        response_token_attempts_per_minute="0",
        webhooks_allow_loopback="true",
    ) as base_url:
        yield base_url


def run_schemathesis(base_url: str, variables: dict[str, str], workdir: Path) -> str:
    """Run the CLI with every check and phase; fail on any failure, error or warning."""
    command = [
        str(_schemathesis_cli()), "--config-file", str(CONFIG), "run", str(SPEC_PATH),
        "--url", base_url,
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", str(WORKERS),
        "--request-timeout", "10",
        "--generation-database", "none",
        "--report", "junit", "--report-junit-path", str(workdir / "junit.xml"),
        "--no-color",
    ]  # fmt: skip
    if seed_value := os.environ.get("CALLING_ST_SEED"):
        command += ["--seed", seed_value]
    command += shlex.split(os.environ.get("CALLING_ST_ARGS", ""))
    result = subprocess.run(
        command,
        cwd=REPO,  # `hooks` in schemathesis.toml is relative to the repository root
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    output = result.stdout + result.stderr
    print(output)  # pytest shows it when the test fails
    server_errors = [
        line for line in (workdir / "server.log").read_text().splitlines() if '"ERROR"' in line
    ]
    if server_errors:
        print("Server errors:", *server_errors[-20:], sep="\n")
    summary = output[output.rfind("=== SUMMARY") :]
    assert result.returncode == 0, f"Schemathesis failed (exit {result.returncode}); see output"
    for verdict in ("Failures:", "Errors:", "Warnings:"):
        assert verdict not in summary, f"Schemathesis reported {verdict.lower()[:-1]}"
    assert re.search(r"no issues found", summary, re.IGNORECASE), summary
    return output


def test_schemathesis_sqlite(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'calling.db'}"
    variables = seed(database_url)
    with live_server(database_url, tmp_path / "server.log") as base_url:
        run_schemathesis(base_url, variables, tmp_path)


def test_schemathesis_postgresql(tmp_path: Path) -> None:
    require_pg()
    name = f"calling_schemathesis_{os.getpid()}"
    database_url = create_pg_database(name)
    try:
        variables = seed(database_url)
        with live_server(database_url, tmp_path / "server.log") as base_url:
            run_schemathesis(base_url, variables, tmp_path)
    finally:
        drop_pg_database(name)
