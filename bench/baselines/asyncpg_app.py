"""Baseline "c": a raw ASGI app reading one row by primary key with asyncpg.

`GET /people/{org_id}/{person_id}` → the person as JSON (200), or 404. The pool (asyncpg's
defaults: 10 connections, a reset query when a connection goes back) is opened at startup
from `BENCH_DSN`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg

QUERY = (
    "SELECT id, external_id, display_name, email, title, manager_id, version, created_at,"
    " updated_at FROM people WHERE org_id = $1 AND id = $2"
)
pool: asyncpg.Pool | None = None


async def _respond(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                pool = await asyncpg.create_pool(os.environ["BENCH_DSN"])
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if pool is not None:
                    await pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    parts = scope["path"].split("/")
    if len(parts) != 4 or parts[1] != "people" or pool is None:
        await _respond(send, 404, b'{"detail":"not found"}')
        return
    async with pool.acquire() as conn:
        row = await conn.fetchrow(QUERY, parts[2], parts[3])
    if row is None:
        await _respond(send, 404, b'{"detail":"not found"}')
        return
    person = dict(row)
    person["created_at"] = person["created_at"].isoformat()
    person["updated_at"] = person["updated_at"].isoformat()
    await _respond(send, 200, json.dumps(person).encode())
