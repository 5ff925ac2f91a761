"""The spec's `maxItems` of a reflection's lists and of an alignment history hold: a
template cannot fill a reflection beyond what a client may send, and a history returns the
latest `MAX_HISTORY_POINTS` points."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.reflections.rules import size_errors
from service.reflections.schemas import MAX_ANSWERS, MAX_ENTRIES, AnswerIn, EntryIn
from tests.conftest import Tenant
from tests.reflections.conftest import T0, FrozenClock
from tests.reflections.helpers import belief, created, person, start, submit

BELIEF = "blf_01JD5ZQ8W4M3KXHNB7T2C9V6RE"
PROMPT = "rpm_01JD5ZQ8W4M3KXHNB7T2C9V6RE"


def test_size_errors_name_each_list_over_its_bound() -> None:
    assert size_errors([EntryIn(belief_id=BELIEF)] * MAX_ENTRIES, []) == []
    errors = size_errors(
        [EntryIn(belief_id=BELIEF)] * (MAX_ENTRIES + 1),
        [AnswerIn(prompt_id=PROMPT)] * (MAX_ANSWERS + 1),
    )
    assert [e["field"] for e in errors] == ["entries", "answers"]


def test_a_template_that_would_overfill_a_reflection_is_refused(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = person(client, tenant)
    belief(client, tenant, leader, "Trust is given first.")
    monkeypatch.setattr("service.reflections.rules.MAX_ANSWERS", 2)  # 5 built-in prompts
    response = start(client, tenant, leader, from_template=True)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["answers"]


def test_an_alignment_history_holds_the_latest_points(
    client: TestClient, tenant: Tenant, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.reflections.history.MAX_HISTORY_POINTS", 2)
    leader = person(client, tenant)
    trust = belief(client, tenant, leader, "Trust is given first.")
    ids = []
    for rating in (1, 2, 3):
        clock.set(T0 + timedelta(days=rating))
        reflection = created(
            client, tenant, leader, entries=[{"belief_id": trust, "alignment": rating}]
        )
        assert submit(client, tenant, reflection["id"]).status_code == 200
        ids.append(reflection["id"])
    history = client.get(f"/v1/beliefs/{trust}/alignment-history", headers=tenant.headers())
    assert history.status_code == 200, history.text
    points = history.json()["data"]
    assert [p["reflection_id"] for p in points] == ids[1:]
    assert [p["alignment"] for p in points] == [2, 3]
