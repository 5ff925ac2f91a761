"""A demo organization for a first look: a leader, their team and a few beliefs, a submitted
reflection, and fictional feedback in the reporting period before the current one. Once that
period is closed (`calling serve` closes ended periods in the background as it starts, or run
`calling close-periods`), the demo leader shows a published trust score, a blind spot, a
hidden strength and themes.

Every object the spec's examples name has its fixed, documented id (`service.demo_ids`,
docs/demo.md), in a state where the example works: a draft reflection to fill in, submit or
delete, a draft belief to delete, an own prompt nothing answers yet, an open campaign, a
webhook endpoint (disabled: it points at example.com) with a failed delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import demo_ids
from service.api_keys.keys import Scope
from service.api_keys.service import create_api_key
from service.beliefs.models import Belief, BeliefRevision
from service.beliefs.schemas import BeliefCategory, BeliefCreate, BeliefStatus
from service.beliefs.service import create_belief
from service.commitments.schemas import (
    CommitmentCreate,
    CommitmentLinks,
    CommitmentPatch,
    CommitmentStatus,
)
from service.commitments.service import create_commitment, update_commitment
from service.events.models import Event
from service.events.outbox import WebhookDelivery, enqueue
from service.feedback.schemas import (
    BeliefRating,
    FeedbackCreate,
    Relationship,
    Stakeholder,
    TrustAnswers,
)
from service.feedback.service import create_feedback
from service.feedback_requests.schemas import ContactRespondent, FeedbackRequestCreate
from service.feedback_requests.service import create_request
from service.ids import planned_ids
from service.organizations.models import Organization
from service.organizations.service import create_organization, schedule_of
from service.people.models import Person
from service.people.schemas import BulkUpsert, PersonUpsert
from service.people.service import bulk_upsert, get_person
from service.periods.calendar import period_of
from service.reflection_prompts.schemas import PromptCreate
from service.reflection_prompts.service import create_prompt
from service.reflections.schemas import EntryIn, ReflectionCreate, ReflectionScope
from service.reflections.service import create_reflection, submit_reflection
from service.webhooks.schemas import EndpointCreate
from service.webhooks.service import create_endpoint

DEMO_BELIEFS = [
    ("People do their best work when they know why it matters.", BeliefCategory.people),
    ("Trust is given first, not earned first.", BeliefCategory.integrity),
    ("Our customers' needs come before our internal convenience.", BeliefCategory.customers),
]


# The leader's own view of living each belief (1–5), and how the people around them see it:
# self 5 against others' ~2.9 (a blind spot), 4 against ~3.9 (aligned), 2 against ~4.2 (a
# hidden strength).
SELF_RATINGS = (5, 4, 2)
# The draft reflection's next step per active belief (the first becomes a commitment with
# `POST /v1/reflections/{reflection_id}/entries/{belief_id}/commitment`).
NEXT_STEPS = (
    "Open each team meeting with the week's why.",
    "Ask one customer a week what they need from us.",
    "Thank the next person who brings me bad news, in front of the team.",
)
# (relationship, trust items, ratings of the three beliefs, needs, dreams): fictional.
DEMO_FEEDBACK: list[tuple[Relationship, int, tuple[int, int, int] | None, str, str]] = [
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
        "Earlier information about changes and a shared forecast.",
        "Collaboration across our teams.",
    ),
    (
        Relationship.peer,
        4,
        (2, 4, 4),
        "Transparent communication on budget decisions and one shared forecast.",
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
        "Release dates we can plan around.",
        "A partner who understands our customers.",
    ),
    (
        Relationship.internal_customer,
        5,
        (2, 4, 5),
        "Earlier word about delays.",
        "Customer insight shared openly.",
    ),
    # Outside contacts (by response token in real life): customers and suppliers, half in
    # Swedish. They do not rate the beliefs. The forecast they need is the one two peers and
    # the manager need: the demo's connection.
    (
        Relationship.external_customer,
        4,
        None,
        "Gemensam prognos och snabbare svar.",
        "Ett långsiktigt partnerskap.",
    ),
    (
        Relationship.external_customer,
        3,
        None,
        "Leveranstider vi kan lita på.",
        "Long-term agreements.",
    ),
    (
        Relationship.supplier,
        4,
        None,
        "Prognoser minst fyra veckor framåt.",
        "Gemensam innovation.",
    ),
    (
        Relationship.supplier,
        4,
        None,
        "Forecasts at least four weeks ahead.",
        "Fair payment terms.",
    ),
    (
        Relationship.supplier,
        5,
        None,
        "Kortare väntetimmar vid lastning.",
        "A longer planning horizon.",
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
                BeliefRating(belief_id=b, rating=r)
                for b, r in zip(beliefs, ratings or (), strict=False)
            ],
            needs=needs,
            dreams=dreams,
        )
        create_feedback(session, org, body, secret, previous.start + timedelta(hours=9 + i))


# The demo's beliefs count as active since this day (or since the seed, if earlier), so the
# reflection examples' fixed period (2026-07-01 to 2026-09-30) has them active whenever the
# demo is made.
ACTIVE_SINCE = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
DISABLED_REASON = "The demo's endpoint: set your receiver's url, then enable it."


def _people(session: Session, org_id: str) -> Person:
    """The directory (the feed's first event is the first person's); return the leader."""
    maja, ada, omar, lena = demo_ids.EXTERNAL_IDS
    people = [
        PersonUpsert(external_id=maja, display_name="Maja Berg", title="COO"),
        PersonUpsert(
            external_id=ada,
            display_name="Ada Lindqvist",
            title="Head of Customer Success",
            manager_external_id=maja,
        ),
        PersonUpsert(
            external_id=omar,
            display_name="Omar Nilsson",
            title="Support Engineer",
            manager_external_id=ada,
        ),
        PersonUpsert(
            external_id=lena,
            display_name="Lena Ek",
            title="Account Manager",
            manager_external_id=ada,
        ),
    ]
    ids = (demo_ids.MANAGER, demo_ids.LEADER, *demo_ids.REPORTS)
    with planned_ids(per=ids, evt=demo_ids.EVENT):
        bulk_upsert(session, org_id, BulkUpsert(people=people))
    return get_person(session, org_id, demo_ids.LEADER)


def _beliefs(session: Session, leader: Person, now: datetime) -> list[str]:
    """The three active beliefs (active since `ACTIVE_SINCE`) and a draft; return the active."""
    since = min(ACTIVE_SINCE, now)
    for belief_id, (statement, category) in zip(demo_ids.ACTIVE_BELIEFS, DEMO_BELIEFS, strict=True):
        with planned_ids(blf=belief_id):
            create_belief(
                session,
                leader,
                BeliefCreate(statement=statement, category=category, status=BeliefStatus.active),
            )
    active = list(demo_ids.ACTIVE_BELIEFS)
    stamps = {"created_at": since, "updated_at": since, "activated_at": since}
    session.execute(
        update(Belief).where(Belief.org_id == leader.org_id, Belief.id.in_(active)).values(stamps)
    )
    session.execute(
        update(BeliefRevision)
        .where(BeliefRevision.org_id == leader.org_id, BeliefRevision.belief_id.in_(active))
        .values(created_at=since)
    )
    session.expire_all()
    with planned_ids(blf=demo_ids.DRAFT_BELIEF):
        create_belief(
            session,
            leader,
            BeliefCreate(
                statement="Bad news should travel faster than good news.",
                category=BeliefCategory.organization,
            ),
        )
    return active


def _reflections(session: Session, leader: Person, beliefs: list[str], now: datetime) -> None:
    """The submitted self-ratings (today) and a draft of the last 90 days, ready to submit."""
    today = now.date()
    with planned_ids(rfl=demo_ids.SUBMITTED_REFLECTION):
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
    with planned_ids(rfl=demo_ids.DRAFT_REFLECTION):
        create_reflection(
            session,
            leader,
            ReflectionCreate(
                period_start=today - timedelta(days=89),
                period_end=today,
                scope=ReflectionScope.self,
                entries=[
                    EntryIn(belief_id=b, alignment=4, next_step=step)
                    for b, step in zip(beliefs, NEXT_STEPS, strict=True)
                ],
                notes="A first look back; submit it when it says what you saw.",
            ),
        )


def _commitments(session: Session, leader: Person, beliefs: list[str], now: datetime) -> None:
    """One commitment in progress and one done, both living one of the leader's beliefs."""
    in_progress = CommitmentStatus.in_progress
    with planned_ids(cmt=demo_ids.COMMITMENT):
        create_commitment(
            session,
            leader,
            CommitmentCreate(
                statement="Share the quarter's priorities and why they matter in every team "
                "meeting.",
                links=CommitmentLinks(belief_ids=[beliefs[0]]),
                for_whom=[Stakeholder.employees],
                due_on=(now + timedelta(days=60)).date(),
                status=in_progress,
                note="Started with this week's team meeting.",
            ),
        )
    with planned_ids(cmt=demo_ids.DONE_COMMITMENT):
        done = create_commitment(
            session,
            leader,
            CommitmentCreate(
                statement="Call every key customer once this quarter and ask what they need.",
                links=CommitmentLinks(belief_ids=[beliefs[1]]),
                for_whom=[Stakeholder.customers],
                due_on=now.date(),
                status=in_progress,
            ),
        )
    update_commitment(
        session,
        done,
        CommitmentPatch(status=CommitmentStatus.done, note="Done: twelve customers called."),
    )


def _campaign_and_webhook(session: Session, org_id: str, secret: str, now: datetime) -> None:
    """An open campaign (tokens unshown: create one of your own to answer), a webhook
    endpoint, disabled until it points at a receiver of yours, and a failed delivery to it."""
    with planned_ids(frq=demo_ids.FEEDBACK_REQUEST):
        create_request(
            session,
            org_id,
            FeedbackRequestCreate(
                leader_id=demo_ids.LEADER,
                respondents=[
                    ContactRespondent(reference="acme-buyer", relationship="external_customer"),
                    ContactRespondent(reference="steel-supplier", relationship="supplier"),
                ],
                message="What do you need from me, and what do you dream of?",
                expires_at=now + timedelta(days=365),
            ),
            secret,
            now,
        )
    with planned_ids(whk=demo_ids.WEBHOOK_ENDPOINT):
        endpoint = create_endpoint(
            session,
            org_id,
            EndpointCreate(
                url=demo_ids.WEBHOOK_URL,
                event_types=["person.created", "person.deleted", "feedback_request.completed"],
                description="Demo receiver",
            ),
            now,
        )
    first = session.scalars(
        select(Event).where(Event.org_id == org_id, Event.id == demo_ids.EVENT)
    ).one()
    with planned_ids(dlv=demo_ids.DELIVERY):
        enqueue(session, org_id, [first])
    session.flush()
    delivery = session.get_one(WebhookDelivery, (org_id, demo_ids.DELIVERY))
    delivery.status, delivery.attempts, delivery.last_status_code = "failed", 1, 404
    delivery.last_attempt_at = now
    endpoint.status = "disabled"
    endpoint.disabled_reason = DISABLED_REASON
    session.flush()


def create_demo(session: Session, secret: str, now: datetime) -> tuple[str, str]:
    """Create the demo organization with its documented ids; return (org id, admin API key)."""
    with planned_ids(org=demo_ids.ORGANIZATION):
        org = create_organization(session, "Demo Organization", sandbox=True)
    with planned_ids(key=demo_ids.ADMIN_KEY):
        _, token = create_api_key(session, org.org_id, "Demo admin key", [Scope.admin])
    with planned_ids(key=demo_ids.SYNC_KEY):
        create_api_key(session, org.org_id, "HR sync (demo)", [Scope.read, Scope.write])
    leader = _people(session, org.org_id)
    beliefs = _beliefs(session, leader, now)
    with planned_ids(rpm=demo_ids.PROMPT):
        create_prompt(
            session,
            org.org_id,
            PromptCreate(text="Which of my beliefs did I find hardest to live this quarter?"),
        )
    _reflections(session, leader, beliefs, now)
    _commitments(session, leader, beliefs, now)
    with planned_ids(fbk=demo_ids.FEEDBACK):
        _demo_feedback(session, org, leader, beliefs, secret, now)
    _campaign_and_webhook(session, org.org_id, secret, now)
    return org.org_id, token
