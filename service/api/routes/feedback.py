from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from service import demo_ids
from service.api.auth import Admin, FeedbackSubmitter, Reader
from service.api.paths import prefilled
from service.api.responses import READ, WRITE, link_to, success
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.api_keys.keys import Scope
from service.db import utcnow
from service.feedback import service
from service.feedback.bulk import create_many
from service.feedback.models import Feedback
from service.feedback.schemas import (
    AnonymousRespondent,
    FeedbackBulkCreate,
    FeedbackBulkResult,
    FeedbackCreate,
    FeedbackOut,
)
from service.ids import id_pattern
from service.organizations.service import get_organization
from service.pages import Page, PageParams, cursor_field
from service.types import AwareDatetime

router = APIRouter(prefix="/v1/feedback", tags=["Feedback"], route_class=CallingRoute)

FeedbackIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("fbk"),
        description="Feedback id.",
        examples=[demo_ids.FEEDBACK],
        openapi_examples=prefilled(demo_ids.FEEDBACK, "One of the demo's answers"),
    ),
]


class FeedbackPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.FEEDBACK)


def feedback_in_org(
    principal: Reader, session: SessionDep, feedback_id: FeedbackIdPath
) -> Feedback:
    return service.get_feedback(session, principal.org_id, feedback_id)


FeedbackDep = Annotated[Feedback, Depends(feedback_in_org)]


@router.post(
    "",
    operation_id="create_feedback",
    summary="Give feedback about a leader",
    description="Append-only. Anonymous by default: no respondent id, e-mail or IP is stored, "
    "and the answers are never readable one by one — only aggregates show them. The answer "
    "is a receipt. Needs `write` or the narrow `feedback:submit` scope.",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The receipt, with `Location` and `ETag`.",
        location=True,
        GetFeedback=link_to("get_feedback", "feedback_id"),
        RetractFeedback=link_to("retract_feedback", "feedback_id"),
    ),
)
def create_feedback(
    principal: FeedbackSubmitter,
    session: SessionDep,
    request: Request,
    body: FeedbackCreate,
    response: Response,
) -> FeedbackOut:
    org = get_organization(session, principal.org_id)
    secret = request.app.state.settings.secret_key.get_secret_value()
    feedback = service.create_feedback(session, org, body, secret, utcnow())
    request.state.anonymous_answer = feedback.anonymous  # no replayable receipt (idempotency)
    response.headers["Location"] = f"/v1/feedback/{feedback.id}"
    response.headers["ETag"] = '"1"'
    return service.to_out(session, feedback, admin=False)


@router.post(
    "/bulk",
    operation_id="bulk_create_feedback",
    summary="Give up to 1,000 answers in one transaction",
    description="For importing a survey's answers or migrating history: the same answers, "
    "rules and anonymity as `create_feedback`, all or nothing. If any answer is invalid the "
    "answer is 422 with one entry per bad field in `errors` (`feedback.<index>.<field>`) and "
    "nothing is written. At most one answer per respondent and leader per call. Otherwise "
    "one receipt per answer, in request order. Needs `write` or `feedback:submit`.",
    responses=WRITE,
)
def bulk_create_feedback(
    principal: FeedbackSubmitter,
    session: SessionDep,
    request: Request,
    body: FeedbackBulkCreate,
) -> FeedbackBulkResult:
    org = get_organization(session, principal.org_id)
    secret = request.app.state.settings.secret_key.get_secret_value()
    result = FeedbackBulkResult(data=create_many(session, org, body.feedback, secret, utcnow()))
    # A batch holding an anonymous answer keeps no replayable receipts (idempotency).
    request.state.anonymous_answer = any(
        isinstance(answer.respondent, AnonymousRespondent) for answer in body.feedback
    )
    return result


@router.get(
    "",
    operation_id="list_feedback",
    summary="List feedback receipts",
    description="Receipts (id, leader, date). `content` only for attributed feedback, with an "
    "`admin` key.",
    responses=READ,
)
def list_feedback(
    principal: Reader,
    session: SessionDep,
    page: Annotated[FeedbackPageParams, Query()],
    leader_id: Annotated[
        str | None,
        Query(
            pattern=id_pattern("per"),
            description="Only about this leader.",
            examples=[demo_ids.LEADER],
        ),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Submitted or retracted at or after this time.",
            examples=["2026-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[FeedbackOut]:
    rows, cursor = service.list_feedback(
        session, principal.org_id, page, leader_id=leader_id, updated_since=updated_since
    )
    admin = principal.allows(Scope.admin)
    return Page[FeedbackOut](
        data=[service.to_out(session, f, admin=admin) for f in rows], next_cursor=cursor
    )


@router.get(
    "/{feedback_id:fbk_id}",
    operation_id="get_feedback",
    summary="Get a feedback receipt",
    responses=success(
        READ,
        200,
        "The receipt, with its `ETag`.",
        RetractFeedback=link_to("retract_feedback", "feedback_id"),
    ),
)
def get_feedback(
    principal: Reader, session: SessionDep, feedback: FeedbackDep, response: Response
) -> FeedbackOut:
    response.headers["ETag"] = '"2"' if feedback.retracted_at else '"1"'
    return service.to_out(session, feedback, admin=principal.allows(Scope.admin))


@router.post(
    "/{feedback_id:fbk_id}/retract",
    operation_id="retract_feedback",
    summary="Retract feedback (admin)",
    description="Its text and the respondent's identity are deleted at once. If its reporting "
    "period is still open it stops counting there (the respondent's previous answer in that "
    "period, if any, counts again); a closed period never reopens, so there it stays an "
    "anonymous number in the frozen table.",
    responses=success(
        WRITE,
        200,
        "The retracted receipt, with its `ETag`.",
        GetFeedback=link_to("get_feedback", "feedback_id"),
    ),
)
def retract_feedback(
    principal: Admin, session: SessionDep, feedback: FeedbackDep, response: Response
) -> FeedbackOut:
    org = get_organization(session, principal.org_id)
    service.retract_feedback(session, org, feedback, utcnow())
    response.headers["ETag"] = '"2"'
    return service.to_out(session, feedback, admin=True)
