"""Schemathesis's object-level authorization check (BOLA) between two organizations.

Two organizations, A and B, each get an admin API key and objects of their own (people,
beliefs, a prompt, a reflection, feedback), made with the service layer as in
`tests/test_schemathesis.py`. Both keys go into a Web Fuzzing Commons auth file as fixed
`Authorization: Bearer` headers, and `tests/security/schemathesis-peers.toml` names the two
users as `peers`. The run sends every request as A; whenever A reads one of its objects (an
id it took from its own list or from a create), `object_level_authorization` replays the read
as B and fails when B gets the same object back. The server is the real one (uvicorn), on a
fresh SQLite database, and on PostgreSQL when it is reachable.

Run just these: `pytest tests/security/test_schemathesis_peers.py`. Knobs:
CALLING_ST_PEERS_MAX_EXAMPLES (default 10), CALLING_ST_SEED (default: random).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

import pytest

from service.api.openapi import SPEC_PATH
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs.schemas import BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.db import make_engine, make_sessionmaker, utcnow
from service.feedback.schemas import (
    AttributedRespondent,
    BeliefRating,
    FeedbackCreate,
    Relationship,
    TrustAnswers,
)
from service.feedback.service import create_feedback
from service.migrate import upgrade
from service.organizations.service import create_organization
from service.people.schemas import PersonCreate
from service.people.service import create_person
from service.reflection_prompts.schemas import PromptCreate
from service.reflection_prompts.service import create_prompt
from service.reflections.schemas import EntryIn, ReflectionCreate
from service.reflections.service import create_reflection
from service.settings import Settings
from tests.conftest import create_pg_database, drop_pg_database, require_pg
from tests.live_server import live_server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent / "schemathesis-peers.toml"
PEERS = ("org_a", "org_b")
CHECK = "object_level_authorization"
MAX_EXAMPLES = int(os.environ.get("CALLING_ST_PEERS_MAX_EXAMPLES", "10"))
RUN_TIMEOUT_SECONDS = 300
# Beliefs active since the first instant a timestamp holds, so the seeded reflection and
# feedback may rate them.
BELIEFS_ACTIVATED_AT = datetime(1, 1, 1, tzinfo=UTC)


def _schemathesis_cli() -> Path:
    bindir = Path(sys.executable).parent
    for name in ("st", "schemathesis"):
        if (bindir / name).is_file():
            return bindir / name
    pytest.fail(f"Schemathesis is not installed next to {sys.executable}")


def seed(database_url: str) -> dict[str, str]:
    """Migrate the database and seed one organization per peer; return each one's token."""
    settings = Settings(database_url=database_url)
    upgrade(settings)
    secret = settings.secret_key.get_secret_value()
    engine = make_engine(settings)
    tokens = {}
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            for peer in PEERS:
                org = create_organization(session, f"Peer {peer}")
                _, tokens[peer] = create_api_key(session, org.org_id, peer, [Scope.admin])
                manager = create_person(
                    session,
                    org.org_id,
                    PersonCreate(external_id=f"{peer}-manager", display_name=f"Manager of {peer}"),
                )
                leader = create_person(
                    session,
                    org.org_id,
                    PersonCreate(external_id=f"{peer}-leader", display_name=f"Leader of {peer}"),
                )
                with mock.patch("service.clock.now", return_value=BELIEFS_ACTIVATED_AT):
                    belief = create_belief(
                        session,
                        leader,
                        BeliefCreate(statement=f"{peer} trusts first.", status=BeliefStatus.active),
                    )
                create_prompt(session, org.org_id, PromptCreate(text=f"What did {peer} learn?"))
                create_reflection(
                    session,
                    leader,
                    ReflectionCreate(
                        period_start=date(2026, 7, 1),
                        period_end=date(2026, 9, 30),
                        entries=[EntryIn(belief_id=belief.id, alignment=4)],
                    ),
                )
                feedback = FeedbackCreate(
                    leader_id=leader.id,
                    relationship=Relationship.manager,
                    answers=TrustAnswers(trust=4, greater_good=5, want_to_follow=4, leaned_on=4),
                    belief_ratings=[BeliefRating(belief_id=belief.id, rating=4)],
                    needs=f"{peer}: fewer meetings.",
                    respondent=AttributedRespondent(person_id=manager.id),
                )
                create_feedback(session, org, feedback, secret, utcnow())
        return tokens
    finally:
        engine.dispose()


def write_wfc_auth(tokens: dict[str, str], path: Path) -> Path:
    """The Web Fuzzing Commons auth document: one user per peer, its key as a fixed header."""
    document = {
        "schemaVersion": "0.2.0",
        "auth": [
            {
                "name": peer,
                "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {tokens[peer]}"}],
            }
            for peer in PEERS
        ],
    }
    path.write_text(json.dumps(document, indent=2))
    return path


def run_schemathesis(base_url: str, wfc_path: Path, report: Path) -> subprocess.CompletedProcess:
    command = [
        str(_schemathesis_cli()), "--config-file", str(CONFIG), "run", str(SPEC_PATH),
        "--url", base_url,
        "--checks", f"{CHECK},not_a_server_error",
        # The check needs ids the owner got back from lists and creates: fuzzing feeds them
        # to later requests, and the stateful phase follows links from creates to reads.
        "--phases", "examples,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--request-timeout", "10",
        "--generation-database", "none",
        "--report", "ndjson", "--report-ndjson-path", str(report),
        "--no-color",
    ]  # fmt: skip
    if seed_value := os.environ.get("CALLING_ST_SEED"):
        command += ["--seed", seed_value]
    result = subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, "CALLING_ST_WFC_PATH": str(wfc_path)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    print(result.stdout + result.stderr)  # pytest shows it when the test fails
    return result


def probes(report: Path) -> set[tuple[str, str]]:
    """The requests the run sent as `org_b`: only the check sends any, each one a replay of a
    read by `org_a` (the NDJSON report records every case with the identity it went out as)."""
    found: set[tuple[str, str]] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("auth_identity") == PEERS[1]:
                found.add((node["method"], node["path"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for line in report.read_text().splitlines():
        walk(json.loads(line))
    return found


def check_run(base_url: str, wfc_path: Path, workdir: Path) -> None:
    report = workdir / "events.ndjson"
    result = run_schemathesis(base_url, wfc_path, report)
    output = result.stdout + result.stderr
    summary = output[output.rfind("=== SUMMARY") :]
    assert result.returncode == 0, f"Schemathesis failed (exit {result.returncode}); see output"
    assert "Failures:" not in summary and "Errors:" not in summary, summary
    assert re.search(r"generated, \d+ passed", summary), summary
    # The check did run, not only got selected: nothing warned that it will not (it needs
    # `peers` under `[auth.wfc]`), and it replayed org_a's reads of its own objects as org_b.
    assert "will not run" not in output, output
    replayed = probes(report)
    print("Replayed as org_b:", *sorted(replayed), sep="\n  ")
    assert ("GET", "/v1/people/{person_id}") in replayed, sorted(replayed)


def test_bola_between_organizations_sqlite(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'calling.db'}"
    wfc_path = write_wfc_auth(seed(database_url), tmp_path / "wfc-auth.json")
    with live_server(database_url, tmp_path / "server.log", rate_limit_per_minute="0") as url:
        check_run(url, wfc_path, tmp_path)


def test_bola_between_organizations_postgresql(tmp_path: Path) -> None:
    require_pg()
    name = f"calling_schemathesis_peers_{os.getpid()}"
    database_url = create_pg_database(name)
    try:
        wfc_path = write_wfc_auth(seed(database_url), tmp_path / "wfc-auth.json")
        with live_server(database_url, tmp_path / "server.log", rate_limit_per_minute="0") as url:
            check_run(url, wfc_path, tmp_path)
    finally:
        drop_pg_database(name)
