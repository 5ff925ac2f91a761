"""The linear-algebra audit of issue 9, extended to the belief and theme cells (issue 11),
through the HTTP API on both databases.

The histories of `tests/trust/test_audit.py` (answers, supersessions, retractions, erasures,
settings changes, skipped periods closed as the CronJob would), where every answer also rates
the leader's belief and writes needs and dreams. After every step every endpoint that serves
figures is read: the trust endpoints (audited as there) and alignment, the leader's themes and
the organization's themes. Every belief and theme figure served is identified as its cell's
set of contributions, from the stored cell membership, and checked: the set is exactly the
answers the rules count (latest answer per respondent in the period, as it stood at the close;
rating the belief, or mentioning the theme, in the relationship group), and the numbers served
are the set's (n and mean; count of respondents). Then the rank test over everything served
in a period — trust, belief and theme sets together, each over the variables it sums
(`(answer)` for trust, `(answer, belief)` for a belief's ratings, `(answer, kind, theme)` for
a theme's mentions), restricted to the answers nobody can read one by one — finds no vector
with fewer than the period's `min_group_size` entries; and the theme sets alone none with fewer
than `min_comment_group_size`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.db import make_sessionmaker
from service.insights import naming
from service.insights.models import InsightOrgCell
from service.insights.themes import themes_of
from service.periods.models import TrustPeriod
from service.settings import Settings
from service.trust.linear import small_vector_in_row_space
from service.trust.models import TrustPeriodCell
from tests.conftest import make_tenant
from tests.trust.audit import known_one_by_one, leak
from tests.trust.helpers import START, Clock
from tests.trust.test_audit import (
    A_REAL_CIRCLE,
    GROUP_OF,
    ITEMS,
    LONE_MANAGERS,
    Answer,
    History,
    counted,
    steps,
)

TEXTS = (
    "Clearer priorities",
    "More feedback and clear goals",
    "Less overtime, clearer priorities",
    "Tydligare mål och mer återkoppling",
    "Growth and learning 🚀",
)


def text_of(values: tuple[int, ...], kind: str) -> str:
    """The needs (or dreams) of an answer, a function of its trust answers."""
    return TEXTS[(sum(values) + (kind == "dreams")) % len(TEXTS)]


def rating_of(values: tuple[int, ...]) -> int | None:
    """The belief rating of an answer (none when its first item is 3)."""
    return None if values[0] == 3 else values[1]


@dataclass
class Shown:
    period: datetime
    leader: str | None  # None: the organization's cell
    cell: str
    shown: dict[str, Any]


@dataclass
class InsightHistory(History):
    beliefs: dict[str, str] = field(default_factory=dict)
    text_gone: dict[str, datetime] = field(default_factory=dict)  # erased respondent's text
    shown: list[Shown] = field(default_factory=list)
    connections: int = 0

    def answer(self, step: tuple[Any, ...]) -> None:
        _, leader_index, relationship, who, values = step
        leader = self.leaders[leader_index]
        respondent: dict[str, str] = {}
        if who is None:
            identity = ""
        elif who.startswith("a"):
            person = self.people[int(who[1])]
            if person is None:
                return
            respondent, identity = {"person_id": person}, f"person:{person}"
        else:
            respondent, identity = {"reference": who}, f"ref:{who}"
        rating = rating_of(values)
        r = self.client.post(
            "/v1/feedback",
            json={
                "leader_id": leader,
                "relationship": relationship,
                "answers": dict(zip(ITEMS, values, strict=True)),
                "belief_ratings": []
                if rating is None
                else [{"belief_id": self.beliefs[leader], "rating": rating}],
                "needs": text_of(values, "needs"),
                "dreams": text_of(values, "dreams"),
                "respondent": respondent,
            },
            headers=self.headers("write"),
        )
        assert r.status_code == 201, r.text
        fid = r.json()["id"]
        self.answers[fid] = Answer(
            fid,
            leader,
            relationship,
            identity or f"solo:{fid}",
            values,
            "person_id" in respondent,
            self.clock.now,
        )

    def run(self, step: tuple[Any, ...]) -> None:
        if step[0] == "erase" and self.people[step[1]] is not None:
            person = self.people[step[1]]
            for a in self.answers.values():  # their free text is deleted with them
                if a.identity == f"person:{person}":
                    self.text_gone.setdefault(a.id, self.clock.now)
        super().run(step)

    def read_everything(self) -> None:
        super().read_everything()
        for leader in self.leaders:
            alignment = self.get(f"/v1/leaders/{leader}/alignment")
            if alignment["period"] is not None:
                for belief in alignment["beliefs"]:
                    self.keep(
                        alignment["period"],
                        leader,
                        naming.belief(belief["belief_id"]),
                        belief["others"],
                    )
                    for rel, figure in belief["relationships"].items():
                        self.keep(
                            alignment["period"],
                            leader,
                            naming.belief(belief["belief_id"], rel),
                            figure,
                        )
                    for group, figure in (belief["stakeholder_groups"] or {}).items():
                        self.keep(
                            alignment["period"],
                            leader,
                            naming.belief_group(belief["belief_id"], group),
                            figure,
                        )
            self.keep_themes(self.get(f"/v1/leaders/{leader}/themes"), leader)
            self.keep_connections(self.get(f"/v1/leaders/{leader}/connections"), leader)
        self.keep_themes(self.get("/v1/themes"), None)
        self.keep_connections(self.get("/v1/connections"), None)

    def get(self, path: str) -> dict[str, Any]:
        r = self.client.get(path, headers=self.headers("read"))
        assert r.status_code == 200, r.text
        return dict(r.json())

    def keep(
        self, period: dict[str, str], leader: str | None, cell: str, shown: dict[str, Any]
    ) -> None:
        if shown.get("suppressed", False):
            assert shown == {"suppressed": True}  # nothing else, not even n
            return
        self.shown.append(Shown(datetime.fromisoformat(period["start"]), leader, cell, shown))

    def keep_themes(self, body: dict[str, Any], leader: str | None) -> None:
        for theme in body["themes"]:
            name = naming.theme(theme["kind"], theme["relationship"], theme["key"])
            assert theme["level"] == "relationship"
            self.keep(body["period"], leader, name, {"respondents": theme["respondents"]})
        for theme in body["stakeholder_groups"]:
            scope = naming.group_scope(theme["stakeholder"])
            assert theme["level"] == "stakeholder_group"
            name = naming.theme(theme["kind"], scope, theme["key"])
            self.keep(body["period"], leader, name, {"respondents": theme["respondents"]})
        for theme in body["overall"]:
            assert theme["level"] == ("leader" if leader else "organization")
            name = naming.theme(theme["kind"], naming.ALL, theme["key"])
            self.keep(body["period"], leader, name, {"respondents": theme["respondents"]})
        for count in body["answered"]:
            scope = {
                "leader": naming.ALL,
                "organization": naming.ALL,
                "stakeholder_group": naming.group_scope(count.get("stakeholder", "")),
                "relationship": count.get("relationship"),
            }[count["level"]]
            figure = {"suppressed": True}
            if not count["suppressed"]:
                figure = {"respondents": count["respondents"]}
            self.keep(body["period"], leader, naming.answered(count["kind"], str(scope)), figure)

    def keep_connections(self, body: dict[str, Any], leader: str | None) -> None:
        """A connection's figures are its whole circle's theme figure and each group's own
        theme figure: audited as those cells."""
        for c in body["connections"]:
            whole = naming.theme(c["kind"], naming.ALL, c["key"])
            self.keep(body["period"], leader, whole, {"respondents": c["respondents"]})
            assert len(c["stakeholder_groups"]) >= 2
            for group in c["stakeholder_groups"]:
                scope = naming.group_scope(group["stakeholder"])
                name = naming.theme(c["kind"], scope, c["key"])
                figure = {k: v for k, v in group.items() if k != "stakeholder"}
                if not figure["suppressed"]:
                    figure = {"respondents": figure["respondents"]}
                self.keep(body["period"], leader, name, figure)
            self.connections += 1


def columns(cell: str, members: frozenset[str]) -> frozenset[Hashable]:
    if cell.startswith(naming.BELIEF):
        belief = cell[len(naming.BELIEF) :].split(":", 1)[0]
        return frozenset((f, "belief", belief) for f in members)
    if cell.startswith(naming.THEME):
        kind, _, key = naming.parse_theme(cell)
        return frozenset((f, kind, key) for f in members)
    if cell.startswith(naming.ANSWERED):
        kind = cell[len(naming.ANSWERED) :].split(":", 1)[0]
        return frozenset((f, kind, "answered") for f in members)
    return members


def audit(history: InsightHistory) -> int:
    org_id = history.tenant.org_id
    with make_sessionmaker(history.engine)() as session:
        periods = {
            p.period_start: p
            for p in session.scalars(select(TrustPeriod).where(TrustPeriod.org_id == org_id))
        }
        cells: dict[tuple[datetime, str | None, str], frozenset[str]] = {}
        shown_flags: dict[tuple[datetime, str | None, str], bool] = {}
        for c in session.scalars(select(TrustPeriodCell).where(TrustPeriodCell.org_id == org_id)):
            cells[(c.period_start, c.leader_id, c.cell)] = frozenset(c.members)
            shown_flags[(c.period_start, c.leader_id, c.cell)] = c.shown
        for o in session.scalars(select(InsightOrgCell).where(InsightOrgCell.org_id == org_id)):
            cells[(o.period_start, None, o.cell)] = frozenset(o.members)
            shown_flags[(o.period_start, None, o.cell)] = o.shown

    served: dict[datetime, set[frozenset[Hashable]]] = {}
    for f in history.shown:
        key = (f.period, f.leader, f.cell)
        assert shown_flags[key], f
        members = cells[key]
        period = periods[f.period]
        in_period = [
            a
            for a in history.answers.values()
            if (f.leader is None or a.leader == f.leader)
            and period.period_start <= a.submitted_at < period.period_end
        ]
        by_leader: dict[str, list[Answer]] = {}
        for a in in_period:
            by_leader.setdefault(a.leader, []).append(a)
        expected = {
            i: a
            for answers in by_leader.values()
            for i, a in counted(iter(answers), period.period_end).items()
        }
        if f.cell.startswith(naming.BELIEF):
            rest = f.cell[len(naming.BELIEF) :].split(":rel:")
            expected = {i: a for i, a in expected.items() if rating_of(a.values) is not None}
            if len(rest) == 2:
                expected = {i: a for i, a in expected.items() if a.relationship == rest[1]}
            group = f.cell[len(naming.BELIEF) :].split(":group:")
            if len(group) == 2:
                expected = {
                    i: a for i, a in expected.items() if GROUP_OF[a.relationship] == group[1]
                }
            assert members == set(expected), (f, sorted(members), sorted(expected))
            ratings = [rating_of(a.values) or 0 for a in expected.values()]
            assert f.shown["n"] == len(ratings)
            assert f.shown["mean"] == pytest.approx(sum(ratings) / len(ratings), abs=0.006)
        else:
            if f.cell.startswith(naming.ANSWERED):  # who wrote any text (TEXTS are never empty)
                kind, scope = f.cell[len(naming.ANSWERED) :].split(":", 1)
                theme, minimum = None, int(period.settings["min_group_size"])
            else:
                kind, scope, theme = naming.parse_theme(f.cell)
                minimum = int(period.settings["min_comment_group_size"])
            expected = {
                i: a
                for i, a in expected.items()
                if scope
                in (naming.ALL, a.relationship, naming.group_scope(GROUP_OF[a.relationship]))
                and (i not in history.text_gone or history.text_gone[i] >= period.closed_at)
                and (theme is None or theme in themes_of(text_of(a.values, kind)))
            }
            assert members == set(expected), (f, sorted(members), sorted(expected))
            assert f.shown["respondents"] == len(members)
            assert len(members) >= minimum
        served.setdefault(f.period, set()).add(columns(f.cell, members))

    # The trust figures served, as their sets (audited on their own by the trust audit).
    for fig in history.figures:
        served.setdefault(fig.period, set()).add(cells[(fig.period, fig.leader, fig.cell)])

    def secret(start: datetime) -> set[str]:
        """The period's answers not known one by one (a lone manager: only a leader's one
        manager answer, when the period's manager_group_minimum is below min_group_size)."""
        p = periods[start]
        lone = p.settings["manager_group_minimum"] < p.settings["min_group_size"]
        in_period = [
            a for a in history.answers.values() if p.period_start <= a.submitted_at < p.period_end
        ]
        voices: list[Answer] = []
        for leader in history.leaders:
            voices += counted((a for a in in_period if a.leader == leader), p.period_end).values()
        knowable = known_one_by_one(
            ((a.id, a.leader, a.relationship, a.attributed) for a in voices), lone
        )
        return {a.id for a in in_period} - knowable

    for start, sets in served.items():
        anonymous = secret(start)
        rows = sorted(sets, key=lambda s: sorted(map(str, s)))
        anonymous_columns = {
            col
            for row in rows
            for col in row
            if (col[0] if isinstance(col, tuple) else col) in anonymous
        }
        k = int(periods[start].settings["min_group_size"])
        assert leak(rows, anonymous_columns, k) is None, (start, rows)
        theme_rows = [  # the theme cells (the counts of who answered hold to min_group_size)
            row
            for row in rows
            if any(isinstance(c, tuple) and c[1] != "belief" and c[2] != "answered" for c in row)
        ]
        k_comment = int(periods[start].settings["min_comment_group_size"])
        assert not small_vector_in_row_space(theme_rows, anonymous_columns, k_comment)
    return sum(len(s) for s in served.values())


@pytest.fixture
def client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 0}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("examples", [8])
def test_no_small_vector_in_the_span_of_everything_served_insights_included(
    client: TestClient, db: Engine, frozen: Clock, examples: int
) -> None:
    totals = {"sets": 0, "histories": 0, "insight_figures": 0, "levels": 0, "connections": 0}

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(history_steps=steps)
    @example(history_steps=LONE_MANAGERS)
    @example(history_steps=A_REAL_CIRCLE)
    def check(history_steps: list[tuple[Any, ...]]) -> None:
        frozen.now = START
        tenant = make_tenant(db, "Audit")
        history = InsightHistory(client, tenant, frozen, db)
        for name in ("L0", "L1", "A0", "A1", "A2"):
            r = client.post(
                "/v1/people",
                json={"external_id": name, "display_name": name},
                headers=tenant.headers(),
            )
            assert r.status_code == 201, r.text
            (history.leaders if name.startswith("L") else history.people).append(r.json()["id"])
        for leader in history.leaders:
            r = client.post(
                f"/v1/leaders/{leader}/beliefs",
                json={"statement": "Trust is given first.", "status": "active"},
                headers=tenant.headers(),
            )
            assert r.status_code == 201, r.text
            history.beliefs[leader] = r.json()["id"]
        for step in [
            ("burst", 0, [("peer", None, (4, 4, 4, 4))] * 5),  # figures for each leader
            ("burst", 1, [("direct_report", None, (2, 3, 4, 5))] * 5),
            ("skip", 90),  # the bursts' period closes and is read while it is the latest
            *history_steps,
        ]:
            history.run(step)
        history.run(("skip", 200))  # close whatever is still open
        totals["sets"] += audit(history)
        totals["insight_figures"] += len(history.shown)
        totals["connections"] += history.connections
        totals["levels"] += sum(
            ":group:" in f.cell or naming.parse_theme(f.cell)[1] in (naming.ALL, "group.employees")
            for f in history.shown
            if f.cell.startswith(naming.THEME) or ":group:" in f.cell
        )
        totals["histories"] += 1

    check()
    print(f"audit: {totals}")
    assert totals["histories"] >= examples
    assert totals["insight_figures"] > 0  # the audit saw belief and theme figures
    assert totals["levels"] > 0  # among them stakeholder groups and whole circles
    assert totals["connections"] > 0  # and connections
