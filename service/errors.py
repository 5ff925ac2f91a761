"""One error hierarchy, rendered as RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.problem_types import ProblemType

logger = logging.getLogger("calling.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ServiceError(Exception):
    """Base of every error the API returns on purpose. A subclass sets the status; each
    raise names its cause, a `ProblemType` of the catalogue (`service.problem_types`), whose
    slug and title the problem carries."""

    status: ClassVar[int] = 400

    def __init__(
        self,
        detail: str,
        *,
        cause: ProblemType,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if cause.status != self.status:
            raise ValueError(f"{cause.slug} is a {cause.status}, not a {self.status}")
        super().__init__(detail)
        self.cause = cause
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class Unauthorized(ServiceError):
    status = 401

    def __init__(self, detail: str, *, cause: ProblemType) -> None:
        super().__init__(
            detail, cause=cause, headers={"WWW-Authenticate": 'Bearer realm="calling"'}
        )


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class PreconditionFailed(ServiceError):
    status = 412


class PayloadTooLarge(ServiceError):
    status = 413


class UnsupportedMediaType(ServiceError):
    status = 415


class Unprocessable(ServiceError):
    status = 422


class PreconditionRequired(ServiceError):
    status = 428


class TooManyRequests(ServiceError):
    status = 429


IF_MATCH_REQUIRED_DETAIL = (
    "This update needs `If-Match` with the ETag you read, so no change is lost."
)


class ServiceUnavailable(ServiceError):
    status = 503

    def __init__(self, detail: str, *, cause: ProblemType, retry_after: int = 2) -> None:
        super().__init__(detail, cause=cause, headers={"Retry-After": str(retry_after)})


# The bounds of a problem body (the `maxLength` and `maxItems` of `Problem` in the spec): a
# request cannot make the answer that refuses it arbitrarily large, whatever the path it asks
# for or the number of unknown fields it sends.
MAX_DETAIL_LENGTH = 2000
MAX_INSTANCE_LENGTH = 2048
MAX_FIELD_ERRORS = 1000
MAX_LISTED_ERRORS = 100  # the default of `max_validation_errors`
MAX_FIELD_LENGTH = 300
MAX_MESSAGE_LENGTH = 1000


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problem_document(
    cause: ProblemType,
    detail: str,
    instance: str,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The one RFC 9457 problem body every refusal carries, its type, title and status those
    of `cause`: the exception handlers, the HTTP layer's own refusals (`problem_response`)
    and the server protocol's (service.api.transport)."""
    if errors is not None and len(errors) > MAX_FIELD_ERRORS:
        detail = f"{detail} (the first {MAX_FIELD_ERRORS} of {len(errors)} errors are listed)"
        errors = errors[:MAX_FIELD_ERRORS]
    body: dict[str, Any] = {
        "type": cause.uri,
        "title": cause.title,
        "status": cause.status,
        "detail": _clip(detail, MAX_DETAIL_LENGTH),
        "instance": _clip(instance, MAX_INSTANCE_LENGTH),
    }
    if errors is not None:
        body["errors"] = [
            {
                "field": _clip(error["field"], MAX_FIELD_LENGTH),
                "message": _clip(error["message"], MAX_MESSAGE_LENGTH),
            }
            for error in errors
        ]
    return body


# Transient conditions the driver reports as InternalError rather than OperationalError:
# a read-only transaction (writes reaching a primary demoted to standby during a failover)
# and a session ended by the server's idle or transaction timeout.
_TRANSIENT_SQLSTATES = frozenset({"25006", "25P03", "25P04"})


def is_transient_db_error(exc: BaseException) -> bool:
    """Connection loss, timeouts, locks, a read-only or restarting server: retry later.
    (psycopg raises `QueryCanceled`, `LockNotAvailable`, `AdminShutdown`, … as
    OperationalError subclasses; SQLAlchemy wraps them in its `OperationalError`.)"""
    if isinstance(exc, OperationalError | PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return bool(exc.connection_invalidated) or sqlstate in _TRANSIENT_SQLSTATES
