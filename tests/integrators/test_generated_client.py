"""A client generated from the committed spec with `openapi-python-client`, as an HR
platform would, runs the whole workflow against the live service: no hand-written HTTP.

The generator must print no warning. Every step uses the generated operations and typed
models: onboarding with a platform key, bulk people sync, a belief codified and revised
(`If-Match` from its typed `revision`), a reflection from the template filled in and
submitted, feedback, the sandbox's test clock advanced past the period's end, the closed
period's trust score, the overview as JSON and as CSV, the events feed (each event its
type's model), organization settings.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from service.db import utcnow
from tests.live_server import REPO, live_server

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
PACKAGE = "calling_client"


def generate(into: Path) -> str:
    """Generate the client package into `into`; return what the generator printed."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [GENERATOR, "generate", "--path", str(REPO / "openapi" / "openapi.json"),
         "--meta", "none", "--output-path", str(into / PACKAGE)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    return printed


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    where = tmp_path_factory.mktemp("generated")
    printed = generate(where)
    assert "warning" not in printed.lower(), printed
    assert "error" not in printed.lower(), printed
    sys.path.insert(0, str(where))
    try:
        yield where
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def api(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def ok(result: Any, kind: str) -> Any:
    """The typed body of a success: the generated model `kind`, not a `Problem`."""
    assert type(result).__name__ == kind, f"expected {kind}, got {result!r}"
    return result


def etag(revision: int) -> str:
    return f'"{revision}"'


def test_the_whole_workflow_through_the_generated_client(
    client_package: Path,
    database_url: str,
    db: Engine,
    platform_key: str,
    tmp_path: Path,
    clock_offset_days: int,
) -> None:
    from calling_client import AuthenticatedClient
    from calling_client.models import (
        AdvanceTo,
        BeliefCategory,
        BeliefCreate,
        BeliefPatch,
        BeliefStatus,
        BulkUpsert,
        EntryIn,
        FeedbackCreate,
        OrganizationPatch,
        OrganizationSettingsPatch,
        PersonUpsert,
        ReflectionCreate,
        ReflectionPatch,
        ReflectionScope,
        ReflectionStatus,
        SortKey,
        TenantCreate,
    )

    def key() -> str:
        return str(uuid.uuid4())  # a new Idempotency-Key for each request

    offset = str(clock_offset_days)  # on any date: the service's clock a year ahead too
    with live_server(database_url, tmp_path / "server.log", clock_offset_days=offset) as base:
        # 0. The platform onboards a customer; its admin key works at once.
        platform = AuthenticatedClient(base_url=base, token=platform_key)
        onboarded = ok(
            api("platform.create_platform_organization").sync(
                client=platform,
                body=TenantCreate(name="Acme AB (sandbox)", sandbox=True),
                idempotency_key=key(),
            ),
            "TenantCreated",
        )
        admin = AuthenticatedClient(base_url=base, token=onboarded.admin_key.key)

        # 1. Bulk people sync: a leader and the people around them.
        people = [PersonUpsert(external_id="E-1", display_name="Ada Lindqvist", title="Head")]
        people += [
            PersonUpsert(
                external_id=f"E-{i}", display_name=f"Report {i}", manager_external_id="E-1"
            )
            for i in range(2, 6)
        ]
        synced = ok(
            api("people.bulk_upsert_people").sync(
                client=admin, body=BulkUpsert(people=people), idempotency_key=key()
            ),
            "BulkUpsertResult",
        )
        ids = [row.id for row in synced.data]
        leader, reports = ids[0], ids[1:]
        person = ok(api("people.get_person").sync(leader, client=admin), "PersonOut")
        assert person.revision == 1 and person.display_name == "Ada Lindqvist"

        # 2. A belief codified, activated and revised, If-Match from its typed revision.
        belief = ok(
            api("beliefs.create_belief").sync(
                leader,
                client=admin,
                body=BeliefCreate(
                    statement="Trust is given first.", category=BeliefCategory.INTEGRITY
                ),
                idempotency_key=key(),
            ),
            "BeliefOut",
        )
        assert belief.status == BeliefStatus.DRAFT
        belief = ok(
            api("beliefs.update_belief").sync(
                belief.id,
                client=admin,
                body=BeliefPatch(status=BeliefStatus.ACTIVE),
                if_match=etag(belief.revision),
            ),
            "BeliefOut",
        )
        belief = ok(
            api("beliefs.update_belief").sync(
                belief.id,
                client=admin,
                body=BeliefPatch(statement="Trust is given first, not earned first."),
                if_match=etag(belief.revision),
            ),
            "BeliefOut",
        )
        assert belief.revision == 3
        stale = api("beliefs.update_belief").sync_detailed(
            belief.id, client=admin, body=BeliefPatch(position=2), if_match=etag(1)
        )
        assert stale.status_code == 412
        revisions = ok(
            api("beliefs.list_belief_revisions").sync(belief.id, client=admin),
            "PageBeliefRevisionOut",
        )
        assert [r.revision for r in revisions.data] == [1, 2, 3]

        # 3. A reflection from the template, filled in and submitted.
        reflection = ok(
            api("reflections.create_reflection").sync(
                leader,
                client=admin,
                body=ReflectionCreate(
                    # The 90 days up to today (from the one clock): the belief activated
                    # above is active in it, whatever the date.
                    period_start=utcnow().date() - dt.timedelta(days=90),
                    period_end=utcnow().date(),
                    scope=ReflectionScope.SELF,
                    from_template=True,
                ),
                idempotency_key=key(),
            ),
            "ReflectionOut",
        )
        assert [e.belief_id for e in reflection.entries] == [belief.id]
        reflection = ok(
            api("reflections.update_reflection").sync(
                reflection.id,
                client=admin,
                body=ReflectionPatch(
                    entries=[
                        EntryIn(
                            belief_id=belief.id,
                            alignment=4,
                            evidence="Explained the why in planning.",
                            next_step="Ask the team what they need.",
                        )
                    ]
                ),
                if_match=etag(reflection.revision),
            ),
            "ReflectionOut",
        )
        reflection = ok(
            api("reflections.submit_reflection").sync(
                reflection.id,
                client=admin,
                if_match=etag(reflection.revision),
                idempotency_key=key(),
            ),
            "ReflectionOut",
        )
        assert reflection.status == ReflectionStatus.SUBMITTED
        schedule = ok(
            api("reflections.get_reflection_schedule").sync(leader, client=admin), "ScheduleOut"
        )
        assert schedule.leader_id == leader

        # 4. Feedback from the people around the leader.
        for i, report in enumerate(reports):
            body = FeedbackCreate.from_dict(
                {
                    "leader_id": leader,
                    "relationship": "direct_report",
                    "respondent": {"reference": f"r-{i}"},
                    "answers": {"trust": 5, "greater_good": 4, "want_to_follow": 5,
                                "leaned_on": 4},
                    "needs": "Clearer priorities",
                }
            )  # fmt: skip
            ok(
                api("feedback.create_feedback").sync(
                    client=admin, body=body, idempotency_key=key()
                ),
                "FeedbackOut",
            )
            assert report

        # 5. The trust score. While the period is open it shows only the count of answers.
        score = ok(api("trust.get_trust_score").sync(leader, client=admin), "TrustScore")
        assert score.leader_id == leader and score.period is None
        assert score.open_period.answers == len(reports)
        # The sandbox's test clock moves to the period's end: the period closes at once.
        clock = ok(api("test_clock.get_test_clock").sync(client=admin), "TestClockOut")
        moved = ok(
            api("test_clock.advance_test_clock").sync(
                client=admin,
                body=AdvanceTo(to=clock.open_period.end),
                idempotency_key=key(),
            ),
            "TestClockOut",
        )
        assert [p.end for p in moved.closed_periods] == [clock.open_period.end]
        score = ok(api("trust.get_trust_score").sync(leader, client=admin), "TrustScore")
        assert score.period is not None and score.period.end == clock.open_period.end
        assert score.overall.n == len(reports)
        assert isinstance(score.overall.score, float), score.overall
        overview = ok(
            api("trust.list_trust_scores").sync(client=admin, sort=SortKey.SCORE_DESC),
            "PageLeaderScore",
        )
        assert [row.leader_id for row in overview.data] == [leader]
        exported = api("trust.export_trust_scores").sync(client=admin, sort=SortKey.SCORE_DESC)
        assert isinstance(exported, str), exported
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert [row["leader_id"] for row in rows] == [leader]
        assert float(rows[0]["score"]) == pytest.approx(score.overall.score, abs=0.1)
        # The closed period's self-view against others' and the leader's journey, typed.
        alignment = ok(api("insights.get_alignment").sync(leader, client=admin), "Alignment")
        assert alignment.period is not None and alignment.period.end == clock.open_period.end
        assert [b.belief_id for b in alignment.beliefs] == [belief.id]
        journey = ok(api("insights.get_journey").sync(leader, client=admin), "Journey")
        assert journey.trust.period is not None
        assert journey.trust.period.end == clock.open_period.end
        themes = ok(api("insights.get_leader_themes").sync(leader, client=admin), "Themes")
        assert themes.period is not None and themes.period.end == clock.open_period.end

        # The events feed, typed: each event is its type's model, with its type's `data`.
        events = ok(api("events.list_events").sync(client=admin, limit=100), "EventPage")
        kinds = {type(e).__name__ for e in events.data}
        assert {
            "PersonCreatedEvent",
            "BeliefCreatedEvent",
            "BeliefUpdatedEvent",
            "ReflectionSubmittedEvent",
            "FeedbackReceivedEvent",
        } <= kinds, kinds
        (submitted,) = [e for e in events.data if e.type_ == "reflection.submitted"]
        assert type(submitted.data).__name__ == "ReflectionSubmittedData"
        assert (submitted.data.id, submitted.data.leader_id) == (reflection.id, leader)
        assert submitted.data.version == reflection.revision

        # Organization settings, If-Match from the typed revision.
        org = ok(api("organization.get_organization").sync(client=admin), "OrganizationOut")
        org = ok(
            api("organization.update_organization").sync(
                client=admin,
                body=OrganizationPatch(
                    settings=OrganizationSettingsPatch(reflection_cadence_days=30)
                ),
                if_match=etag(org.revision),
            ),
            "OrganizationOut",
        )
        assert org.settings.reflection_cadence_days == 30 and org.revision == 2

        # The platform sees the organization, never its data.
        listed = ok(
            api("platform.list_platform_organizations").sync(client=platform),
            "PageTenantOut",
        )
        assert [o.id for o in listed.data] == [onboarded.organization.id]
