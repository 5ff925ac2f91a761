from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from service import clock
from tests.conftest import Tenant

DEFAULTS = {
    "period_months": 3,
    "prior_weight": 3.0,
    "min_group_size": 3,
    "min_comment_group_size": 5,
    "manager_group_minimum": 3,
    "emerging_leader_score": 60.0,
    "leader_lower_bound": 65.0,
    "leader_follower_share": 0.5,
    "gap_threshold": 1.0,
    "reflection_cadence_days": 90,
    "feedback_retention_days": None,
    "language": "en",
}


def test_settings_have_documented_defaults(client: TestClient, tenant: Tenant) -> None:
    response = client.get("/v1/organization", headers=tenant.headers("read"))
    assert response.status_code == 200
    assert response.json()["id"] == tenant.org_id
    assert response.json()["settings"] == DEFAULTS
    assert response.json()["settings_apply_from"] is None  # in force from the start
    assert response.headers["etag"] == '"1"'


def test_update_settings(client: TestClient, tenant: Tenant) -> None:
    response = client.patch(
        "/v1/organization",
        json={
            "settings": {
                "min_group_size": 4,
                "min_comment_group_size": 6,
                "manager_group_minimum": 4,
            }
        },
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["min_group_size"] == 4
    assert response.headers["etag"] == '"2"'


def test_a_settings_change_says_from_which_period_it_applies(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 5, 20, 9, 30, tzinfo=UTC))
    response = client.patch(
        "/v1/organization",
        json={"settings": {"period_months": 1}},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 200, response.text
    # The quarter open now (Q2) keeps quarters; months apply from its end on.
    assert response.json()["settings"]["period_months"] == 1
    assert response.json()["settings_apply_from"] == "2026-07-01T00:00:00Z"
    read = client.get("/v1/organization", headers=tenant.headers("read")).json()
    assert read["settings_apply_from"] == "2026-07-01T00:00:00Z"


def test_settings_rules(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers(**{"If-Match": '"1"'})
    for bad in (
        {"min_group_size": 2},
        {"period_months": 2},
        {"period_months": "3"},
        {"gap_threshold": 5},
        {"feedback_retention_days": 10},
        {"min_group_size": 6},  # above the stored min_comment_group_size (5)
        {"manager_group_minimum": 2},
        {"period_months": None},
        {"language": "de"},
        {"language": None},
    ):
        response = client.patch("/v1/organization", json={"settings": bad}, headers=headers)
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
    lone_manager = client.patch(
        "/v1/organization", json={"settings": {"manager_group_minimum": 1}}, headers=headers
    )
    assert lone_manager.status_code == 200
    unchanged = client.get("/v1/organization", headers=tenant.headers()).json()["settings"]
    assert unchanged == {**DEFAULTS, "manager_group_minimum": 1}


def test_only_admins_change_settings(client: TestClient, tenant: Tenant) -> None:
    response = client.patch(
        "/v1/organization",
        json={"name": "x"},
        headers=tenant.headers("write", **{"If-Match": '"1"'}),
    )
    assert response.status_code == 403


def test_org_id_cannot_be_mass_assigned(client: TestClient, tenant: Tenant) -> None:
    response = client.patch(
        "/v1/organization",
        json={"id": "org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 422


def test_the_language_of_theme_labels_is_a_setting_en_or_sv(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 5, 20, 9, 30, tzinfo=UTC))
    response = client.patch(
        "/v1/organization",
        json={"settings": {"language": "sv"}},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["settings"] == {**DEFAULTS, "language": "sv"}
    read = client.get("/v1/organization", headers=tenant.headers("read")).json()
    assert read["settings"]["language"] == "sv"
    # Versioned like every setting (the figures it leaves alone keep their values).
    assert read["settings_apply_from"] == "2026-07-01T00:00:00Z"
    back = client.patch(
        "/v1/organization",
        json={"settings": {"language": "en"}},
        headers=tenant.headers(**{"If-Match": '"2"'}),
    )
    assert back.status_code == 200, back.text
    assert back.json()["settings"] == DEFAULTS
    assert back.json()["settings_apply_from"] is None  # the waiting change is withdrawn


@pytest.mark.parametrize("language", ["de", "EN", "Sv", "sv-SE", "", 1, ["sv"]])
def test_an_unknown_language_is_a_problem_and_changes_nothing(
    client: TestClient, tenant: Tenant, language: object
) -> None:
    response = client.patch(
        "/v1/organization",
        json={"settings": {"language": language, "min_comment_group_size": 7}},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert any("language" in error["field"] for error in problem["errors"]), problem
    read = client.get("/v1/organization", headers=tenant.headers("read"))
    assert read.json()["settings"] == DEFAULTS
    assert read.headers["etag"] == '"1"'
