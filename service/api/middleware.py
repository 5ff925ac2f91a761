"""The app's one pure ASGI layer: request id, security headers, RateLimit fields, body
limit and timeout, telemetry (metrics, access log), last-resort 500."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.observability.metrics import HttpMetrics
from service.api.observability.middleware import record_request
from service.api.problems import Refused, problem_response
from service.api.ratelimit import STATE_KEY as RATE_LIMIT_STATE
from service.errors import PayloadTooLarge, UnsupportedMediaType
from service.problem_types import (
    INTERNAL_ERROR,
    PAYLOAD_TOO_LARGE,
    REQUEST_TIMEOUT,
    UNSUPPORTED_MEDIA_TYPE,
)

# Set in the request state by authentication when the key (or response token) belongs to a
# sandbox organization: every response to it then carries `Calling-Sandbox: true`.
SANDBOX_STATE = "sandbox"
SANDBOX_HEADER = "Calling-Sandbox"

logger = logging.getLogger("calling.http")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

SECURITY_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def _wrong_media_type(method: str, headers: Headers) -> bool:
    """A body on a write must be JSON (`application/json` or `application/*+json`)."""
    if method not in {"POST", "PUT", "PATCH"}:
        return False
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    if not has_body:
        return False
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return not (
        media_type == "application/json"
        or (media_type.startswith("application/") and media_type.endswith("+json"))
    )


def refuse_body_early(scope: Scope, max_body_bytes: int) -> None:
    """415 for a body that is not JSON, 413 for a declared length over the limit: decided
    from the headers alone, once the key and its scope are accepted (`CallingRoute`)."""
    headers = Headers(scope=scope)
    if _wrong_media_type(scope["method"], headers):
        raise UnsupportedMediaType(
            "Send the body as application/json.", cause=UNSUPPORTED_MEDIA_TYPE
        )
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
        raise PayloadTooLarge(f"The body exceeds {max_body_bytes} bytes.", cause=PAYLOAD_TOO_LARGE)


class HttpLayer:
    """The only middleware of our own, outermost. Every response, even a 500, carries the
    request id and the security headers; one of a request whose API key was checked, the
    RateLimit fields authentication left in the request state (whatever produced the
    response: the endpoint, an error handler, a replay), and `Calling-Sandbox: true` when
    the key is a sandbox organization's. A body over the limit is refused
    with 413, and a body that does not arrive within `body_timeout` of the first read with
    408 (a slow client cannot hold a request open). Each request is counted in `metrics`
    and logged once it is answered (`service.api.observability.middleware`).

    (Starlette's own `RequestBodyLimitMiddleware` is not used: it answers a declared length
    over the limit with a text/plain 413 in place of whatever the app answered, a `401` to
    a request without a key included, so the key would no longer be checked first.)"""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        body_timeout: float = 30.0,
        metrics: HttpMetrics | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = time.perf_counter()
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else secrets.token_hex(16)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = False
        status = 500  # unless a response starts: rendered below

        async def send_with_headers(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                out = MutableHeaders(scope=message)
                for name, value in (state.get(RATE_LIMIT_STATE) or {}).items():
                    out[name] = value
                out["x-request-id"] = request_id
                if state.get(SANDBOX_STATE):
                    out[SANDBOX_HEADER] = "true"
                for name, value in SECURITY_HEADERS:
                    out[name.decode()] = value.decode()
            await send(message)

        received = 0
        deadline: float | None = None

        async def limited_receive() -> Message:
            nonlocal received, deadline
            loop = asyncio.get_running_loop()
            if deadline is None:
                deadline = loop.time() + self.body_timeout
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise Refused(
                    REQUEST_TIMEOUT, f"The body did not arrive within {self.body_timeout:g} s."
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI re-raises HTTPException from body reading; its handler renders it.
                    raise Refused(
                        PAYLOAD_TOO_LARGE, f"The body exceeds {self.max_body_bytes} bytes."
                    )
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            record_request(self.metrics, scope, 500, time.perf_counter() - started_at, request_id)
            logger.exception("unhandled error")
            if not started:
                response = problem_response(
                    Request(scope), INTERNAL_ERROR, "An unexpected error occurred."
                )
                state.pop(RATE_LIMIT_STATE, None)  # as before: no RateLimit fields on it
                await response(scope, receive, send_with_headers)
        else:
            record_request(
                self.metrics, scope, status, time.perf_counter() - started_at, request_id
            )
        finally:
            request_id_var.reset(token)
