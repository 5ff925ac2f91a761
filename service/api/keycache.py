"""Accepted API keys, remembered for a few seconds: most requests skip the key lookup.

A key is remembered by the SHA-256 of the whole bearer token, never the token itself, for
`ttl` seconds after the lookup that accepted it, and only while accepted (a refused key is
looked up every time). `forget(org_id)` drops every key of an organization at once: the
app calls it when a change to an API key or an organization commits in one of its own
sessions (`watch`), so a revocation or deactivation made through this replica takes effect
on its next request. One made elsewhere — another replica, `calling keys revoke` — takes
effect here within `ttl` seconds (README, SECURITY.md: `CALLING_AUTH_CACHE_SECONDS`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

T = TypeVar("T")

MAX_ENTRIES = 10_000
_PENDING = "calling_key_cache_forget"
_EVERYTHING = "*"


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class KeyCache(Generic[T]):
    def __init__(
        self, ttl: float, clock: Callable[[], float] = time.monotonic, size: int = MAX_ENTRIES
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.size = size
        self._entries: dict[bytes, tuple[float, str, T]] = {}

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, token: str) -> T | None:
        if not self._entries:
            return None
        digest = _digest(token)
        entry = self._entries.get(digest)
        if entry is None:
            return None
        expires, _, value = entry
        if self.clock() >= expires:
            self._entries.pop(digest, None)
            return None
        return value

    def put(self, token: str, org_id: str, value: T) -> None:
        if not self.enabled:
            return
        if len(self._entries) >= self.size:  # the oldest first (dicts keep insertion order)
            self._entries.pop(next(iter(self._entries)))
        self._entries[_digest(token)] = (self.clock() + self.ttl, org_id, value)

    def forget(self, org_id: str | None = None) -> None:
        """Every key of `org_id` (of every organization when None)."""
        if org_id is None:
            self._entries.clear()
            return
        for digest in [d for d, (_, org, _) in self._entries.items() if org == org_id]:
            self._entries.pop(digest, None)

    def __len__(self) -> int:
        return len(self._entries)

    def watch(self, sessions: sessionmaker[Session], models: tuple[type[Any], ...]) -> None:
        """Forget an organization's keys when a session of `sessions` commits a change to
        an instance of `models` (each has an `org_id`), and everything when it commits a
        bulk UPDATE or DELETE of their tables."""
        tables = {model.__table__.name for model in models}

        def pending(session: Session) -> set[str]:
            found: set[str] = session.info.setdefault(_PENDING, set())
            return found

        def after_flush(session: Session, _flush: UOWTransaction) -> None:
            for instance in (*session.dirty, *session.deleted):
                if isinstance(instance, models):
                    pending(session).add(str(instance.org_id))

        def do_orm_execute(state: ORMExecuteState) -> None:
            if state.is_update or state.is_delete:
                table = getattr(state.statement, "table", None)
                if getattr(table, "name", None) in tables:
                    pending(state.session).add(_EVERYTHING)

        def after_commit(session: Session) -> None:
            orgs = session.info.pop(_PENDING, None)
            if not orgs:
                return
            if _EVERYTHING in orgs:
                self.forget()
                return
            for org_id in orgs:
                self.forget(org_id)

        event.listen(sessions, "after_flush", after_flush)
        event.listen(sessions, "do_orm_execute", do_orm_execute)
        event.listen(sessions, "after_commit", after_commit)
