"""The demo organization of `calling serve` shows a published score, a blind spot, a hidden
strength and themes from its closed period."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.closing import close_all
from service.db import make_sessionmaker, utcnow
from service.demo import create_demo


def test_the_demo_leader_has_a_score_a_blind_spot_and_themes(
    client: TestClient, db: Engine
) -> None:
    with make_sessionmaker(db)() as session, session.begin():
        _, token = create_demo(session, "demo-secret-for-tests", utcnow())
    assert close_all(make_sessionmaker(db)) == 1  # as `calling serve` does as it starts
    headers = {"Authorization": f"Bearer {token}"}
    people = client.get("/v1/people", headers=headers).json()["data"]
    (ada,) = [p["id"] for p in people if p["display_name"] == "Ada Lindqvist"]

    score = client.get(f"/v1/leaders/{ada}/trust-score", headers=headers).json()
    assert score["period"] is not None
    assert score["overall"]["suppressed"] is False and score["overall"]["n"] == 20
    # 13 employees, 4 customers (2 internal, 2 external: each hidden), 3 suppliers
    groups = {g: f.get("n") for g, f in score["stakeholder_groups"].items()}
    assert groups == {"employees": 13, "customers": 4, "suppliers": 3, "other": None}
    assert score["relationships"]["internal_customer"] == {"suppressed": True}
    assert score["relationships"]["external_customer"] == {"suppressed": True}
    # employees − direct reports − peers would be the one manager: the peers hide
    assert score["relationships"]["direct_report"]["n"] == 7
    assert score["relationships"]["peer"] == {"suppressed": True}

    alignment = client.get(f"/v1/leaders/{ada}/alignment", headers=headers).json()
    classes = [b["classification"] for b in alignment["beliefs"]]
    # 43/15 = 2.87 against 5; 64/15 = 4.27 against 2; 59/15 = 3.93 against 4 (the outside
    # contacts do not rate the beliefs)
    assert classes == ["hidden_strength", "blind_spot", "aligned"]
    assert [b["gap"] for b in alignment["beliefs"]] == [-2.27, 2.13, 0.07]

    themes = client.get(f"/v1/leaders/{ada}/themes", headers=headers).json()
    overall = {(t["kind"], t["key"]): t for t in themes["overall"]}
    assert overall[("needs", "clarity")]["respondents"] == 6  # "focus" too
    assert "tydligare prioriteringar" in overall[("needs", "clarity")]["examples"]
    assert overall[("dreams", "growth")]["respondents"] == 6
    delivery = overall[("needs", "delivery")]
    assert delivery["respondents"] == 8  # peers, the manager, customers and suppliers
    assert "gemensam prognos" in delivery["examples"]  # Swedish and English examples
    groups_shown = {(t["kind"], t["stakeholder"], t["key"]) for t in themes["stakeholder_groups"]}
    assert ("needs", "employees", "communication") in groups_shown
    relationships = {(t["kind"], t["relationship"], t["key"]) for t in themes["themes"]}
    assert ("needs", "direct_report", "clarity") in relationships
    assert client.get("/v1/themes", headers=headers).json()["overall"]

    connections = client.get(f"/v1/leaders/{ada}/connections", headers=headers).json()
    (forecast,) = [c for c in connections["connections"] if c["key"] == "delivery"]
    assert (forecast["kind"], forecast["key"], forecast["respondents"]) == ("needs", "delivery", 8)
    assert forecast["stakeholder_groups"] == [
        {"stakeholder": "employees", "suppressed": True},  # 3: under 5
        {"stakeholder": "suppliers", "suppressed": True},
    ]

    journey = client.get(f"/v1/leaders/{ada}/journey", headers=headers).json()
    assert journey["trust"]["overall"]["n"] == 20
    assert len(journey["top_gaps"]) == 3
    assert journey["top_themes"] and journey["top_overall_themes"]
