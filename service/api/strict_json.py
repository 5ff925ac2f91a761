"""Request bodies are parsed as strict JSON (RFC 8259), not as whatever Python's `json` takes.

Python's parser would accept a body in UTF-16 or UTF-32, `NaN` and `Infinity`, a member name
twice (the last one silently wins, so two parsers of the same body can disagree on what it
says), lone surrogates (`"\\ud800"`, which no UTF-8 text can hold: the answer that echoes
one could not even be encoded), and fail with a `RecursionError` on deep nesting. Here each
of those is malformed JSON: `400`, like any other body that does not parse.

Before the parser builds anything, one pass over the bytes (`check_shape`) enforces the
bounds of `JSONLimits` — nesting depth, members of one object, elements of one array and
values in the whole document — and stops at the first one exceeded, so a hostile body costs
at most the work and memory of a document within the bounds (`400` naming the bound).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from service.api.problems import Refused
from service.problem_types import JSON_TOO_COMPLEX

MAX_DEPTH = 64  # the deepest body of the API is 4 levels


@dataclass(frozen=True)
class JSONLimits:
    max_depth: int = 32
    max_members: int = 256
    max_elements: int = 10_000
    max_values: int = 20_000


class TooComplex(ValueError):
    """A body over one of the `JSONLimits` (the message names it)."""


# A string (possessive, and running to the end when unterminated, so no input makes the
# scan go back over itself) or a structural character; everything else is skipped.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\Z)|[\[\]{},]', re.DOTALL)
_OPEN_OBJECT, _OPEN_ARRAY, _CLOSE_OBJECT, _CLOSE_ARRAY, _COMMA = b"{[}],"


def check_shape(body: bytes, limits: JSONLimits) -> None:
    """Raise `TooComplex` at the first bound the body exceeds, in one pass over its bytes.
    (Not a validator: what passes here may still be malformed JSON, for `loads` to refuse.)"""
    counts: list[int] = []  # per open container: commas seen
    arrays: list[bool] = []
    values = 0
    for match in _TOKEN.finditer(body):
        char = body[match.start()]
        if char == _COMMA:
            if not counts:
                continue
            counts[-1] += 1
            values += 1
            if arrays[-1]:
                if counts[-1] >= limits.max_elements:
                    raise TooComplex(f"an array has more than {limits.max_elements} elements")
            elif counts[-1] >= limits.max_members:
                raise TooComplex(f"an object has more than {limits.max_members} members")
        elif char in (_OPEN_OBJECT, _OPEN_ARRAY):
            counts.append(0)
            arrays.append(char == _OPEN_ARRAY)
            values += 1
            if len(counts) > limits.max_depth:
                raise TooComplex(f"the body nests deeper than {limits.max_depth} levels")
        elif char in (_CLOSE_OBJECT, _CLOSE_ARRAY) and counts:
            counts.pop()
            arrays.pop()
        if values > limits.max_values:
            raise TooComplex(f"the body holds more than {limits.max_values} values")


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


def loads(body: bytes, limits: JSONLimits | None = None) -> Any:
    """Parse a request body; any deviation from strict JSON raises `json.JSONDecodeError`,
    a body over `limits` raises `TooComplex` before anything is built."""
    check_shape(body, limits or JSONLimits())
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
    """A request whose `json()` (what FastAPI calls to read a JSON body) is strict and
    bounded by the app's `json_max_*` settings (400 naming the bound exceeded)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            settings = self.app.state.settings
            limits = JSONLimits(
                max_depth=settings.json_max_depth,
                max_members=settings.json_max_members,
                max_elements=settings.json_max_elements,
                max_values=settings.json_max_values,
            )
            try:
                self._json = loads(await self.body(), limits)
            except TooComplex as exc:  # FastAPI passes an HTTPException through as it is
                raise Refused(JSON_TOO_COMPLEX, f"The body is too complex: {exc}.") from None
        return self._json
