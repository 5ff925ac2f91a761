"""The periods migration moves existing data, on SQLite and PostgreSQL: every organization
gets its settings schedule (quarterly, from the epoch), every feedback row its quarter and
whether it was given attributed; the old published states go; the closed periods' tables
can then be computed from the rows, and the migration round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text

from service.closing import close_due_periods
from service.db import make_engine, make_sessionmaker
from service.feedback.models import Feedback, TrustOpenCount
from service.migrate import downgrade, upgrade
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.periods.calendar import EPOCH, period_of
from service.settings import Settings
from service.trust.models import TrustPeriodCell

BEFORE = "ee0f5c4e59f9"
NOW = "2026-03-15 10:00:00"


ROWS = [
    # id, respondent_key, anonymous, submitted_at, trust, leaned_on
    ("fbk_a", "rk_1", True, "2025-11-20 09:00:00", 4, 4),
    ("fbk_b", "rk_2", True, "2026-01-02 09:00:00", 5, 5),
    ("fbk_c", "rk_3", False, "2026-02-02 09:00:00", 3, 3),  # attributed
    ("fbk_d", "rk_erased_x", True, "2026-02-03 09:00:00", 2, 2),  # respondent erased
    ("fbk_e", "rk_5", True, "2026-02-04 09:00:00", 4, 4),
    ("fbk_f", "rk_6", True, "2026-03-04 09:00:00", 4, None),  # a skipped item (old rule)
]


def test_existing_feedback_gets_its_period(empty_database_url: str) -> None:
    settings = Settings(database_url=empty_database_url)
    upgrade(settings, BEFORE)
    engine = create_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (org_id, name, version, window_days, prior_weight, "
                "min_group_size, min_comment_group_size, manager_group_minimum, "
                "emerging_leader_score, leader_lower_bound, leader_follower_share, "
                "gap_threshold, reflection_cadence_days, feedback_retention_days, created_at, "
                "updated_at) VALUES ('org_1', 'Old', 1, 180, 3.0, 4, 5, 4, 60.0, 65.0, 0.5, "
                f"1.0, 90, 400, '{NOW}', '{NOW}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO people (org_id, id, external_id, display_name, version, "
                f"created_at, updated_at) VALUES ('org_1', 'per_L', 'L', 'L', 1, '{NOW}', "
                f"'{NOW}')"
            )
        )
        for fid, key, anonymous, at, trust, leaned in ROWS:
            conn.execute(
                text(
                    "INSERT INTO feedback (org_id, id, leader_id, relationship, trust, "
                    "greater_good, want_to_follow, leaned_on, anonymous, respondent_key, "
                    "submitted_at) VALUES ('org_1', :id, 'per_L', 'peer', :t, :t, :t, :l, :a, "
                    ":k, :at)"
                ),
                {"id": fid, "t": trust, "l": leaned, "a": anonymous, "k": key, "at": at},
            )
    engine.dispose()

    upgrade(settings)
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as session:
        org = session.get(Organization, "org_1")
        assert org is not None
        assert org.period_months == 3
        schedule = schedule_of(org)
        assert [v.effective_from for v in schedule] == [EPOCH]
        assert schedule[0].settings["min_group_size"] == 4  # its settings kept
        assert schedule[0].settings["feedback_retention_days"] == 400
        rows = {f.id: f for f in session.scalars(select(Feedback))}
        for f in rows.values():
            assert f.period_start == period_of(schedule, f.submitted_at).start
        assert rows["fbk_a"].period_start == datetime(2025, 10, 1, tzinfo=UTC)
        assert rows["fbk_b"].period_start == datetime(2026, 1, 1, tzinfo=UTC)
        assert {i for i, f in rows.items() if f.attributed} == {"fbk_c", "fbk_d"}
        counts = {c.period_start.month: c.answers for c in session.scalars(select(TrustOpenCount))}
        assert counts == {10: 1, 1: 5}  # every period is open until the first close
    with make_sessionmaker(engine)() as session, session.begin():
        org = session.get(Organization, "org_1")
        assert org is not None
        assert close_due_periods(session, org, datetime(2026, 4, 2, tzinfo=UTC)) == 2
    with make_sessionmaker(engine)() as session:
        q1 = session.scalar(
            select(TrustPeriodCell).where(
                TrustPeriodCell.period_start == datetime(2026, 1, 1, tzinfo=UTC),
                TrustPeriodCell.cell == "overall",
            )
        )
        assert q1 is not None
        # b, c, d, e count (f skipped an item); 2 anonymous of 4 with k = 4: not shown.
        assert sorted(q1.members) == ["fbk_b", "fbk_c", "fbk_d", "fbk_e"]
        assert q1.shown is False
    engine.dispose()
    downgrade(settings, BEFORE)
    upgrade(settings)
