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
    assert score["overall"]["suppressed"] is False and score["overall"]["n"] == 15

    alignment = client.get(f"/v1/leaders/{ada}/alignment", headers=headers).json()
    classes = [b["classification"] for b in alignment["beliefs"]]
    # 43/15 = 2.87 against 5; 64/15 = 4.27 against 2; 59/15 = 3.93 against 4
    assert classes == ["hidden_strength", "blind_spot", "aligned"]
    assert [b["gap"] for b in alignment["beliefs"]] == [-2.27, 2.13, 0.07]

    themes = client.get(f"/v1/leaders/{ada}/themes", headers=headers).json()["themes"]
    shown = {(t["kind"], t["relationship"], t["key"]): t["respondents"] for t in themes}
    assert shown[("needs", "direct_report", "clarity")] == 6  # "focus" too
    assert shown[("dreams", "direct_report", "growth")] == 6
    assert shown[("needs", "peer", "communication")] == 5
    assert shown[("dreams", "peer", "collaboration")] == 5
    assert client.get("/v1/themes", headers=headers).json()["themes"]

    journey = client.get(f"/v1/leaders/{ada}/journey", headers=headers).json()
    assert journey["trust"]["overall"]["n"] == 15
    assert len(journey["top_gaps"]) == 3
    assert journey["top_themes"]
