"""A demo organization for a first look: a leader, their team and a few beliefs, a submitted
reflection, and fictional feedback in the reporting period before the current one. Once that
period is closed (`calling serve` closes ended periods in the background as it starts, or run
`calling close-periods`), the demo leader shows a published trust score, a blind spot, a
hidden strength and themes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs.schemas import BeliefCategory, BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.feedback.schemas import BeliefRating, FeedbackCreate, Relationship, TrustAnswers
from service.feedback.service import create_feedback
from service.organizations.models import Organization
from service.organizations.service import create_organization, schedule_of
from service.people.models import Person
from service.people.schemas import BulkUpsert, PersonUpsert
from service.people.service import bulk_upsert, get_person
from service.periods.calendar import period_of
from service.reflections.schemas import EntryIn, ReflectionCreate, ReflectionScope
from service.reflections.service import create_reflection, submit_reflection

DEMO_BELIEFS = [
    ("People do their best work when they know why it matters.", BeliefCategory.people),
    ("Trust is given first, not earned first.", BeliefCategory.integrity),
    ("Our customers' needs come before our internal convenience.", BeliefCategory.customers),
]


# The leader's own view of living each belief (1–5), and how the people around them see it:
# self 5 against others' ~2.9 (a blind spot), 4 against ~3.9 (aligned), 2 against ~4.2 (a
# hidden strength).
SELF_RATINGS = (5, 4, 2)
# (relationship, trust items, ratings of the three beliefs, needs, dreams): fictional.
DEMO_FEEDBACK: list[tuple[Relationship, int, tuple[int, int, int], str, str]] = [
    (
        Relationship.direct_report,
        5,
        (3, 4, 4),
        "Clearer priorities for the quarter.",
        "A career path with mentoring.",
    ),
    (
        Relationship.direct_report,
        4,
        (3, 4, 5),
        "Clear priorities when everything is urgent.",
        "Learning new skills on real customer problems.",
    ),
    (
        Relationship.direct_report,
        5,
        (2, 4, 4),
        "Tydligare prioriteringar och mindre övertid.",
        "Att utvecklas och ta mer ansvar.",
    ),
    (
        Relationship.direct_report,
        4,
        (3, 5, 4),
        "Priorities that do not change every week 😅",
        "Growing into a lead role.",
    ),
    (
        Relationship.direct_report,
        5,
        (3, 4, 4),
        "Clarity on goals and more feedback.",
        "Development budget for courses.",
    ),
    (
        Relationship.direct_report,
        4,
        (4, 4, 5),
        "Fewer meetings, more focus.",
        "A team where everyone keeps learning 🚀",
    ),
    (
        Relationship.direct_report,
        5,
        (3, 3, 4),
        "Feedback on my work more often.",
        "Ownership of the customer experience.",
    ),
    (
        Relationship.peer,
        4,
        (3, 4, 4),
        "Earlier information about changes.",
        "Collaboration across our teams.",
    ),
    (
        Relationship.peer,
        4,
        (2, 4, 4),
        "Transparent communication on budget decisions.",
        "Working together on the big customer deals.",
    ),
    (
        Relationship.peer,
        5,
        (3, 4, 5),
        "Regular updates in the leadership meeting.",
        "Teams that work together without silos.",
    ),
    (
        Relationship.peer,
        4,
        (3, 3, 4),
        "Communication before announcing reorganisations.",
        "Innovation days together with other teams.",
    ),
    (
        Relationship.peer,
        5,
        (3, 4, 4),
        "Mer öppenhet och kommunikation om beslut.",
        "Bättre samarbete mellan avdelningarna.",
    ),
    (
        Relationship.manager,
        4,
        (3, 4, 4),
        "Forecasts I can rely on.",
        "A team that owns the customer outcome.",
    ),
    (
        Relationship.internal_customer,
        4,
        (3, 4, 4),
        "Clear communication about delays.",
        "A partner who understands our customers.",
    ),
    (
        Relationship.internal_customer,
        5,
        (2, 4, 5),
        "Information about release dates.",
        "Customer insight shared openly.",
    ),
]


def _demo_feedback(
    session: Session,
    org: Organization,
    leader: Person,
    beliefs: list[str],
    secret: str,
    now: datetime,
) -> None:
    """The fictional answers, submitted in the period before `now`'s (closing it is left to
    the closer: it loads the lemmatiser's dictionaries, seconds that `serve` should not
    wait for)."""
    schedule = schedule_of(org)
    previous = period_of(schedule, period_of(schedule, now).start - timedelta(seconds=1))
    for i, (relationship, items, ratings, needs, dreams) in enumerate(DEMO_FEEDBACK):
        body = FeedbackCreate(
            leader_id=leader.id,
            relationship=relationship,
            answers=TrustAnswers(
                trust=items, greater_good=items, want_to_follow=items, leaned_on=items
            ),
            belief_ratings=[
                BeliefRating(belief_id=b, rating=r) for b, r in zip(beliefs, ratings, strict=True)
            ],
            needs=needs,
            dreams=dreams,
        )
        create_feedback(session, org, body, secret, previous.start + timedelta(hours=9 + i))


def create_demo(session: Session, secret: str, now: datetime) -> tuple[str, str]:
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
    beliefs = [
        create_belief(
            session,
            leader,
            BeliefCreate(statement=statement, category=category, status=BeliefStatus.active),
        ).id
        for statement, category in DEMO_BELIEFS
    ]
    create_belief(
        session,
        leader,
        BeliefCreate(
            statement="Bad news should travel faster than good news.",
            category=BeliefCategory.organization,
        ),
    )
    today = now.date()
    reflection = create_reflection(
        session,
        leader,
        ReflectionCreate(
            period_start=today,
            period_end=today,
            scope=ReflectionScope.self,
            entries=[
                EntryIn(belief_id=b, alignment=a)
                for b, a in zip(beliefs, SELF_RATINGS, strict=True)
            ],
        ),
    )
    submit_reflection(session, reflection)
    _demo_feedback(session, org, leader, beliefs, secret, now)
    return org.org_id, token
