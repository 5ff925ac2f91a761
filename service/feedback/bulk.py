"""Bulk feedback: up to 1,000 answers in one transaction, all or nothing.

For an HR platform that imports a survey's answers, or migrates its history: the same
answers, rules and privacy as `POST /v1/feedback` one at a time, in a few statements per
call instead of a dozen per answer. Every answer is validated first; any error → 422 with
one entry per bad field (`feedback.<index>.<field>`) and nothing is written.

One answer per respondent and leader per call: within one transaction two answers of the
same respondent would carry the same time, and "the latest answer counts" would have no
answer. Each leader's open count grows by the batch's respondents who had no answer in the period
that still counts, looked up under the count's row lock; the locks are taken in leader order
(so two bulk calls, or a bulk call and single answers, never wait on each other in a circle).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.beliefs.schemas import BeliefStatus
from service.errors import Unprocessable
from service.events.data import FeedbackReceivedData
from service.events.service import emit_many
from service.feedback.models import Feedback, FeedbackBeliefRating
from service.feedback.open_counts import voices_added
from service.feedback.schemas import AttributedRespondent, FeedbackCreate, FeedbackOut
from service.feedback.service import rating_errors, respondent_identity
from service.ids import new_id
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.people.models import Person
from service.periods.ledger import period_for_write
from service.problem_types import VALIDATION_ERROR

FIELD = "feedback"


def _validate(
    session: Session, org_id: str, answers: list[FeedbackCreate], keys: list[str | None]
) -> None:
    people = {a.leader_id for a in answers} | {
        a.respondent.person_id for a in answers if isinstance(a.respondent, AttributedRespondent)
    }
    known = set(
        session.scalars(select(Person.id).where(Person.org_id == org_id, Person.id.in_(people)))
    )
    rated = {r.belief_id for a in answers for r in a.belief_ratings}
    active: dict[str, str] = {}
    if rated:
        found = session.execute(
            select(Belief.id, Belief.leader_id).where(
                Belief.org_id == org_id,
                Belief.status == BeliefStatus.active,
                Belief.id.in_(rated),
            )
        )
        active = {row[0]: row[1] for row in found}
    errors: list[dict[str, str]] = []

    def bad(i: int, field: str, message: str) -> None:
        errors.append({"field": f"{FIELD}.{i}.{field}", "message": message})

    first_answer: dict[tuple[str, str], int] = {}
    for i, (answer, key) in enumerate(zip(answers, keys, strict=True)):
        if answer.leader_id not in known:
            bad(i, "leader_id", f"no person {answer.leader_id} in this organization")
        if isinstance(answer.respondent, AttributedRespondent):
            person = answer.respondent.person_id
            if person == answer.leader_id:
                bad(i, "respondent.person_id", "a leader cannot give feedback about themselves")
            elif person not in known:
                bad(i, "respondent.person_id", f"no person {person} in this organization")
        if key is not None:
            earlier = first_answer.setdefault((answer.leader_id, key), i)
            if earlier != i:
                field = (
                    "respondent.person_id"
                    if isinstance(answer.respondent, AttributedRespondent)
                    else "respondent.reference"
                )
                bad(
                    i,
                    field,
                    f"the same respondent answers about this leader in {FIELD}.{earlier}: "
                    "one answer per respondent and leader per call",
                )
        errors.extend(
            rating_errors(
                answer.belief_ratings,
                lambda belief: active.get(belief) == answer.leader_id,  # noqa: B023 (called here)
                prefix=f"{FIELD}.{i}.",
            )
        )
    if errors:
        raise Unprocessable(
            "Some answers are invalid; nothing was written (see `errors`).",
            cause=VALIDATION_ERROR,
            errors=errors,
        )


def create_many(
    session: Session,
    org: Organization,
    answers: list[FeedbackCreate],
    secret: str,
    now: datetime,
) -> list[FeedbackOut]:
    """Record every answer, or none; return their receipts in the order given."""
    org_id = org.org_id
    identities = [respondent_identity(secret, org_id, a) for a in answers]
    _validate(session, org_id, answers, [key for _, key in identities])
    period = period_for_write(session, org_id, schedule_of(org), now)

    rows: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    for answer, (person, key) in zip(answers, identities, strict=True):
        feedback_id = new_id("fbk")
        rows.append(
            {
                "org_id": org_id,
                "id": feedback_id,
                "leader_id": answer.leader_id,
                "relationship": answer.relationship,
                "needs": answer.needs,
                "dreams": answer.dreams,
                "anonymous": answer.anonymous,
                "attributed": not answer.anonymous,
                "respondent_id": person,
                "respondent_key": key if key is not None else feedback_id,
                "submitted_at": now,
                "period_start": period.start,
                "retracted_at": None,
                **answer.answers.model_dump(),
            }
        )
        ratings.extend(
            {
                "org_id": org_id,
                "feedback_id": feedback_id,
                "belief_id": r.belief_id,
                "rating": r.rating,
            }
            for r in answer.belief_ratings
        )
    session.execute(insert(Feedback), rows)
    if ratings:
        session.execute(insert(FeedbackBeliefRating), ratings)
    voices_added(session, org_id, period.start, rows)
    # Receipts only: ids, never who answered or what they said.
    emit_many(
        session,
        org_id,
        [FeedbackReceivedData(id=str(row["id"]), leader_id=str(row["leader_id"])) for row in rows],
    )
    return [
        FeedbackOut(
            id=str(row["id"]),
            leader_id=str(row["leader_id"]),
            anonymous=bool(row["anonymous"]),
            submitted_at=now,
            retracted_at=None,
            content=None,
        )
        for row in rows
    ]
