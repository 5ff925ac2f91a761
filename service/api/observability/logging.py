"""Structured logs: one JSON object per line on stdout, carrying the request id.

Personal data stays out: messages are ours, extras are explicit fields, and an exception is
logged as its type and stack only — the message of a SQL or validation error quotes the data
(feedback text, API keys) it choked on.
"""

from __future__ import annotations

import json
import logging
import logging.config
import traceback
from datetime import UTC, datetime
from typing import Any

from service.api.middleware import request_id_var

# Attributes every LogRecord has; anything else on a record is an `extra` field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}


def _exception_text(exc: BaseException) -> str:
    """The chain of exception types and stacks, without their messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        stack = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{stack}{kind}: (message withheld)")
        if current.__cause__ is not None or current.__suppress_context__:
            current = current.__cause__
        else:
            current = current.__context__
    return "\n\nwhile handling the above, or caused by it:\n\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """`{"timestamp", "level", "logger", "message", "request_id", ...extras}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                payload[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            payload["exception"] = _exception_text(record.exc_info[1])
        if record.stack_info:
            payload["stack"] = record.stack_info
        return json.dumps(payload, default=str, ensure_ascii=False)


def logging_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` schema (also uvicorn's `log_config`): JSON to stdout;
    uvicorn's own access log off, since `calling.access` logs each request."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


def configure_logging(level: str) -> None:
    """JSON logging for the process — unless logging is configured already (like
    `logging.basicConfig`): `calling serve` passes `logging_config` to uvicorn, pytest
    installs its capture handlers, an embedding program has its own."""
    if logging.getLogger().handlers:
        return
    logging.config.dictConfig(logging_config(level))
