"""Probes: `/livez` (process up, no database) and `/readyz` (database reachable)."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from service.api.problems import problem_response
from service.problem_types import SERVICE_UNAVAILABLE
from service.schema import Schema

router = APIRouter(tags=["Operations"], include_in_schema=False)  # not the integrators' contract


class HealthStatus(Schema):
    """The answer of a probe that passed."""

    status: Literal["ok"] = Field(description="Always `ok`.", examples=["ok"])


@router.get(
    "/livez",
    operation_id="livez",
    summary="Liveness: the process is up (never touches the database)",
    responses={
        200: {
            "description": "Alive.",
            "content": {"application/json": {"example": {"status": "ok"}}},
        }
    },
)
async def livez() -> HealthStatus:  # on the event loop: no wait for a worker thread
    return HealthStatus(status="ok")


def _ping(request: Request) -> None:
    with request.app.state.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Readiness: the database answers within a short timeout",
    response_model=HealthStatus,
    responses={
        200: {
            "description": "Ready.",
            "content": {"application/json": {"example": {"status": "ok"}}},
        },
        503: {"description": "The database is unreachable."},
    },
)
async def readyz(request: Request) -> JSONResponse:
    timeout = request.app.state.settings.readiness_timeout_seconds
    try:
        await asyncio.wait_for(run_in_threadpool(_ping, request), timeout=timeout)
    except Exception:  # any failure means "not ready"; the reason is not disclosed
        return problem_response(
            request,
            SERVICE_UNAVAILABLE,
            "The database is not reachable.",
            headers={"Retry-After": "5"},
        )
    return JSONResponse({"status": "ok"})
