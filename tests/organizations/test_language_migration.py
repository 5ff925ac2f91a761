"""The language migration, on SQLite and PostgreSQL: every organization reads English labels
as before, every version of its settings schedule carries `language`, so a change of
another setting is versioned as before; it round-trips."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from service.db import make_engine, make_sessionmaker
from service.migrate import downgrade, upgrade
from service.organizations.models import Organization
from service.organizations.schemas import OrganizationSettings
from service.organizations.service import schedule_of, settings_of, to_out
from service.settings import Settings

BEFORE = "b7e4c2a9d1f3"
NOW = "2026-03-15 10:00:00"
ORG = "org_01JD5ZQ8W4M3KXHNB7T2C9V6RE"
# The settings an organization had before: all of today's but `language`.
FIGURES = {k: v for k, v in OrganizationSettings().model_dump().items() if k != "language"}
SCHEDULE = [
    {"effective_from": "1970-01-01T00:00:00+00:00", "settings": {**FIGURES, "period_months": 1}},
    {"effective_from": "2026-04-01T00:00:00+00:00", "settings": FIGURES},
]


def test_existing_organizations_read_english_and_their_schedules_carry_it(
    empty_database_url: str,
) -> None:
    settings = Settings(database_url=empty_database_url)
    upgrade(settings, BEFORE)
    engine = create_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (org_id, name, version, is_platform, sandbox, "
                "test_clock_seconds, period_months, prior_weight, min_group_size, "
                "min_comment_group_size, manager_group_minimum, emerging_leader_score, "
                "leader_lower_bound, leader_follower_share, gap_threshold, "
                "reflection_cadence_days, settings_schedule, created_at, updated_at) VALUES "
                "(:org, 'Old', 1, false, false, 0, 3, 3.0, 3, 5, 3, 60.0, 65.0, 0.5, 1.0, 90, "
                f":schedule, '{NOW}', '{NOW}')"
            ),
            {"org": ORG, "schedule": json.dumps(SCHEDULE)},
        )
    engine.dispose()

    upgrade(settings)
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as session:
        org = session.get(Organization, ORG)
        assert org is not None
        assert org.language == "en"
        assert [dict(v.settings) for v in schedule_of(org)] == [
            {**s["settings"], "language": "en"} for s in SCHEDULE
        ]
        # The latest version is the organization's settings as they are: nothing waits.
        assert dict(schedule_of(org)[-1].settings) == settings_of(org).model_dump()
        assert to_out(org).settings.language == "en"
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE organizations SET language = 'de'"))
    engine.dispose()

    downgrade(settings, BEFORE)
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT settings_schedule FROM organizations")).scalar_one()
        columns = conn.execute(text("SELECT * FROM organizations")).keys()
    engine.dispose()
    assert (json.loads(stored) if isinstance(stored, str) else stored) == SCHEDULE
    assert "language" not in columns
