"""Alignment, themes and journey through the HTTP API, on SQLite and PostgreSQL, with a
frozen clock: answers in Q1 2026, the period closed on 1 April, read after."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.feedback.schemas import Relationship
from service.insights.schemas import STAKEHOLDER, Kind
from service.insights.themes import count_themes, label
from tests.conftest import Tenant
from tests.insights.corpus import CORPUS
from tests.insights.test_themes import EXPECTED_LABELS, EXPECTED_TOP, answers_of
from tests.trust.helpers import Clock, all_items, change_settings, close, person

Q1 = {"start": "2026-01-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}
AFTER_Q1 = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)


def post(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> str:
    r = client.post("/v1/feedback", json=body, headers=tenant.headers("write"))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def get(client: TestClient, tenant: Tenant, path: str, **params: str) -> dict[str, Any]:
    r = client.get(path, params=params, headers=tenant.headers("read"))
    assert r.status_code == 200, r.text
    return dict(r.json())


def belief(client: TestClient, tenant: Tenant, leader: str, statement: str) -> str:
    r = client.post(
        f"/v1/leaders/{leader}/beliefs",
        json={"statement": statement, "status": "active"},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def reflect(client: TestClient, tenant: Tenant, leader: str, ratings: dict[str, int]) -> str:
    r = client.post(
        f"/v1/leaders/{leader}/reflections",
        json={"period_start": "2026-01-01", "period_end": "2026-03-31", "scope": "self"},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text
    rid = str(r.json()["id"])
    entries = [{"belief_id": b, "alignment": a} for b, a in ratings.items()]
    r = client.patch(
        f"/v1/reflections/{rid}",
        json={"entries": entries},
        headers=tenant.headers(**{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/v1/reflections/{rid}/submit", headers=tenant.headers(**{"If-Match": '"2"'}))
    assert r.status_code == 200, r.text
    return rid


def rate(
    client: TestClient,
    tenant: Tenant,
    leader: str,
    ref: str,
    relationship: str,
    ratings: dict[str, int],
) -> None:
    post(
        client,
        tenant,
        {
            "leader_id": leader,
            "relationship": relationship,
            "answers": all_items(4),
            "belief_ratings": [{"belief_id": b, "rating": r} for b, r in ratings.items()],
            "respondent": {"reference": ref},
        },
    )


# ---------------------------------------------------------------- themes


def post_corpus(client: TestClient, tenant: Tenant) -> str:
    """The written corpus (tests/insights/corpus.py) about one new leader, in Q1."""
    leader = person(client, tenant, "L")
    for answer in CORPUS:
        post(
            client,
            tenant,
            {
                "leader_id": leader,
                "relationship": answer.relationship,
                "answers": all_items(4),
                "needs": answer.needs or None,
                "dreams": answer.dreams or None,
                "respondent": {"reference": answer.respondent},
            },
        )
    return leader


def test_the_corpus_gives_the_expected_themes_through_the_api(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = post_corpus(client, tenant)
    before = get(client, tenant, f"/v1/leaders/{leader}/themes")
    assert before["period"] is None and before["themes"] == []  # the open period: nothing
    frozen.at(AFTER_Q1)
    assert close(db) == 1
    body = get(client, tenant, f"/v1/leaders/{leader}/themes")
    assert body["period"] == Q1
    assert body["min_comment_group_size"] == 5
    shown: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for theme in body["themes"]:
        shown.setdefault((theme["kind"], theme["relationship"]), []).append(
            (theme["key"], theme["respondents"])
        )
        assert theme["respondents"] >= 5
        # the organization reads English (the default); a term is labelled with its lemma
        key = theme["key"]
        assert theme["label"] == (
            EXPECTED_LABELS[key][0] if key in EXPECTED_LABELS else key.removeprefix("term:")
        )
        assert theme["previous"] is None and theme["change"] is None
        assert 1 <= len(theme["examples"]) <= 3
        assert all(len(e.split()) <= 2 for e in theme["examples"])
    for key, expected in EXPECTED_TOP.items():
        wanted = [(k, n) for k, n in expected if n >= 5]
        assert shown.get(key, [])[: len(wanted)] == wanted, key
    # Under 5 respondents a theme is absent: no count, no text.
    assert all(n >= 5 for themes in shown.values() for _, n in themes)
    assert "tools" not in {key for key, _ in shown[("needs", "direct_report")]}  # 4 said it
    # One leader: the organization's themes are the same cells.
    org = get(client, tenant, "/v1/themes")
    assert org["leader_id"] is None
    assert [(t["kind"], t["relationship"], t["key"], t["respondents"]) for t in org["themes"]] == [
        (t["kind"], t["relationship"], t["key"], t["respondents"]) for t in body["themes"]
    ]


def themes_read_off_the_corpus(language: str) -> list[dict[str, Any]]:
    """What a leader's themes response holds for the corpus, computed with no database: per
    kind and relationship the themes at least 5 respondents share, with their examples
    (over the answers that mention the theme, as a close draws them), in response order."""
    out = []
    for kind in Kind:
        for relationship in Relationship:
            group = answers_of(kind.value, relationship.value)
            for theme in count_themes(group, 5):
                if theme.count < 5:
                    continue
                mentioning = [(r, text) for r, text in group if r in theme.respondents]
                (again,) = [t for t in count_themes(mentioning, 5) if t.key == theme.key]
                out.append(
                    {
                        "key": theme.key,
                        "label": label(theme.key, language),
                        "kind": kind.value,
                        "relationship": relationship.value,
                        "stakeholder": STAKEHOLDER[relationship].value,
                        "respondents": theme.count,
                        "previous": None,
                        "change": None,
                        "examples": list(again.examples),
                    }
                )
    return out


def test_the_corpus_gives_the_same_themes_on_sqlite_and_postgresql(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine, backend: str
) -> None:
    """Each backend's responses equal one computation with no database at all, so the two
    backends' equal each other: every theme, count, label (in both languages) and example."""
    leader = post_corpus(client, tenant)
    frozen.at(AFTER_Q1)
    assert close(db) == 1
    for language in ("en", "sv"):
        if language != "en":
            change_settings(client, tenant, language=language)
        expected = themes_read_off_the_corpus(language)
        assert len(expected) >= 40 and {t["relationship"] for t in expected} == {
            r.value for r in Relationship
        }
        assert get(client, tenant, f"/v1/leaders/{leader}/themes")["themes"] == expected, backend
        assert get(client, tenant, "/v1/themes")["themes"] == expected, backend
        top = get(client, tenant, f"/v1/leaders/{leader}/journey")["top_themes"]
        assert top == [
            t
            for kind in Kind
            for t in sorted(
                (t for t in expected if t["kind"] == kind.value),
                key=lambda t: (-t["respondents"], t["key"]),
            )[:3]
        ], backend


def test_a_theme_shared_by_four_shows_nothing_and_five_shows(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    few, five = person(client, tenant, "L1"), person(client, tenant, "L2")
    for i in range(4):
        post(
            client,
            tenant,
            {
                "leader_id": few,
                "relationship": "peer",
                "answers": all_items(3),
                "needs": f"Clearer priorities please {i}",
            },
        )
    for i in range(5):
        post(
            client,
            tenant,
            {
                "leader_id": five,
                "relationship": "peer",
                "answers": all_items(3),
                "needs": f"Clearer priorities please {i}",
            },
        )
    frozen.at(AFTER_Q1)
    close(db)
    assert get(client, tenant, f"/v1/leaders/{few}/themes")["themes"] == []
    # L2's 5 would show, but the organization's 9 minus L2's 5 would give L1's 4: the
    # organization cell shows (9) and L2's is hidden as well.
    assert get(client, tenant, f"/v1/leaders/{five}/themes")["themes"] == []
    org = get(client, tenant, "/v1/themes")["themes"]
    clarity = [t for t in org if t["key"] == "clarity"]
    assert [(t["relationship"], t["respondents"]) for t in clarity] == [("peer", 9)]
    assert "clearer priorities" in clarity[0]["examples"]


# ---------------------------------------------------------------- alignment


def test_alignment_hand_computed(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    b_blind = belief(client, tenant, leader, "Trust is given first.")
    b_hidden = belief(client, tenant, leader, "Bad news travels fast.")
    b_aligned = belief(client, tenant, leader, "Customers first.")
    b_few = belief(client, tenant, leader, "Say why.")
    rfl = reflect(client, tenant, leader, {b_blind: 5, b_hidden: 2, b_aligned: 4, b_few: 3})
    # Direct reports d1..d4 and peers p1..p3 rate the beliefs; b_few only by two.
    dr = {"d1": (3, 4, 4), "d2": (3, 4, 3), "d3": (2, 5, 4), "d4": (3, 4, 4)}
    peers = {"p1": (3, 3, 4), "p2": (2, 4, 4), "p3": (2, 4, 4)}
    for ref, (a, b, c) in dr.items():
        rate(client, tenant, leader, ref, "direct_report", {b_blind: a, b_hidden: b, b_aligned: c})
    for ref, (a, b, c) in peers.items():
        rate(client, tenant, leader, ref, "peer", {b_blind: a, b_hidden: b, b_aligned: c})
    rate(client, tenant, leader, "x1", "supplier", {b_few: 5})
    rate(client, tenant, leader, "x2", "supplier", {b_few: 1})
    open_read = get(client, tenant, f"/v1/leaders/{leader}/alignment")
    assert open_read["period"] is None
    assert {b["classification"] for b in open_read["beliefs"]} == {"insufficient_data"}
    frozen.at(AFTER_Q1)
    close(db)
    body = get(client, tenant, f"/v1/leaders/{leader}/alignment")
    assert body["period"] == Q1 and body["gap_threshold"] == 1.0
    rows = {b["belief_id"]: b for b in body["beliefs"]}
    # b_blind: 3+3+2+3+3+2+2 = 18 over 7 → 2.57; self 5 → gap 2.43 → blind spot.
    assert rows[b_blind]["others"] == {"suppressed": False, "n": 7, "mean": 2.57}
    assert rows[b_blind]["gap"] == 2.43
    assert rows[b_blind]["classification"] == "blind_spot"
    assert rows[b_blind]["reflection_id"] == rfl
    # dr 3+3+2+3 = 11/4 = 2.75; peers 2+2+3 = 7/3 = 2.33: both groups reach 3 and the
    # overall 7 minus either leaves ≥ 3, so both show.
    assert rows[b_blind]["relationships"]["direct_report"] == {
        "suppressed": False,
        "n": 4,
        "mean": 2.75,
    }
    assert rows[b_blind]["relationships"]["peer"] == {"suppressed": False, "n": 3, "mean": 2.33}
    assert rows[b_blind]["relationships"]["manager"] == {"suppressed": True}
    # b_hidden: 4+4+5+4+3+4+4 = 28/7 = 4.0; self 2 → gap −2 → hidden strength.
    assert (rows[b_hidden]["gap"], rows[b_hidden]["classification"]) == (-2.0, "hidden_strength")
    # b_aligned: 4+3+4+4+4+4+4 = 27/7 = 3.86; self 4 → gap 0.14 → aligned.
    assert rows[b_aligned]["others"]["mean"] == 3.86
    assert (rows[b_aligned]["gap"], rows[b_aligned]["classification"]) == (0.14, "aligned")
    # b_few: two raters < 3 → suppressed, no n → insufficient data.
    assert rows[b_few]["others"] == {"suppressed": True}
    assert rows[b_few]["classification"] == "insufficient_data"
    assert [b["belief_id"] for b in body["beliefs"]] == [b_blind, b_hidden, b_aligned, b_few]
    # as_of before the close: the latest period closed then is none.
    early = get(client, tenant, f"/v1/leaders/{leader}/alignment", as_of="2026-03-31T00:00:00Z")
    assert early["period"] is None

    journey = get(client, tenant, f"/v1/leaders/{leader}/journey")
    assert journey["beliefs"] == {"draft": 0, "active": 4, "retired": 0}
    assert journey["reflection"]["last_submitted_at"] is not None
    assert [g["belief_id"] for g in journey["top_gaps"]] == [b_blind, b_hidden, b_aligned]
    assert journey["trust"]["period"] == Q1
    assert journey["feedback"] == [{"period": Q1, "suppressed": False, "respondents": 9}]
    assert journey["open_period"]["answers"] == 0


def test_unknown_leader_is_404(client: TestClient, tenant: Tenant) -> None:
    for path in ("alignment", "themes", "journey"):
        r = client.get(
            f"/v1/leaders/per_01JD5ZQ8W4M3KXHNB7T2C9V6RE/{path}", headers=tenant.headers("read")
        )
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")
