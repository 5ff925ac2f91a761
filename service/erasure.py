"""Erasure (GDPR): a person and everything about them, across the resources that hold it.

It stands above every resource it erases: each of them offers its part (`forget_*`,
`erase_respondent`) and knows nothing of the others.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.commitments.models import Commitment
from service.db import utcnow
from service.events.data import (
    BeliefDeletedData,
    CommitmentDeletedData,
    FeedbackDeletedData,
    PersonDeletedData,
    PersonUpdatedData,
    ReflectionDeletedData,
)
from service.events.service import emit_many, forget
from service.feedback.models import Feedback
from service.feedback.service import erase_respondent
from service.feedback_requests.service import forget_recipient
from service.idempotency.service import forget_person
from service.people.models import Person
from service.reflections.models import Reflection
from service.trust.closing import forget_leader


def erase_person(session: Session, person: Person, secret: str) -> None:
    """Erase a person: their reports lose the manager link; what is *about* them (beliefs,
    commitments, reflections, feedback about them) goes; feedback they *gave* stays only as
    anonymous numeric contributions."""

    org_id = person.org_id
    reports = list(
        session.scalars(
            select(Person.id).where(Person.org_id == org_id, Person.manager_id == person.id)
        )
    )
    beliefs = list(
        session.scalars(
            select(Belief.id).where(Belief.org_id == org_id, Belief.leader_id == person.id)
        )
    )
    commitments = list(
        session.scalars(
            select(Commitment.id).where(
                Commitment.org_id == org_id, Commitment.leader_id == person.id
            )
        )
    )
    reflections = list(
        session.scalars(
            select(Reflection.id).where(
                Reflection.org_id == org_id, Reflection.leader_id == person.id
            )
        )
    )
    about = list(
        session.scalars(
            select(Feedback.id).where(Feedback.org_id == org_id, Feedback.leader_id == person.id)
        )
    )
    erase_respondent(session, person.org_id, person.id, secret, utcnow())
    forget_person(session, person.org_id, person.id)  # stored responses that describe them
    forget_leader(session, person.org_id, person.id)
    forget_recipient(session, org_id, person.id)
    session.execute(
        update(Person)
        .where(Person.org_id == person.org_id, Person.manager_id == person.id)
        .values(manager_id=None, updated_at=utcnow(), version=Person.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.delete(person)
    session.flush()
    forget(session, org_id, person.id)  # erasure: earlier events naming them go
    rows = session.execute(
        select(Person.id, Person.version).where(Person.org_id == org_id, Person.id.in_(reports))
    )
    versions = {row.id: row.version for row in rows}
    emit_many(
        session,
        org_id,
        [
            # The tombstones of what was theirs do not name them (`leader_id` absent).
            *(PersonUpdatedData(id=i, version=versions[i]) for i in reports),
            *(BeliefDeletedData(id=i) for i in beliefs),
            *(CommitmentDeletedData(id=i) for i in commitments),
            *(ReflectionDeletedData(id=i) for i in reflections),
            *(FeedbackDeletedData(id=i) for i in about),
            PersonDeletedData(id=person.id),
        ],
    )
