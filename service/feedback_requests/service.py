"""Feedback requests: create with one token per respondent, answer once per token, close.

An answer goes through `service.feedback.service.create_feedback`, so it counts like any
other feedback. An outside contact's reference is stored only as its pseudonymous key (the
same HMAC anonymous feedback stores); a person answering anonymously gets the key of their
attributed answers, so one voice per respondent holds. An anonymous request forgets who
answered: the answered respondent row keeps only its status.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.errors import Conflict, NotFound, Unauthorized, Unprocessable
from service.events.data import (
    FeedbackRequestClosedData,
    FeedbackRequestCompletedData,
    FeedbackRequestCreatedData,
    FeedbackRequestReminderData,
    FeedbackRequestTally,
)
from service.events.service import emit
from service.feedback.models import Feedback
from service.feedback.schemas import (
    AnonymousRespondent,
    AttributedRespondent,
    FeedbackCreate,
    Relationship,
)
from service.feedback.service import create_feedback, person_keys, respondent_key
from service.feedback_requests import tokens
from service.feedback_requests.models import FeedbackRequest, FeedbackRequestRecipient
from service.feedback_requests.schemas import (
    FeedbackRequestCreate,
    FeedbackRequestCreated,
    FeedbackRequestOut,
    FeedbackResponseCreate,
    RequestStatus,
    RespondentToken,
)
from service.ids import new_id
from service.organizations.models import Organization
from service.pages import PageParams, paginate
from service.people.models import Person
from service.problem_types import (
    EXPIRED_RESPONSE_TOKEN,
    FEEDBACK_REQUEST_NOT_OPEN,
    INVALID_REFERENCE,
    INVALID_RESPONSE_TOKEN,
    NOT_FOUND,
    RESPONSE_TOKEN_USED,
    VALIDATION_ERROR,
)

DEFAULT_VALIDITY = timedelta(days=30)
PENDING, ANSWERED, REVOKED = "pending", "answered", "revoked"


def _field(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        f"{field}: {message}.",
        cause=INVALID_REFERENCE,
        errors=[{"field": field, "message": message}],
    )


def create_request(
    session: Session, org_id: str, body: FeedbackRequestCreate, secret: str, now: datetime
) -> tuple[FeedbackRequest, list[RespondentToken]]:
    if session.get(Person, (org_id, body.leader_id)) is None:
        raise _field("leader_id", f"no person {body.leader_id} in this organization")
    errors: list[dict[str, str]] = []
    people = {r.person_id for r in body.respondents if r.person_id}
    known = (
        set(
            session.scalars(select(Person.id).where(Person.org_id == org_id, Person.id.in_(people)))
        )
        if people
        else set()
    )
    seen: dict[tuple[str | None, str | None], int] = {}
    for i, r in enumerate(body.respondents):
        where = f"respondents.{i}"
        if r.person_id == body.leader_id:
            errors.append({"field": f"{where}.person_id", "message": "the leader cannot answer"})
        elif r.person_id is not None and r.person_id not in known:
            errors.append({"field": f"{where}.person_id", "message": "no such person"})
        elif (r.person_id, r.reference) in seen:
            message = f"duplicate of respondents.{seen[(r.person_id, r.reference)]}"
            errors.append({"field": where, "message": message})
        seen.setdefault((r.person_id, r.reference), i)
    if body.due_at is not None and body.due_at <= now:
        errors.append({"field": "due_at", "message": "must be in the future"})
    expires_at = body.expires_at or (body.due_at or now) + DEFAULT_VALIDITY
    if expires_at <= now or (body.due_at is not None and expires_at < body.due_at):
        errors.append({"field": "expires_at", "message": "must be in the future, after due_at"})
    if errors:
        raise Unprocessable(
            "The request is invalid; see `errors`.", cause=VALIDATION_ERROR, errors=errors
        )

    request = FeedbackRequest(
        org_id=org_id,
        id=new_id("frq"),
        leader_id=body.leader_id,
        message=body.message,
        due_at=body.due_at,
        expires_at=expires_at,
        anonymous=body.anonymous,
        status=RequestStatus.open,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    issued: list[RespondentToken] = []
    for i, r in enumerate(body.respondents):
        recipient_id = new_id("rcp")
        token, token_hash = tokens.new_token(org_id, recipient_id)
        session.add(
            FeedbackRequestRecipient(
                org_id=org_id,
                id=recipient_id,
                request_id=request.id,
                person_id=r.person_id,
                reference_key=(
                    None
                    if r.reference is None
                    else respondent_key(secret, org_id, f"reference:{r.reference}")
                ),
                relationship=r.relationship,
                token_hash=token_hash,
                status=PENDING,
            )
        )
        issued.append(RespondentToken(id=recipient_id, index=i, token=token))
    session.flush()
    emit(
        session,
        org_id,
        FeedbackRequestCreatedData(id=request.id, leader_id=request.leader_id, asked=len(issued)),
    )
    return request, issued


def get_request(session: Session, org_id: str, request_id: str) -> FeedbackRequest:
    request = session.get(FeedbackRequest, (org_id, request_id))
    if request is None:
        raise NotFound(f"No feedback request {request_id}.", cause=NOT_FOUND)
    return request


def list_requests(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    leader_id: str | None = None,
    status: RequestStatus | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[FeedbackRequest], str | None]:
    stmt = select(FeedbackRequest).where(FeedbackRequest.org_id == org_id)
    if leader_id is not None:
        stmt = stmt.where(FeedbackRequest.leader_id == leader_id)
    if status is not None:
        stmt = stmt.where(FeedbackRequest.status == status)
    if updated_since is not None:
        stmt = stmt.where(FeedbackRequest.updated_at >= updated_since)
    return paginate(session, stmt, [FeedbackRequest.id], page, lambda r: [r.id])


def counts(session: Session, request: FeedbackRequest, now: datetime) -> dict[str, int]:
    rows = session.execute(
        select(FeedbackRequestRecipient.status, func.count())
        .where(
            FeedbackRequestRecipient.org_id == request.org_id,
            FeedbackRequestRecipient.request_id == request.id,
        )
        .group_by(FeedbackRequestRecipient.status)
    )
    by_status = {row[0]: int(row[1]) for row in rows}
    open_ = request.status == RequestStatus.open and request.expires_at > now
    return {
        "asked": sum(by_status.values()),
        "answered": by_status.get(ANSWERED, 0),
        "pending": by_status.get(PENDING, 0) if open_ else 0,
    }


def to_out(session: Session, request: FeedbackRequest, now: datetime) -> FeedbackRequestOut:
    return FeedbackRequestOut(
        id=request.id,
        leader_id=request.leader_id,
        message=request.message,
        due_at=request.due_at,
        expires_at=request.expires_at,
        anonymous=request.anonymous,
        status=RequestStatus(request.status),
        created_at=request.created_at,
        closed_at=request.closed_at,
        **counts(session, request, now),
    )


def to_created(
    session: Session, request: FeedbackRequest, issued: list[RespondentToken], now: datetime
) -> FeedbackRequestCreated:
    return FeedbackRequestCreated(**to_out(session, request, now).model_dump(), tokens=issued)


Tally = TypeVar("Tally", bound=FeedbackRequestTally)


def _tally(model: type[Tally], request: FeedbackRequest, tally: dict[str, int]) -> Tally:
    return model(
        id=request.id,
        leader_id=request.leader_id,
        asked=tally["asked"],
        answered=tally["answered"],
        pending=tally["pending"],
    )


def close_request(session: Session, request: FeedbackRequest, now: datetime) -> None:
    """Close the request: every open token is revoked at once."""
    if request.status == RequestStatus.closed:
        return
    session.execute(
        update(FeedbackRequestRecipient)
        .where(
            FeedbackRequestRecipient.org_id == request.org_id,
            FeedbackRequestRecipient.request_id == request.id,
            FeedbackRequestRecipient.status == PENDING,
        )
        .values(status=REVOKED)
        .execution_options(synchronize_session=False)
    )
    request.status = RequestStatus.closed
    request.closed_at = request.updated_at = now
    session.flush()
    tally = counts(session, request, now)
    emit(
        session,
        request.org_id,
        _tally(FeedbackRequestClosedData, request, tally),
    )


def remind(
    session: Session, request: FeedbackRequest, now: datetime
) -> FeedbackRequestReminderData:
    """Emit a `feedback_request.reminder` event for the platform to act on. It names the
    pending respondents only when answers are attributed: for an anonymous request that list
    would tell who answered, so the reminder carries counts and goes to everyone."""
    if request.status != RequestStatus.open or request.expires_at <= now:
        raise Conflict(
            "Only an open, unexpired feedback request can send reminders.",
            cause=FEEDBACK_REQUEST_NOT_OPEN,
        )
    tally = counts(session, request, now)
    data = _tally(FeedbackRequestReminderData, request, tally)
    if not request.anonymous:
        data.pending_respondent_ids = list(
            session.scalars(
                select(FeedbackRequestRecipient.id)
                .where(
                    FeedbackRequestRecipient.org_id == request.org_id,
                    FeedbackRequestRecipient.request_id == request.id,
                    FeedbackRequestRecipient.status == PENDING,
                )
                .order_by(FeedbackRequestRecipient.id)
            )
        )
    emit(session, request.org_id, data)
    return data


# --- answering with a token ------------------------------------------------------------

INVALID_TOKEN = "The response token is not one this service issued."  # noqa: S105
EXPIRED_TOKEN = "The response token's feedback request is closed or expired."  # noqa: S105


def recipient_for_token(session: Session, token: str, now: datetime) -> FeedbackRequestRecipient:
    """The respondent a token belongs to; 401 unless valid, 409 once used. Locks the row
    (PostgreSQL) so that two answers with one token cannot both count."""
    parsed = tokens.parse(token)
    recipient = None
    if parsed is not None:
        recipient = session.scalar(
            select(FeedbackRequestRecipient)
            .where(
                FeedbackRequestRecipient.org_id == parsed[0],
                FeedbackRequestRecipient.id == parsed[1],
            )
            .with_for_update()
        )
    secret = parsed[2] if parsed else ""
    if not tokens.matches(recipient.token_hash if recipient else None, secret):
        raise Unauthorized(INVALID_TOKEN, cause=INVALID_RESPONSE_TOKEN)
    assert recipient is not None
    if recipient.status == ANSWERED:
        raise Conflict(
            "This response token has been used; each token answers once.",
            cause=RESPONSE_TOKEN_USED,
        )
    request = session.get(FeedbackRequest, (recipient.org_id, recipient.request_id))
    if (
        recipient.status != PENDING
        or request is None
        or request.status != RequestStatus.open
        or request.expires_at <= now
    ):
        raise Unauthorized(EXPIRED_TOKEN, cause=EXPIRED_RESPONSE_TOKEN)
    return recipient


def answer(
    session: Session,
    org: Organization,
    recipient: FeedbackRequestRecipient,
    body: FeedbackResponseCreate,
    secret: str,
    now: datetime,
) -> Feedback:
    request = get_request(session, recipient.org_id, recipient.request_id)
    respondent: AttributedRespondent | AnonymousRespondent = AnonymousRespondent()
    pseudonym = recipient.reference_key  # an outside contact: the key of their reference
    if recipient.person_id is not None and not request.anonymous:
        respondent = AttributedRespondent(person_id=recipient.person_id)
    elif recipient.person_id is not None:
        # One voice per respondent through this channel: the person's anonymous key, never
        # the one of their attributed answers (service.feedback.service.person_keys).
        pseudonym = person_keys(secret, recipient.org_id, recipient.person_id)[1]
    feedback = create_feedback(
        session,
        org,
        FeedbackCreate(
            leader_id=request.leader_id,
            relationship=Relationship(recipient.relationship),
            answers=body.answers,
            belief_ratings=body.belief_ratings,
            needs=body.needs,
            dreams=body.dreams,
            respondent=respondent,
        ),
        secret,
        now,
        pseudonym=pseudonym,
    )
    recipient.status = ANSWERED
    if request.anonymous:
        recipient.person_id = recipient.reference_key = None
    else:
        recipient.answered_at = now
        recipient.feedback_id = feedback.id
    request.updated_at = now
    session.flush()
    remaining = counts(session, request, now)
    if remaining["pending"] == 0 and remaining["answered"] == remaining["asked"]:
        request.status = RequestStatus.completed
        session.flush()
        emit(
            session,
            request.org_id,
            _tally(FeedbackRequestCompletedData, request, remaining),
        )
    return feedback


def forget_recipient(session: Session, org_id: str, person_id: str) -> None:
    """Erasure of a person: the requests that asked them no longer name them."""
    session.execute(
        update(FeedbackRequestRecipient)
        .where(
            FeedbackRequestRecipient.org_id == org_id,
            FeedbackRequestRecipient.person_id == person_id,
        )
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
