"""A trust-score read of a closed period is a lookup: at most three SQL statements after
authentication (the organization row with its settings schedule; the leader with the open
period's count; the last two closed periods with the leader's shown cells), whatever the
number of answers, leaders or periods. Counted with a `before_cursor_execute` listener on
the engine over the whole request; the statements that authenticate the API key (reading
`api_keys`; none while the app remembers the key) are reported separately."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import Tenant
from tests.trust.helpers import Clock, close, give, person


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement any engine sends (the app has its own engine)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def test_a_closed_period_is_read_in_three_statements(
    client: TestClient, tenant: Tenant, frozen: Clock, db: Engine
) -> None:
    leader = person(client, tenant, "L")
    others = [person(client, tenant, f"O{i}") for i in range(3)]
    for quarter_start in (datetime(2026, 1, 6, tzinfo=UTC), datetime(2026, 4, 5, tzinfo=UTC)):
        frozen.at(quarter_start)
        for i in range(8):
            give(client, tenant, leader, f"r{i}", 1 + i % 5, ("peer", "direct_report")[i % 2])
            for other in others:
                give(client, tenant, other, f"r{i}", 3)
    frozen.at(datetime(2026, 7, 1, 1, tzinfo=UTC))
    assert close(db) == 2
    give(client, tenant, leader, "open", 4)  # the open period has an answer to count
    url = f"/v1/leaders/{leader}/trust-score"
    assert client.get(url, headers=tenant.headers()).status_code == 200  # warm the pool

    for params in ({}, {"as_of": "2026-12-01T00:00:00Z"}):
        with statements() as seen:
            r = client.get(url, params=params, headers=tenant.headers())
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["overall"]["n"] == 8 and body["trend"]["overall"]["n"] == 8
        authentication = [s for s in seen if "api_keys" in s]
        after = [
            s
            for s in seen
            if "api_keys" not in s and not s.lstrip().startswith(("BEGIN", "COMMIT", "ROLLBACK"))
        ]
        what = params or "now"
        print(f"trust-score {what}: {len(authentication)} to authenticate + {len(after)} after")
        assert len(authentication) <= 1, seen  # none when the key is remembered (keycache)
        assert len(after) <= 3, after
        assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in seen)
        assert not any("FROM feedback" in s and "count" not in s.lower() for s in seen), seen
