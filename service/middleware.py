"""Pure ASGI middleware: request id, security headers, body limit, last-resort 500."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import PayloadTooLarge, UnsupportedMediaType, problem_response

logger = logging.getLogger("calling.http")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

SECURITY_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class _BodyTooLarge(Exception):
    pass


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


class RequestContextMiddleware:
    """Outermost layer of our own: every response, even a 500, carries the request id and
    the security headers, and a body over the limit is refused with 413."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                out["x-request-id"] = request_id
                for name, value in SECURITY_HEADERS:
                    out[name.decode()] = value.decode()
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # FastAPI re-raises HTTPException from body reading; its handler renders it.
                    raise HTTPException(413, f"The body exceeds {self.max_body_bytes} bytes.")
            return message

        try:
            if _wrong_media_type(scope["method"], headers):
                unsupported = UnsupportedMediaType("Send the body as application/json.")
                response = problem_response(
                    Request(scope),
                    unsupported.status,
                    unsupported.slug,
                    unsupported.title,
                    unsupported.detail,
                )
                await response(scope, receive, send_with_headers)
                return
            declared = headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _BodyTooLarge
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if not started:
                error = PayloadTooLarge(f"The body exceeds {self.max_body_bytes} bytes.")
                response = problem_response(
                    Request(scope), error.status, error.slug, error.title, error.detail
                )
                await response(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error")
            if not started:
                response = problem_response(
                    Request(scope),
                    500,
                    "internal-error",
                    "Internal server error",
                    "An unexpected error occurred.",
                )
                await response(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
