"""The HTTP/1.1 server protocol `calling serve` runs: uvicorn's h11 protocol, with limits.

uvicorn closes idle keep-alive connections after `timeout_keep_alive`, and h11 refuses a
buffered *incomplete* head over `h11_max_incomplete_event_size` — but a head over that size
that arrives whole, in one write, is parsed and served; there is no timeout for a request
head that trickles in, and malformed HTTP gets a `text/plain` 400. This subclass (passed to
uvicorn as its `http` protocol class, which uvicorn supports) adds:

* the head of every request (the first, and each on a kept-alive or pipelined connection)
  is at most `h11_max_incomplete_event_size` bytes however it arrives, else a `431` problem
  and the connection is closed (`_CappedConnection`);
* the head must arrive within `header_timeout` seconds, else a `408` problem and close;
* malformed HTTP gets an `application/problem+json` 400.

Slow bodies are the application's part (`service.api.middleware.HttpLayer`, `408`).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from service.errors import PROBLEM_MEDIA_TYPE, problem_document
from service.problem_types import (
    HEADER_TOO_LARGE,
    MALFORMED_HTTP,
    REQUEST_TIMEOUT,
    ProblemType,
)


def _problem(cause: ProblemType, reason: str, detail: str) -> bytes:
    body = json.dumps(problem_document(cause, detail, "/")).encode()
    head = (
        f"HTTP/1.1 {cause.status} {reason}\r\n"
        f"content-type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"content-length: {len(body)}\r\n"
        "cache-control: no-store\r\n"
        "x-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    ).encode()
    return head + body


# Where h11 ends a head: the first blank line (it accepts bare LF line endings too).
_END_OF_HEAD = re.compile(b"\n\r?\n")
_H11_DEFAULT_CAP = 16 * 1024  # h11's, when uvicorn is given no cap


class _CappedConnection(h11.Connection):
    """An h11 server connection that refuses a request head over `max_head` bytes before
    parsing it, whether the head is still incomplete (h11's own cap) or arrived whole."""

    def __init__(self, max_head: int) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=max_head)
        self.max_head = max_head
        self.head_too_large = False

    def next_event(self) -> Any:
        if self.their_state is h11.IDLE:  # the buffer starts with a request head
            buffered, _ = self.trailing_data
            if len(buffered) > self.max_head and not _END_OF_HEAD.search(
                buffered, 0, self.max_head
            ):
                self.head_too_large = True
                raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
        return super().next_event()


class CallingH11Protocol(H11Protocol):
    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _CappedConnection(self.config.h11_max_incomplete_event_size or _H11_DEFAULT_CAP)
        self._header_timer: asyncio.TimerHandle | None = None

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _waiting_for_a_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or not self._waiting_for_a_head():
            return
        partial, _ = self.conn.trailing_data
        if partial:  # a head was started but not finished in time
            self.transport.write(
                _problem(
                    REQUEST_TIMEOUT,
                    "Request Timeout",
                    f"The request headers did not arrive within {self.header_timeout:g} s.",
                )
            )
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if not self._waiting_for_a_head():  # a whole head arrived: the request runs
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._waiting_for_a_head():
            self._arm_header_timer()  # the next request's head, on a kept-alive connection

    def send_400_response(self, msg: str) -> None:
        self._cancel_header_timer()
        conn = self.conn
        if isinstance(conn, _CappedConnection) and conn.head_too_large:
            problem = _problem(
                HEADER_TOO_LARGE,
                "Request Header Fields Too Large",
                f"The request head is larger than {conn.max_head} bytes.",
            )
        else:
            problem = _problem(MALFORMED_HTTP, "Bad Request", "The request is not valid HTTP/1.1.")
        self.transport.write(problem)
        self.transport.close()


def protocol_class(header_timeout: float) -> type[CallingH11Protocol]:
    """`CallingH11Protocol` with this head timeout (uvicorn instantiates the class itself)."""
    return type("CallingH11Protocol", (CallingH11Protocol,), {"header_timeout": header_timeout})
