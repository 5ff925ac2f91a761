"""Opaque, prefixed, time-ordered identifiers (`per_01J…`): a developer sees what an id is."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PATTERN = r"^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$"
ID_LENGTH = 30  # a 3-letter prefix, `_` and 26 characters: every id has exactly this length


# Ids `new_id` hands out before making any, by prefix (`planned_ids`); none outside a block.
_planned: ContextVar[dict[str, list[str]] | None] = ContextVar("planned_ids", default=None)


@contextmanager
def planned_ids(**ids: str | tuple[str, ...]) -> Iterator[None]:
    """Within the block, `new_id(prefix)` returns the ids planned for `prefix` (a tuple: in
    its order, each once) before any new one; other prefixes stay random. The demo
    organization seeds its documented ids so (`service.demo_ids`); a planned id the block
    did not use is an error."""
    plan = {p: [v] if isinstance(v, str) else list(v) for p, v in ids.items()}
    token = _planned.set(plan)
    try:
        yield
    finally:
        _planned.reset(token)
    unused = [v for values in plan.values() for v in values]
    if unused:
        raise RuntimeError(f"planned ids not used: {unused}")


def new_id(prefix: str) -> str:
    """`prefix_` + a ULID: 48 bits of milliseconds, 80 random bits, Crockford base32."""
    plan = _planned.get()
    if plan and plan.get(prefix):
        return plan[prefix].pop(0)
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rem = divmod(value, 32)
        chars.append(_CROCKFORD[rem])
    return f"{prefix}_{''.join(reversed(chars))}"


def id_pattern(prefix: str) -> str:
    return rf"^{prefix}_[0-9A-HJKMNP-TV-Z]{{26}}$"
