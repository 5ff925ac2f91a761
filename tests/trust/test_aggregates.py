"""The kept aggregates always equal a recomputation from the feedback rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service import clock
from service.db import make_sessionmaker
from service.feedback.models import Feedback
from service.feedback.schemas import FeedbackCreate
from service.feedback.service import create_feedback, get_feedback, retract_feedback
from service.organizations.service import create_organization, get_organization
from service.people.models import Person
from service.people.schemas import PersonCreate
from service.people.service import create_person
from service.trust.aggregates import OVERALL, answers_of, group_cell, live_cells, rebuild
from service.trust.models import OrgPriorState, TrustCell, TrustCellState, TrustContribution
from service.trust.publication import changed
from service.trust.scoring import Stats
from service.trust.service import trust_score

SECRET = "test-secret-of-sufficient-length-0123456789"
T0 = datetime(2026, 3, 1, tzinfo=UTC)

answers = st.fixed_dictionaries(
    {},
    optional={
        k: st.integers(1, 5) for k in ("trust", "greater_good", "want_to_follow", "leaned_on")
    },
).filter(bool)
submit = st.tuples(
    st.just("submit"),
    st.integers(0, 1),
    st.one_of(st.none(), st.integers(0, 2)),
    st.sampled_from(["peer", "direct_report", "manager"]),
    answers,
)
retract = st.tuples(st.just("retract"), st.integers(0, 3))  # one of the latest few
wait = st.tuples(st.just("wait"), st.integers(1, 120))
setting = st.tuples(st.just("settings"), st.integers(3, 5), st.sampled_from([30, 90, 180]))
operations = st.lists(st.one_of(submit, submit, retract, wait, setting), min_size=1, max_size=30)


def _latest_counted(rows: list[Feedback]) -> dict[tuple[str, str], Feedback]:
    latest: dict[tuple[str, str], Feedback] = {}
    for f in sorted(rows, key=lambda f: (f.submitted_at, f.id)):
        if f.retracted_at is None:
            latest[(f.leader_id, f.respondent_key)] = f
    return latest


def check_against_rows(session: Session, org_id: str, now: datetime) -> None:
    org = get_organization(session, org_id)
    rows = list(session.scalars(select(Feedback).where(Feedback.org_id == org_id)))
    expected = _latest_counted(rows)
    kept = {
        (c.leader_id, c.respondent_key): c
        for c in session.scalars(
            select(TrustContribution).where(TrustContribution.org_id == org_id)
        )
    }
    assert {k: c.feedback_id for k, c in kept.items()} == {k: f.id for k, f in expected.items()}
    for key, c in kept.items():
        f = expected[key]
        assert (c.relationship, c.submitted_at, answers_of(c)) == (
            f.relationship,
            f.submitted_at,
            answers_of(f),
        )
    by_id = {f.id: f for f in rows}
    for leader_id in {k[0] for k in expected}:
        from_rows = live_cells([c for (lid, _), c in kept.items() if lid == leader_id], org, now)
        start = now - timedelta(days=org.window_days)
        in_window = [
            f
            for (lid, _), f in expected.items()
            if lid == leader_id and start < f.submitted_at <= now
        ]
        assert from_rows[OVERALL].stats == Stats.total(Stats.of(answers_of(f)) for f in in_window)
        for rel in {f.relationship for f in in_window}:
            assert from_rows[group_cell(rel)].stats == Stats.total(
                Stats.of(answers_of(f)) for f in in_window if f.relationship == rel
            )
    cells = list(session.scalars(select(TrustCell).where(TrustCell.org_id == org_id)))
    for cell in cells:  # every published state's statistics are its members' answers
        members = [by_id[fid] for fid in cell.members.values()]
        assert Stats.from_json(cell.stats) == Stats.total(Stats.of(answers_of(f)) for f in members)
        assert (cell.n, cell.sum_u) == (len(members), Stats.from_json(cell.stats).sum_u)
    prior = session.scalars(
        select(OrgPriorState)
        .where(OrgPriorState.org_id == org_id)
        .order_by(OrgPriorState.seq.desc())
        .limit(1)
    ).first()
    overall = [c for c in cells if c.cell == OVERALL]
    if prior is not None:
        assert (prior.n, prior.sum_u) == (sum(c.n for c in overall), sum(c.sum_u for c in overall))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
@example(
    ops=[
        ("submit", 0, 0, "peer", {"trust": 3}),
        ("submit", 0, 0, "peer", {"trust": 4}),
        ("retract", 0),
    ]
)  # a retraction lets the respondent's previous answer count again
@example(
    ops=[
        ("submit", 0, 1, "peer", {"trust": 3}),
        ("wait", 100),
        ("submit", 0, 1, "manager", {"leaned_on": 5}),
        ("wait", 100),
        ("retract", 0),
    ]
)
def test_kept_aggregates_equal_recomputation(
    db: Engine, monkeypatch: pytest.MonkeyPatch, ops: list[tuple]
) -> None:
    now = [T0]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    factory = make_sessionmaker(db)
    with factory() as session, session.begin():
        org = create_organization(session, "prop")
        leaders = [
            create_person(
                session, org.org_id, PersonCreate(external_id=f"L{i}", display_name=f"L{i}")
            ).id
            for i in range(2)
        ]
        org_id = org.org_id
    submitted: list[str] = []
    for op in ops:
        with factory() as session, session.begin():
            org = get_organization(session, org_id)
            if op[0] == "submit":
                _, leader, ref, relationship, items = op
                body = FeedbackCreate.model_validate(
                    {
                        "leader_id": leaders[leader],
                        "relationship": relationship,
                        "answers": items,
                        "respondent": {} if ref is None else {"reference": f"r{ref}"},
                    }
                )
                submitted.append(create_feedback(session, org, body, SECRET, now[0]).id)
            elif op[0] == "retract" and submitted:
                feedback = get_feedback(session, org_id, submitted[-1 - op[1] % len(submitted)])
                retract_feedback(session, org, feedback, now[0])
            elif op[0] == "wait":
                now[0] += timedelta(days=op[1])
            elif op[0] == "settings":
                org.min_group_size, org.window_days = op[1], op[2]
                org.min_comment_group_size = max(org.min_comment_group_size, op[1])
                org.manager_group_minimum = max(org.manager_group_minimum, op[1])
        # Read every leader now, as a poller would (a read publishes what aged out).
        with factory() as session, session.begin():
            org = get_organization(session, org_id)
            for leader_id in leaders:
                trust_score(session, org, session.get(Person, (org_id, leader_id)), None, now[0])
    with factory() as session:
        check_against_rows(session, org_id, now[0])
        check_published_steps(session, org_id, step=3)
    with factory() as session, session.begin():  # a rebuild from the rows changes nothing
        before = _contributions(session, org_id)
        rebuild(session, get_organization(session, org_id), now[0])
        assert _contributions(session, org_id) == before
        check_against_rows(session, org_id, now[0])


def _contributions(session: Session, org_id: str) -> dict[tuple[str, str], str]:
    return {
        (c.leader_id, c.respondent_key): c.feedback_id
        for c in session.scalars(
            select(TrustContribution).where(TrustContribution.org_id == org_id)
        )
    }


def check_published_steps(session: Session, org_id: str, step: int) -> None:
    """Between any two readable states of a cell (and the empty state before the first), the
    set of contributors differs by 0 or at least `step` respondents."""
    states: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in session.scalars(
        select(TrustCellState).where(TrustCellState.org_id == org_id).order_by(TrustCellState.seq)
    ):
        states.setdefault((row.leader_id, row.cell), [{}]).append(row.members)
    for key, history in states.items():
        for i, a in enumerate(history):
            for b in history[i + 1 :]:
                assert changed(a, b) == 0 or changed(a, b) >= step, (key, a, b)
