"""Problems over HTTP: the exception handlers that render every error as RFC 9457
`application/problem+json` (through `service.errors.problem_document`), and the replay of an
idempotent request's first response."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response, routing
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import (
    IF_MATCH_REQUIRED_DETAIL,
    MAX_LISTED_ERRORS,
    PROBLEM_MEDIA_TYPE,
    ServiceError,
    is_transient_db_error,
    problem_document,
)
from service.idempotency.service import Replay, replay_response
from service.problem_types import (
    IF_MATCH_REQUIRED,
    INTERNAL_ERROR,
    MALFORMED_JSON,
    METHOD_NOT_ALLOWED,
    NO_SUCH_ROUTE,
    PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT,
    SERVICE_UNAVAILABLE,
    STALE_IF_MATCH,
    VALIDATION_ERROR,
    ProblemType,
)

logger = logging.getLogger("calling.errors")


def problem_response(
    request: Request,
    cause: ProblemType,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = problem_document(cause, detail, request.url.path, errors)
    return JSONResponse(
        body, status_code=cause.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


class Refused(StarletteHTTPException):
    """A refusal of the HTTP layer raised where FastAPI lets only an `HTTPException` through
    (while it reads the body: too large, too slow, too complex), naming its cause."""

    def __init__(self, cause: ProblemType, detail: str) -> None:
        super().__init__(cause.status, detail)
        self.cause = cause


MALFORMED_JSON_DETAIL = "The request body is not valid JSON."


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        prefix, rest = parts[0], parts[1:]
        return ".".join(rest) if prefix == "body" and rest else ".".join([prefix, *rest])
    return ".".join(parts)


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return problem_response(request, exc.cause, exc.detail, errors=exc.errors, headers=exc.headers)


def _is_missing_if_match(error: Any) -> bool:
    loc = [str(p).lower() for p in error.get("loc", ())]
    return error.get("type") == "missing" and loc == ["header", "if-match"]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(request, MALFORMED_JSON, MALFORMED_JSON_DETAIL)
    if any(_is_missing_if_match(e) for e in errors):
        return problem_response(request, IF_MATCH_REQUIRED, IF_MATCH_REQUIRED_DETAIL)
    settings = getattr(request.app.state, "settings", None)
    listed = settings.max_validation_errors if settings is not None else MAX_LISTED_ERRORS
    fields = [
        {"field": _field_path(e.get("loc", ())), "message": str(e.get("msg"))}
        for e in errors[:listed]
    ]
    detail = "The request has invalid or unknown fields; see `errors`."
    if len(errors) > listed:
        detail = f"{detail} The first {listed} are listed, and {len(errors) - listed} more."
    return problem_response(request, VALIDATION_ERROR, detail, errors=fields)


# The causes of the framework's own refusals (Starlette's routing, FastAPI's body reading).
_HTTP_CAUSES = {
    400: MALFORMED_JSON,  # "There was an error parsing the body"
    404: NO_SUCH_ROUTE,
    405: METHOD_NOT_ALLOWED,
    408: REQUEST_TIMEOUT,
    413: PAYLOAD_TOO_LARGE,
}


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def routes_of(app: Any) -> list[Any]:
    """Every route of the app, with its full path (FastAPI ≥ 0.16x keeps routers nested)."""
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    if iter_contexts is None:  # older FastAPI: included routes are copied flat
        return list(app.routes)
    return list(iter_contexts(app.routes))


def allowed_methods(request: Request) -> list[str]:
    """The methods of *every* route at this path. Starlette's own `Allow` names only the
    first route whose path matched, but `/v1/people/{id}` has one route per method."""
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    methods: set[str] = set()
    for route in routes_of(request.app):
        regex = getattr(route, "path_regex", None)
        route_methods: set[str] = getattr(route, "methods", None) or set()
        match = regex.match(path) if regex is not None and route_methods else None
        if match is None:
            continue
        methods |= route_methods
    return sorted(methods, key=lambda m: (*_METHOD_ORDER, m).index(m))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    cause = exc.cause if isinstance(exc, Refused) else _HTTP_CAUSES.get(exc.status_code)
    if cause is None:  # no refusal of ours or the framework's has another status
        return await _unexpected_error(request, exc)
    detail = exc.detail if isinstance(exc.detail, str) else cause.title
    headers = dict(exc.headers or {})
    if cause is MALFORMED_JSON and detail == "There was an error parsing the body":
        # FastAPI's answer to a body that is not even text: the same problem as bad JSON.
        detail = MALFORMED_JSON_DETAIL
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No route matches this path."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed here."
        allowed = allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    return problem_response(request, cause, detail, headers=headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # Connection loss, timeouts, locks: transient. Never a 500, never internals.
    cause = getattr(exc, "orig", None)  # the driver's error: QueryCanceled, AdminShutdown…
    reason = type(exc).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")
    logger.warning("database unavailable: %s", reason)
    return problem_response(
        request,
        SERVICE_UNAVAILABLE,
        "The database is temporarily unavailable; retry after the indicated delay.",
        headers={"Retry-After": "2"},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
    return problem_response(request, INTERNAL_ERROR, "An unexpected error occurred.")


async def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    if is_transient_db_error(exc):
        return await _database_error(request, exc)
    return await _unexpected_error(request, exc)


async def _lost_race(request: Request, exc: Exception) -> JSONResponse:
    # Two updates read the same version; the other one committed first (optimistic lock).
    return problem_response(
        request,
        STALE_IF_MATCH,
        "Another update changed this resource first; read it again and retry with its ETag.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(PoolTimeoutError, _database_error)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(StaleDataError, _lost_race)


async def replay_handler(request: Request, exc: Exception) -> Response:
    """Send the stored first response again (or a problem when it held a secret)."""
    assert isinstance(exc, Replay)
    try:
        status, headers, body = replay_response(exc)
    except ServiceError as error:
        return problem_response(request, error.cause, error.detail, headers=error.headers)
    return Response(body, status_code=status, headers=headers)
