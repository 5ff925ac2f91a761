"""Feedback: append-only responses about a leader; only an admin may retract one.

Anonymous feedback stores no respondent id, e-mail or IP: only a keyed hash of the
platform's respondent reference (so a later answer supersedes an earlier one), under a
per-organization key derived from the server secret, which never enters the database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.beliefs.models import Belief
from service.beliefs.schemas import BeliefStatus
from service.errors import NotFound, Unprocessable
from service.events.data import FeedbackReceivedData, FeedbackRetractedData
from service.events.service import emit
from service.feedback.models import Feedback, FeedbackBeliefRating
from service.feedback.open_counts import voice_added, voice_retracted
from service.feedback.schemas import (
    AttributedRespondent,
    BeliefRating,
    FeedbackContent,
    FeedbackCreate,
    FeedbackOut,
    Relationship,
    StoredAnswers,
)
from service.ids import new_id
from service.organizations.models import Organization
from service.organizations.service import schedule_of
from service.pages import PageParams, paginate
from service.people.models import Person
from service.periods.ledger import period_for_write
from service.problem_types import INVALID_REFERENCE, NOT_FOUND, VALIDATION_ERROR, ProblemType

ITEM_COLUMNS = ("trust", "greater_good", "want_to_follow", "leaned_on")


def respondent_key(secret: str, org_id: str, subject: str) -> str:
    """Pseudonymous, per-organization key of a respondent: HMAC(HMAC(secret, org), subject)."""
    org_key = hmac.new(secret.encode(), f"calling/respondent/{org_id}".encode(), hashlib.sha256)
    digest = hmac.new(org_key.digest(), subject.encode(), hashlib.sha256).hexdigest()
    return f"rk_{digest}"


def person_keys(secret: str, org_id: str, person_id: str) -> tuple[str, str]:
    """A person's two respondent keys: (attributed, anonymous). They differ on purpose, so an
    attributed answer never supersedes the person's anonymous campaign answer, nor the other
    way round (nobody learns whether, nor removes what, a person answered anonymously); a
    voice is superseded only through the same respondent's own channel."""
    return (
        respondent_key(secret, org_id, f"person:{person_id}"),
        respondent_key(secret, org_id, f"anonymous-person:{person_id}"),
    )


def respondent_identity(
    secret: str, org_id: str, body: FeedbackCreate
) -> tuple[str | None, str | None]:
    """(the respondent's person id, their respondent key); a key of None: the respondent
    named nobody, so the answer is a respondent of its own."""
    if isinstance(body.respondent, AttributedRespondent):
        person = body.respondent.person_id
        return person, person_keys(secret, org_id, person)[0]
    if body.respondent.reference is not None:
        return None, respondent_key(secret, org_id, f"reference:{body.respondent.reference}")
    return None, None


def rating_errors(
    ratings: list[BeliefRating], is_active: Callable[[str], bool], prefix: str = ""
) -> list[dict[str, str]]:
    """The ratings that name a belief twice or one that is not an active belief of the
    leader (`is_active`), as `errors` entries."""
    errors: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, rating in enumerate(ratings):
        if rating.belief_id in seen:
            message = f"duplicate of belief_ratings.{seen[rating.belief_id]}"
        elif not is_active(rating.belief_id):
            message = "not an active belief of this leader"
        else:
            message = ""
        seen.setdefault(rating.belief_id, i)
        if message:
            errors.append({"field": f"{prefix}belief_ratings.{i}.belief_id", "message": message})
    return errors


def _field(field: str, message: str, cause: ProblemType = INVALID_REFERENCE) -> Unprocessable:
    return Unprocessable(
        f"{field}: {message}.", cause=cause, errors=[{"field": field, "message": message}]
    )


def create_feedback(
    session: Session,
    org: Organization,
    body: FeedbackCreate,
    secret: str,
    now: datetime,
    *,
    pseudonym: str | None = None,
) -> Feedback:
    """Record one response. `pseudonym`: the respondent key of an anonymous respondent whose
    reference was only ever stored as that key (a campaign's outside contact)."""
    org_id = org.org_id
    if session.get(Person, (org_id, body.leader_id)) is None:
        raise _field("leader_id", f"no person {body.leader_id} in this organization")
    feedback_id = new_id("fbk")
    respondent_id, key = respondent_identity(secret, org_id, body)
    if respondent_id is not None:
        if respondent_id == body.leader_id:
            raise _field(
                "respondent.person_id",
                "a leader cannot give feedback about themselves",
                VALIDATION_ERROR,
            )
        if session.get(Person, (org_id, respondent_id)) is None:
            raise _field("respondent.person_id", f"no person {respondent_id} in this organization")
    key = key or pseudonym or feedback_id
    _check_belief_ratings(session, org_id, body.leader_id, body.belief_ratings)
    period = period_for_write(session, org.org_id, schedule_of(org), now)

    feedback = Feedback(
        org_id=org_id,
        id=feedback_id,
        leader_id=body.leader_id,
        relationship=body.relationship,
        needs=body.needs,
        dreams=body.dreams,
        anonymous=body.anonymous,
        attributed=not body.anonymous,
        respondent_id=respondent_id,
        respondent_key=key,
        submitted_at=now,
        period_start=period.start,
        **body.answers.model_dump(),
    )
    session.add(feedback)
    session.flush()
    session.add_all(
        FeedbackBeliefRating(
            org_id=org_id, feedback_id=feedback_id, belief_id=r.belief_id, rating=r.rating
        )
        for r in body.belief_ratings
    )
    session.flush()
    voice_added(session, feedback)
    # A receipt only: ids, never who answered or what they said.
    emit(session, org_id, FeedbackReceivedData(id=feedback.id, leader_id=feedback.leader_id))
    return feedback


def _check_belief_ratings(
    session: Session, org_id: str, leader_id: str, ratings: list[BeliefRating]
) -> None:
    if not ratings:
        return
    active = set(
        session.scalars(
            select(Belief.id).where(
                Belief.org_id == org_id,
                Belief.leader_id == leader_id,
                Belief.status == BeliefStatus.active,
                Belief.id.in_([r.belief_id for r in ratings]),
            )
        )
    )
    errors = rating_errors(ratings, active.__contains__)
    if errors:
        raise Unprocessable(
            "Ratings may only name the leader's active beliefs, each once.",
            cause=INVALID_REFERENCE,
            errors=errors,
        )


def get_feedback(session: Session, org_id: str, feedback_id: str) -> Feedback:
    feedback = session.get(Feedback, (org_id, feedback_id))
    if feedback is None:
        raise NotFound(f"No feedback {feedback_id}.", cause=NOT_FOUND)
    return feedback


def list_feedback(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    leader_id: str | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[Feedback], str | None]:
    stmt = select(Feedback).where(Feedback.org_id == org_id)
    if leader_id is not None:
        stmt = stmt.where(Feedback.leader_id == leader_id)
    if updated_since is not None:
        stmt = stmt.where(
            or_(Feedback.submitted_at >= updated_since, Feedback.retracted_at >= updated_since)
        )
    return paginate(session, stmt, [Feedback.id], page, lambda f: [f.id])


def retract_feedback(
    session: Session, org: Organization, feedback: Feedback, now: datetime
) -> None:
    """The answer stops counting in its period if that is still open (the respondent's
    previous answer in it counts again); a closed period keeps it as an anonymous number.
    Its text and the respondent's identity are deleted at once."""
    if feedback.retracted_at is not None:
        return
    period_for_write(
        session, org.org_id, schedule_of(org), now
    )  # orders the retraction with any closing
    voice_retracted(session, feedback)
    feedback.retracted_at = now
    feedback.anonymous = True
    feedback.respondent_id = None
    feedback.needs = None
    feedback.dreams = None
    session.flush()
    emit(
        session,
        org.org_id,
        FeedbackRetractedData(id=feedback.id, leader_id=feedback.leader_id),
    )


def to_out(session: Session, feedback: Feedback, *, admin: bool) -> FeedbackOut:
    content = None
    if admin and not feedback.anonymous:
        ratings = session.scalars(
            select(FeedbackBeliefRating)
            .where(
                FeedbackBeliefRating.org_id == feedback.org_id,
                FeedbackBeliefRating.feedback_id == feedback.id,
            )
            .order_by(FeedbackBeliefRating.belief_id)
        )
        content = FeedbackContent(
            respondent_id=feedback.respondent_id,
            relationship=Relationship(feedback.relationship),
            answers=StoredAnswers(**{c: getattr(feedback, c) for c in ITEM_COLUMNS}),
            belief_ratings=[BeliefRating(belief_id=r.belief_id, rating=r.rating) for r in ratings],
            needs=feedback.needs,
            dreams=feedback.dreams,
        )
    return FeedbackOut(
        id=feedback.id,
        leader_id=feedback.leader_id,
        anonymous=feedback.anonymous,
        submitted_at=feedback.submitted_at,
        retracted_at=feedback.retracted_at,
        content=content,
    )


def erase_respondent(
    session: Session, org_id: str, person_id: str, secret: str, now: datetime
) -> None:
    """Erasure of a person who *gave* feedback: their responses keep only the numeric answers,
    as anonymous contributions (free text deleted, no link to them). Their pseudonymous key
    is replaced everywhere by a random one, so nobody holding the server secret can link
    the answers back to them, while their latest answer still counts once. Closed periods
    keep the numbers (their cells hold feedback ids, not respondents). That includes the
    anonymous answers they gave through a campaign: their key is computable from the person
    id and the secret, so it is replaced too."""
    keys = person_keys(secret, org_id, person_id)
    given = list(
        session.scalars(
            select(Feedback).where(
                Feedback.org_id == org_id,
                or_(Feedback.respondent_id == person_id, Feedback.respondent_key.in_(keys)),
            )
        )
    )
    new_keys: dict[str, str] = {}
    for feedback in given:
        old = feedback.respondent_key
        new_keys.setdefault(old, f"rk_erased_{new_id('fbk').removeprefix('fbk_')}")
        feedback.respondent_key = new_keys[old]
        feedback.respondent_id = None
        feedback.anonymous = True
        feedback.needs = None
        feedback.dreams = None
    session.flush()
