"""A demo organization for a first look: a leader, their team and a few beliefs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.auth import Scope
from service.beliefs.schemas import BeliefCategory, BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.organizations.service import create_api_key, create_organization
from service.people.schemas import BulkUpsert, PersonUpsert
from service.people.service import bulk_upsert, get_person

DEMO_BELIEFS = [
    ("People do their best work when they know why it matters.", BeliefCategory.people),
    ("Trust is given first, not earned first.", BeliefCategory.integrity),
    ("Our customers' needs come before our internal convenience.", BeliefCategory.customers),
]


def create_demo(session: Session) -> tuple[str, str]:
    """Create the demo organization; return (org id, admin API key)."""
    org = create_organization(session, "Demo Organization")
    _, token = create_api_key(session, org.org_id, "Demo admin key", [Scope.admin])
    people = [
        PersonUpsert(external_id="E-1", display_name="Maja Berg", title="COO"),
        PersonUpsert(
            external_id="E-2",
            display_name="Ada Lindqvist",
            title="Head of Customer Success",
            manager_external_id="E-1",
        ),
        PersonUpsert(
            external_id="E-3",
            display_name="Omar Nilsson",
            title="Support Engineer",
            manager_external_id="E-2",
        ),
        PersonUpsert(
            external_id="E-4",
            display_name="Lena Ek",
            title="Account Manager",
            manager_external_id="E-2",
        ),
    ]
    results = bulk_upsert(session, org.org_id, BulkUpsert(people=people))
    leader = get_person(session, org.org_id, results[1].id)
    for statement, category in DEMO_BELIEFS:
        create_belief(
            session,
            leader,
            BeliefCreate(
                statement=statement,
                category=category,
                status=BeliefStatus.active,
            ),
        )
    create_belief(
        session,
        leader,
        BeliefCreate(
            statement="Bad news should travel faster than good news.",
            category=BeliefCategory.organization,
        ),
    )
    return org.org_id, token
