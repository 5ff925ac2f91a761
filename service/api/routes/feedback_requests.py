from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status
from fastapi.openapi.models import Example

from service import demo_ids
from service.api.auth import Reader, Writer
from service.api.http import set_etag
from service.api.paths import prefilled
from service.api.responses import READ, WRITE, link_to, success
from service.api.routing import CallingRoute, secret_response
from service.api.session import SessionDep
from service.db import utcnow
from service.feedback_requests import service
from service.feedback_requests.models import FeedbackRequest
from service.feedback_requests.schemas import (
    FeedbackRequestCreate,
    FeedbackRequestCreated,
    FeedbackRequestOut,
    RequestStatus,
)
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.types import AwareDatetime

router = APIRouter(
    prefix="/v1/feedback-requests", tags=["Feedback requests"], route_class=CallingRoute
)

RequestIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("frq"),
        description="Feedback request id.",
        examples=[demo_ids.FEEDBACK_REQUEST],
        openapi_examples=prefilled(demo_ids.FEEDBACK_REQUEST, "The demo's open campaign"),
    ),
]


class RequestPageParams(PageParams):
    cursor: str | None = cursor_field(demo_ids.FEEDBACK_REQUEST)


def request_in_org(
    principal: Reader, session: SessionDep, request_id: RequestIdPath
) -> FeedbackRequest:
    return service.get_request(session, principal.org_id, request_id)


RequestDep = Annotated[FeedbackRequest, Depends(request_in_org)]


# Without `due_at` and `expires_at`: they must lie in the future, so any fixed date in an
# example would one day be refused (the schema's field examples still show them).
CREATE_EXAMPLES: dict[str, Example] = {
    "create_feedback_request": Example(
        summary="FeedbackRequestCreate",
        description="Ask a supplier and one of the demo leader's team about the leader; the "
        "tokens stay valid 30 days. `due_at` and `expires_at`, if you add them, must be in "
        "the future.",
        value={
            "leader_id": demo_ids.LEADER,
            "respondents": [
                {"reference": "supplier-4711", "relationship": "supplier"},
                {"person_id": demo_ids.REPORTS[0], "relationship": "direct_report"},
            ],
            "message": "What do you need from me, and what do you dream of?",
            "anonymous": True,
        },
    )
}


@router.post(
    "",
    operation_id="create_feedback_request",
    summary="Ask respondents for feedback about a leader",
    description="People in the directory or outside contacts (customers, suppliers) by your "
    "reference. Each respondent gets a single-use, expiring, revocable response token, shown "
    "only in this response (a replay with the same `Idempotency-Key` gets 409) and stored "
    "hashed. Give each token to its respondent; they answer with `submit_feedback_response`.",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The request and its tokens, with `Location` and `ETag`.",
        location=True,
        GetFeedbackRequest=link_to("get_feedback_request", "request_id"),
        CloseFeedbackRequest=link_to("close_feedback_request", "request_id"),
    ),
)
@secret_response
def create_feedback_request(
    principal: Writer,
    session: SessionDep,
    http_request: Request,
    body: Annotated[FeedbackRequestCreate, Body(openapi_examples=CREATE_EXAMPLES)],
    response: Response,
) -> FeedbackRequestCreated:
    now = utcnow()
    secret = http_request.app.state.settings.secret_key.get_secret_value()
    request, issued = service.create_request(session, principal.org_id, body, secret, now)
    response.headers["Location"] = f"/v1/feedback-requests/{request.id}"
    set_etag(response, request.version)
    return service.to_created(session, request, issued, now)


@router.get(
    "",
    operation_id="list_feedback_requests",
    summary="List feedback requests",
    description="Step 3 of the workflow (seek input and listen): the campaigns you opened, newest "
    "first, each with how many respondents were asked, have answered and are pending; "
    "filter by leader or by `updated_since` to sync.",
    responses=READ,
)
def list_feedback_requests(
    principal: Reader,
    session: SessionDep,
    page: Annotated[RequestPageParams, Query()],
    leader_id: Annotated[
        str | None,
        Query(
            pattern=id_pattern("per"),
            description="Only about this leader.",
            examples=[demo_ids.LEADER],
        ),
    ] = None,
    status_: Annotated[
        RequestStatus | None,
        Query(alias="status", description="Only in this status.", examples=["open"]),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only requests changed (answered, closed) at or after this time.",
            examples=["2026-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[FeedbackRequestOut]:
    rows, cursor = service.list_requests(
        session,
        principal.org_id,
        page,
        leader_id=leader_id,
        status=status_,
        updated_since=updated_since,
    )
    now = utcnow()
    return Page[FeedbackRequestOut](
        data=[service.to_out(session, r, now) for r in rows], next_cursor=cursor
    )


@router.get(
    "/{request_id:frq_id}",
    operation_id="get_feedback_request",
    summary="Get a feedback request with its answered and pending counts",
    description="Step 3 of the workflow: how a campaign stands — asked, answered, pending — "
    "and, for attributed requests only, which respondents are pending. Anonymous "
    "requests never say who answered.",
    responses=success(READ, 200, "The request, with its `ETag`."),
)
def get_feedback_request(
    session: SessionDep, request: RequestDep, response: Response
) -> FeedbackRequestOut:
    set_etag(response, request.version)
    return service.to_out(session, request, utcnow())


@router.post(
    "/{request_id:frq_id}/close",
    operation_id="close_feedback_request",
    summary="Close a feedback request, revoking its open tokens",
    description="Ends a campaign: every response token not used yet stops working at once "
    "(401), and a `feedback_request.closed` event is written. Answers already "
    "given keep counting in their reporting period.",
    responses=success(WRITE, 200, "The closed request, with its `ETag`."),
)
def close_feedback_request(
    _: Writer, session: SessionDep, request: RequestDep, response: Response
) -> FeedbackRequestOut:
    now = utcnow()
    service.close_request(session, request, now)
    set_etag(response, request.version)
    return service.to_out(session, request, now)


@router.post(
    "/{request_id:frq_id}/remind",
    operation_id="remind_feedback_request",
    summary="Emit a reminder event for the pending respondents",
    description="Writes a `feedback_request.reminder` event (feed and webhooks) for your "
    "platform to act on. For an anonymous request it carries counts only (naming the pending "
    "respondents would tell who answered): remind everyone.",
    responses=success(WRITE, 200, "The request, with its `ETag`."),
)
def remind_feedback_request(
    _: Writer, session: SessionDep, request: RequestDep, response: Response
) -> FeedbackRequestOut:
    now = utcnow()
    service.remind(session, request, now)
    set_etag(response, request.version)
    return service.to_out(session, request, now)
