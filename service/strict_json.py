"""Request bodies are parsed as strict JSON (RFC 8259), not as whatever Python's `json` takes.

Python's parser would accept a body in UTF-16 or UTF-32, `NaN` and `Infinity`, a member name
twice (the last one silently wins, so two parsers of the same body can disagree on what it
says), lone surrogates (`"\\ud800"`, which no UTF-8 text can hold: the answer that echoes
one could not even be encoded), and fail with a `RecursionError` on deep nesting. Here each
of those is malformed JSON: `400`, like any other body that does not parse.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

MAX_DEPTH = 64  # the deepest body of the API is 4 levels


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise ValueError(f"duplicate member name {name!r}")
        members[name] = value
    return members


def _check_text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("a string holds a lone surrogate (not Unicode text)") from exc


def _check(document: Any) -> None:
    """Depth and text of every member, without recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for name, value in node.items():
                _check_text(name)
                stack.append((value, depth + 1))
        else:
            stack.extend((value, depth + 1) for value in node)


def loads(body: bytes) -> Any:
    """Parse a request body; any deviation from strict JSON raises `json.JSONDecodeError`."""
    try:
        text = body.decode("utf-8")
        document = json.loads(
            text, object_pairs_hook=_unique_members, parse_constant=_refuse_constant
        )
        _check(document)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise json.JSONDecodeError(reason, "", 0) from exc
    return document


class StrictJSONRequest(Request):
    """A request whose `json()` (what FastAPI calls to read a JSON body) is strict."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json
