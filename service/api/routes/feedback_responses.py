"""The one endpoint a respondent calls: authenticated by their single-use response token
(its own security scheme, `ResponseToken`), never by an API key.

Submissions are rate limited per token (in this process), so a token cannot be used to
hammer the service; `Idempotency-Key` works as everywhere, scoped to the token.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from service import clock
from service.api.auth import enter_organization, leave_organization
from service.api.ratelimit import count_anonymous_request, count_request
from service.api.responses import problems, success
from service.api.routing import CallingRoute, IdempotencyKeyHeader
from service.api.session import SessionDep
from service.db import utcnow
from service.errors import TooManyRequests, Unauthorized
from service.feedback.schemas import FeedbackOut
from service.feedback.service import to_out as feedback_out
from service.feedback_requests import service, tokens
from service.feedback_requests.models import FeedbackRequestRecipient
from service.feedback_requests.schemas import FeedbackResponseCreate
from service.idempotency.service import claim, fingerprint
from service.organizations.models import Organization
from service.organizations.service import get_organization
from service.problem_types import INVALID_RESPONSE_TOKEN, MISSING_RESPONSE_TOKEN, RATE_LIMITED

SUBMISSIONS_PER_MINUTE = 10
MISSING_TOKEN = "Send the response token as `Authorization: Bearer <token>`."  # noqa: S105

response_token = HTTPBearer(
    auto_error=False,
    scheme_name="ResponseToken",
    description="A respondent's single-use response token: `Authorization: Bearer frt_…`.",
)


class _TokenLimiter:
    def __init__(self, per_minute: int) -> None:
        self.window = RateLimitItemPerMinute(per_minute) if per_minute else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str) -> None:
        if self.window is not None and not self.limiter.hit(self.window, key):
            raise TooManyRequests(
                "Too many submissions with this token; retry in a minute.",
                cause=RATE_LIMITED,
                headers={"Retry-After": "60"},
            )


def _limiter(request: Request) -> _TokenLimiter:
    limiter: _TokenLimiter | None = getattr(request.app.state, "response_token_limiter", None)
    if limiter is None:
        per_minute = request.app.state.settings.response_token_attempts_per_minute
        limiter = request.app.state.response_token_limiter = _TokenLimiter(per_minute)
    return limiter


def respondent(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(response_token)],
) -> FeedbackRequestRecipient:
    if credentials is None:  # `TokenRoute` refused it already; kept for the spec's security
        raise Unauthorized(MISSING_TOKEN, cause=MISSING_RESPONSE_TOKEN)
    # Checked (and counted against the token's limit) by `TokenRoute` before the body was
    # read; looked up again here in the request's transaction, locking the row.
    recipient = service.recipient_for_token(session, credentials.credentials, utcnow())
    request.state.org_id = recipient.org_id
    count_request(request, recipient.org_id)  # answers count toward the organization's limit
    return recipient


Respondent = Annotated[FeedbackRequestRecipient, Depends(respondent)]


async def token_idempotency(
    request: Request,
    session: SessionDep,
    recipient: Respondent,
    idempotency_key: IdempotencyKeyHeader = None,
) -> None:
    if idempotency_key is None:
        return
    body = await request.body()
    settings = request.app.state.settings
    secret = settings.secret_key.get_secret_value().encode()
    print_ = fingerprint(secret, request.method, request.url.path, body)
    ttl = timedelta(hours=settings.idempotency_ttl_hours)
    # Records belong to the response token's recipient, as others belong to an API key.
    request.state.idempotency_claim = await run_in_threadpool(
        claim, session, recipient.org_id, recipient.id, idempotency_key, print_, ttl
    )


def _check_token(request: Request) -> tuple[bool, timedelta]:
    """The token first, as the API key is everywhere else: before the body is read, a request
    without a valid, unused token of an open request is refused (401, or 409 once used).
    Whether the token's organization is a sandbox, and its test clock's offset: its time is
    what expires the token and what the answer is dated by."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    parsed = tokens.parse(token) if scheme.lower() == "bearer" else None
    if parsed is None:
        count_anonymous_request(request)  # 429 when this address is over its limit
        if scheme.lower() == "bearer" and token:
            raise Unauthorized(service.INVALID_TOKEN, cause=INVALID_RESPONSE_TOKEN)
        raise Unauthorized(MISSING_TOKEN, cause=MISSING_RESPONSE_TOKEN)
    _limiter(request).hit(parsed[1])
    with request.app.state.sessionmaker() as session:
        org = session.get(Organization, parsed[0])
        offset = org.clock_offset if org is not None else timedelta(0)
        with clock.organization_time(offset):
            service.recipient_for_token(session, token, utcnow())
    return org is not None and org.sandbox, offset


class TokenRoute(CallingRoute):
    """`CallingRoute` (strict JSON, response recording for `Idempotency-Key`) with the
    idempotency claim scoped to the response token instead of an API key, and the token
    checked before anything else."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        kwargs["dependencies"] = [
            *(kwargs.get("dependencies") or []),
            Depends(token_idempotency, scope="function"),
        ]
        APIRoute.__init__(self, path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def token_first(request: Request) -> Response:
            sandbox, offset = await run_in_threadpool(_check_token, request)
            enter_organization(request, sandbox, offset)  # left by `CallingRoute`'s handler
            try:
                return await handler(request)
            finally:
                leave_organization(request)

        return token_first


router = APIRouter(
    prefix="/v1/feedback-responses", tags=["Feedback requests"], route_class=TokenRoute
)

_RESPONSES = {
    **problems(400, 401, 409, 413, 415, 422, 429, 500, 503),
    401: {"description": "Missing, invalid, expired or revoked response token."},
    409: {"description": "This token has answered already (or an `Idempotency-Key` in flight)."},
    429: {"description": "Too many submissions with this token."},
}


@router.post(
    "",
    operation_id="submit_feedback_response",
    summary="Answer a feedback request with a response token",
    description="The respondent (or your platform on their behalf) answers once, with the "
    "single-use token in `Authorization: Bearer` (never in the URL). Reuse → 409; an expired "
    "or revoked token → 401. The answer counts like any other feedback; the response is a "
    f"receipt. Attempts are rate limited per token ({SUBMISSIONS_PER_MINUTE} a minute by "
    "default).",
    status_code=status.HTTP_201_CREATED,
    responses=success(_RESPONSES, 201, "The receipt, with `Location` and `ETag`.", location=True),
)
def submit_feedback_response(
    recipient: Respondent,
    session: SessionDep,
    request: Request,
    body: FeedbackResponseCreate,
    response: Response,
) -> FeedbackOut:
    org = get_organization(session, recipient.org_id)
    secret = request.app.state.settings.secret_key.get_secret_value()
    feedback = service.answer(session, org, recipient, body, secret, utcnow())
    # No record may link the token's recipient (`rcp_`) to the answer: no stored receipt.
    request.state.anonymous_answer = True
    response.headers["Location"] = f"/v1/feedback/{feedback.id}"
    response.headers["ETag"] = '"1"'
    return feedback_out(session, feedback, admin=False)
