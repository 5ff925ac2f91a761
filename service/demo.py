"""A demo organization for a first look: a leader, their team and a few beliefs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.auth import Scope
from service.beliefs.schemas import BeliefCategory, BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.db import utcnow
from service.feedback.schemas import FeedbackCreate
from service.feedback.service import create_feedback
from service.organizations.models import Organization
from service.organizations.service import create_api_key, create_organization
from service.people.schemas import BulkUpsert, PersonUpsert
from service.people.service import bulk_upsert, get_person

DEMO_BELIEFS = [
    ("People do their best work when they know why it matters.", BeliefCategory.people),
    ("Trust is given first, not earned first.", BeliefCategory.integrity),
    ("Our customers' needs come before our internal convenience.", BeliefCategory.customers),
]


# What the people around the demo leader answered (trust, greater_good, want_to_follow,
# leaned_on): enough respondents that the trust score shows figures.
DEMO_FEEDBACK = [
    ("direct_report", (5, 4, 5, 4), "Clearer priorities", "Owning the customer journey"),
    ("direct_report", (4, 4, 4, 5), "Time for one-to-ones", "Leading a team one day"),
    ("direct_report", (5, 5, 4, 4), "Fewer context switches", "A calmer release cadence"),
    ("peer", (4, 3, 4, 3), "Earlier heads-up on changes", "Shared goals across teams"),
    ("peer", (3, 4, 3, 4), "Decisions written down", "One customer view"),
]


def seed_demo_feedback(session: Session, org: Organization, leader_id: str, secret: str) -> None:
    """Feedback about the demo leader from the people around them (anonymous, each with a
    reference). Kept apart so the demo can grow (more periods, more leaders)."""
    now = utcnow()
    for i, (relationship, items, needs, dreams) in enumerate(DEMO_FEEDBACK):
        answers = dict(
            zip(("trust", "greater_good", "want_to_follow", "leaned_on"), items, strict=True)
        )
        body = FeedbackCreate.model_validate(
            {
                "leader_id": leader_id,
                "relationship": relationship,
                "answers": answers,
                "respondent": {"reference": f"demo-respondent-{i + 1}"},
                "needs": needs,
                "dreams": dreams,
            }
        )
        create_feedback(session, org, body, secret, now)


def create_demo(session: Session, secret: str) -> tuple[str, str]:
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
    seed_demo_feedback(session, org, leader.id, secret)
    return org.org_id, token
