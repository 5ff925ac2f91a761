"""Alignment, themes and journey through the HTTP API, on SQLite and PostgreSQL, with a
frozen clock: answers in Q1 2026, the period closed on 1 April, read after."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.db import make_sessionmaker
from service.feedback.schemas import STAKEHOLDER, Relationship, Stakeholder
from service.insights import naming
from service.insights.cells import theme_cells
from service.insights.models import InsightOrgCell
from service.insights.schemas import Kind
from service.insights.themes import label, themes_of
from service.trust.models import TrustPeriodCell
from service.trust.tables import Contribution, Rules, counted
from tests.conftest import Tenant
from tests.insights.corpus import CORPUS
from tests.insights.test_themes import EXPECTED_LABELS, EXPECTED_TOP
from tests.trust.audit import leak
from tests.trust.helpers import START, Clock, all_items, change_settings, close, person
from tests.trust.test_audit import GROUP_OF

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
    # A relationship's theme that shows has the count read off the corpus by hand (it may
    # hide where the levels above it would isolate fewer than 5 mentions).
    for key, expected in EXPECTED_TOP.items():
        for theme, n in shown.get(key, []):
            assert n == dict(expected).get(theme, n), (key, theme)
    # Every level counts the respondents of its scope whose answer mentions the theme.
    levels = [("relationship", t, {t["relationship"]}) for t in body["themes"]]
    levels += [
        ("stakeholder_group", t, {r for r, g in GROUP_OF.items() if g == t["stakeholder"]})
        for t in body["stakeholder_groups"]
    ]
    levels += [("leader", t, set(GROUP_OF)) for t in body["overall"]]
    for level, theme, relationships in levels:
        assert theme["level"] == level
        assert theme["respondents"] >= 5
        # the organization reads English (the default); a term is labelled with its lemma
        key = theme["key"]
        assert theme["label"] == (
            EXPECTED_LABELS[key][0] if key in EXPECTED_LABELS else key.removeprefix("term:")
        )
        mentions = {
            a.respondent
            for a in CORPUS
            if a.relationship in relationships
            and theme["key"] in themes_of((a.needs if theme["kind"] == "needs" else a.dreams) or "")
        }
        assert theme["respondents"] == len(mentions), theme
    assert body["themes"] and body["stakeholder_groups"] and body["overall"]  # every level
    # Under 5 respondents a theme is absent: no count, no text.
    assert all(n >= 5 for themes in shown.values() for _, n in themes)
    assert "tools" not in {key for key, _ in shown.get(("needs", "direct_report"), [])}
    # One leader: the organization's themes are its circle's.
    org = get(client, tenant, "/v1/themes")
    assert org["leader_id"] is None
    assert org["themes"] == [] and org["stakeholder_groups"] == []
    assert [(t["kind"], t["key"], t["respondents"]) for t in org["overall"]] == [
        (t["kind"], t["key"], t["respondents"]) for t in body["overall"]
    ]
    assert {t["level"] for t in org["overall"]} == {"organization"}


def themes_read_off_the_corpus(language: str) -> dict[str, list[dict[str, Any]]]:
    """What a leader's themes and connections responses hold for the corpus at every level,
    computed with no database: the period's theme cells (`theme_cells`, pure) over the
    corpus's answers, the shown ones as the responses write them."""
    contributions = [
        Contribution(f"f{i:04d}", "L", a.respondent, a.relationship, all_items(4), False, START)
        for i, a in enumerate(CORPUS)
    ]
    texts = {f"f{i:04d}": (a.needs or None, a.dreams or None) for i, a in enumerate(CORPUS)}
    cells = theme_cells(counted(contributions), texts, Rules(3, 3), 5)
    out: dict[str, list[dict[str, Any]]] = {"overall": [], "stakeholder_groups": [], "themes": []}
    shown = {cell.name: cell.stats for cell in cells if cell.shown and cell.leader_id == "L"}
    out["connections"] = []
    for name, stats in shown.items():
        if name.startswith(naming.CONNECTION):
            kind, key = naming.parse_connection(name)
            groups = []
            order = [g.value for g in Stakeholder]  # as responses list them
            for group in sorted(stats["groups"], key=order.index):
                count = shown.get(naming.theme(kind, naming.group_scope(group), key))
                groups.append(
                    {"stakeholder": group, "suppressed": True}
                    if count is None
                    else {"stakeholder": group, "suppressed": False, "respondents": count["n"]}
                )
            out["connections"].append(
                {
                    "key": key,
                    "label": label(key, language),
                    "kind": kind,
                    "level": "leader",
                    "respondents": stats["n"],
                    "stakeholder_groups": groups,
                }
            )
    for cell in cells:
        if not (cell.shown and cell.leader_id == "L" and cell.name.startswith(naming.THEME)):
            continue
        kind, scope, key = naming.parse_theme(cell.name)
        theme = {
            "key": key,
            "label": label(key, language),
            "kind": kind,
            "respondents": cell.stats["n"],
            "previous": None,
            "change": None,
            "examples": cell.stats["examples"],
        }
        if scope == naming.ALL:
            out["overall"].append({**theme, "level": "leader"})
        elif scope.startswith(naming.GROUP_SCOPE):
            group = scope.removeprefix(naming.GROUP_SCOPE)
            out["stakeholder_groups"].append(
                {**theme, "level": "stakeholder_group", "stakeholder": group}
            )
        else:
            stakeholder = STAKEHOLDER[Relationship(scope)].value
            out["themes"].append(
                {
                    **theme,
                    "level": "relationship",
                    "relationship": scope,
                    "stakeholder": stakeholder,
                }
            )
    return out


def unordered(themes: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(t, sort_keys=True) for t in themes)


def test_the_corpus_gives_the_same_themes_on_sqlite_and_postgresql(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine, backend: str
) -> None:
    """Each backend's responses equal one computation with no database at all, so the two
    backends' equal each other: every theme, count, label (in both languages) and example,
    at every level."""
    leader = post_corpus(client, tenant)
    frozen.at(AFTER_Q1)
    assert close(db) == 1
    for language in ("en", "sv"):
        if language != "en":
            change_settings(client, tenant, language=language)
        expected = themes_read_off_the_corpus(language)
        assert len(expected["overall"]) >= 20 and expected["stakeholder_groups"]
        assert {t["relationship"] for t in expected["themes"]} >= {"direct_report", "peer"}
        body = get(client, tenant, f"/v1/leaders/{leader}/themes")
        connections = expected.pop("connections")
        for level, themes in expected.items():
            assert unordered(body[level]) == unordered(themes), (backend, level)
        assert len(connections) >= 3  # the corpus's stakeholders share needs and dreams
        served = get(client, tenant, f"/v1/leaders/{leader}/connections")["connections"]
        assert unordered(served) == unordered(connections), backend
        org = get(client, tenant, "/v1/themes")["overall"]
        assert unordered(org) == unordered(
            [{**t, "level": "organization"} for t in expected["overall"]]
        ), backend
        journey = get(client, tenant, f"/v1/leaders/{leader}/journey")
        for field, level in (("top_themes", "themes"), ("top_overall_themes", "overall")):
            assert journey[field] == [
                t
                for kind in Kind
                for t in sorted(
                    (t for t in body[level] if t["kind"] == kind.value),
                    key=lambda t: (-t["respondents"], t["key"]),
                )[:3]
            ], (backend, field)


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
    nothing = {"overall": [], "stakeholder_groups": [], "themes": []}
    few_body = get(client, tenant, f"/v1/leaders/{few}/themes")
    assert {key: few_body[key] for key in nothing} == nothing
    # L2's 5 would show, but the organization's 9 minus L2's 5 would give L1's 4: the
    # organization cell shows (9) and L2's is hidden as well, at every level.
    five_body = get(client, tenant, f"/v1/leaders/{five}/themes")
    assert {key: five_body[key] for key in nothing} == nothing
    org = get(client, tenant, "/v1/themes")["overall"]
    clarity = [t for t in org if t["key"] == "clarity"]
    assert [(t["level"], t["respondents"]) for t in clarity] == [("organization", 9)]
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


# ---------------------------------------------------------------- a real circle (issue 19)


def test_a_real_circle_shows_its_groups_and_no_subtraction_recovers_a_small_relationship(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    """4 direct reports, 3 peers, 2 internal and 2 external customers, 3 suppliers; 5
    employees share a need and 4 customers answer."""
    leader = person(client, tenant, "L")
    circle = [("direct_report", 4), ("peer", 3), ("internal_customer", 2)]
    circle += [("external_customer", 2), ("supplier", 3)]
    sharing = {("direct_report", 0), ("direct_report", 1), ("direct_report", 2)}
    sharing |= {("peer", 0), ("peer", 1)}
    for relationship, n in circle:
        for i in range(n):
            needs = "Clearer priorities" if (relationship, i) in sharing else "Faster answers"
            post(
                client,
                tenant,
                {
                    "leader_id": leader,
                    "relationship": relationship,
                    "answers": all_items(4 if i % 2 else 3),
                    "needs": needs,
                },
            )
    frozen.at(AFTER_Q1)
    assert close(db) == 1
    score = get(client, tenant, f"/v1/leaders/{leader}/trust-score")
    groups = score["stakeholder_groups"]
    assert (groups["customers"]["n"], groups["suppliers"]["n"]) == (4, 3)
    assert groups["employees"]["n"] == 7 and score["overall"]["n"] == 14
    for small in ("internal_customer", "external_customer"):
        assert score["relationships"][small] == {"suppressed": True}
    themes = get(client, tenant, f"/v1/leaders/{leader}/themes")
    employees = [t for t in themes["stakeholder_groups"] if t["key"] == "clarity"]
    assert [(t["stakeholder"], t["respondents"]) for t in employees] == [("employees", 5)]
    assert not any(t["key"] == "clarity" for t in themes["themes"])  # 3 direct reports, 2 peers
    answered = {(a["kind"], a.get("relationship") or a["level"]): a for a in themes["answered"]}
    assert answered[("needs", "leader")]["respondents"] == 14
    assert answered[("needs", "internal_customer")] == {
        "kind": "needs",
        "level": "relationship",
        "stakeholder": "customers",
        "relationship": "internal_customer",
        "suppressed": True,
    }
    assert answered[("dreams", "leader")]["suppressed"] is True  # nobody wrote dreams

    # Whatever is shown, no combination isolates fewer than the minimum: the rank test over
    # every shown cell of the period, each block over its own variables.
    with make_sessionmaker(db)() as session:
        shown = [
            (c.cell, frozenset(c.members))
            for c in session.scalars(select(TrustPeriodCell).where(TrustPeriodCell.shown))
        ]
        shown += [
            (c.cell, frozenset(c.members))
            for c in session.scalars(select(InsightOrgCell).where(InsightOrgCell.shown))
        ]
    blocks: dict[str, list[frozenset[str]]] = {}
    for name, members in shown:
        block = name.rsplit(":", 1)[0] if name.startswith("answered:") else name
        if name.startswith(naming.THEME):
            kind, _, key = naming.parse_theme(name)
            block = f"theme {kind} {key}"
        elif name.startswith(naming.CONNECTION):
            kind, key = naming.parse_connection(name)
            block = f"theme {kind} {key}"
        elif not name.startswith(naming.ANSWERED):
            block = "trust"
        blocks.setdefault(block, []).append(members)
    assert {"trust", "theme needs clarity"} <= set(blocks)
    for block, rows in blocks.items():
        every = set().union(*rows)
        k = 5 if block.startswith("theme") else 3
        assert leak(rows, every, k) is None, block
