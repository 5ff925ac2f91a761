from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from service.auth import Reader
from service.db import SessionDep, utcnow
from service.http import Page, PageParams, cursor_field, paginate_list
from service.ids import id_pattern
from service.organizations.service import get_organization
from service.people.service import get_person
from service.responses import READ
from service.routing import CallingRoute
from service.trust import service
from service.trust.schemas import LeaderScore, TrustHistory, TrustScore
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Trust"], route_class=CallingRoute)

LeaderIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=["per_01JD5ZQ8W4M3KXHNB7T2C9V6RE"],
    ),
]


@router.get(
    "/leaders/{leader_id}/trust-score",
    operation_id="get_trust_score",
    summary="The follower-trust score and stage of a leader",
    description=service.METHOD + " Without `as_of` the current published states are served "
    "(and `pending` says whether unpublished changes exist); with `as_of` the states in force "
    'at that moment. A suppressed figure is just `{"suppressed": true}`.',
    responses=READ,
)
def get_trust_score(
    principal: Reader,
    session: SessionDep,
    leader_id: LeaderIdPath,
    as_of: Annotated[
        AwareDatetime | None,
        Query(
            description="The moment to read (RFC 3339); default now.",
            examples=["2026-03-01T00:00:00Z"],
        ),
    ] = None,
) -> TrustScore:
    org = get_organization(session, principal.org_id)
    leader = get_person(session, principal.org_id, leader_id)
    return service.trust_score(session, org, leader, as_of, utcnow())


@router.get(
    "/leaders/{leader_id}/trust-history",
    operation_id="get_trust_history",
    summary="Monthly series of the published trust score",
    description="The published state in force at each month's end (the last point is now). "
    "Suppressed points say `suppressed: true`.",
    responses=READ,
)
def get_trust_history(
    principal: Reader,
    session: SessionDep,
    leader_id: LeaderIdPath,
    months: Annotated[
        int, Query(ge=1, le=36, description="How many months (1–36).", examples=[12])
    ] = 12,
) -> TrustHistory:
    org = get_organization(session, principal.org_id)
    leader = get_person(session, principal.org_id, leader_id)
    return service.trust_history(session, org, leader, months, utcnow())


class OverviewPageParams(PageParams):
    cursor: str | None = cursor_field(20)  # an offset into the sorted overview


class SortKey(StrEnum):
    """Sort order of the overview."""

    score = "score"
    score_desc = "-score"
    name = "name"
    stage = "stage"


_STAGE_ORDER = {"leader": 0, "emerging_leader": 1, "manager": 2, "insufficient_data": 3}
CSV_COLUMNS = [
    "leader_id",
    "display_name",
    "stage",
    "n",
    "score",
    "lower",
    "upper",
    "favorability",
    "followers",
    "published_at",
]


def _sorted(rows: list[LeaderScore], sort: SortKey) -> list[LeaderScore]:
    def score_of(r: LeaderScore) -> float:
        return r.overall.score if r.overall.score is not None else -1.0

    if sort == SortKey.name:
        return sorted(rows, key=lambda r: (r.display_name.casefold(), r.leader_id))
    if sort == SortKey.stage:
        return sorted(rows, key=lambda r: (_STAGE_ORDER[r.stage], -score_of(r), r.leader_id))
    if sort == SortKey.score:
        return sorted(rows, key=lambda r: (r.overall.score is None, score_of(r), r.leader_id))
    return sorted(rows, key=lambda r: (r.overall.score is None, -score_of(r), r.leader_id))


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text  # no formula injection


def _csv(rows: list[LeaderScore]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        o = r.overall
        writer.writerow(
            [
                _safe_cell(v)
                for v in (
                    r.leader_id,
                    r.display_name,
                    r.stage,
                    o.n,
                    o.score,
                    o.interval.lower if o.interval else None,
                    o.interval.upper if o.interval else None,
                    o.favorability,
                    o.followers,
                    r.published_at.isoformat() if r.published_at else None,
                )
            ]
        )
    return buffer.getvalue()


@router.get(
    "/trust-scores",
    operation_id="list_trust_scores",
    summary="Every leader's current score and stage (JSON or CSV)",
    response_model=Page[LeaderScore],
    description="Leaders with feedback, from their published states. Sort with `sort`. Send "
    "`Accept: text/csv` for all rows as CSV (suppressed figures are empty cells).",
    responses={
        **READ,
        200: {
            "description": "A page of leaders, or all of them as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
    },
)
def list_trust_scores(
    principal: Reader,
    session: SessionDep,
    page: Annotated[OverviewPageParams, Query()],
    sort: Annotated[
        SortKey, Query(description="`score`, `-score`, `name` or `stage`.", examples=["-score"])
    ] = (SortKey.score_desc),
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Page[LeaderScore] | Response:
    org = get_organization(session, principal.org_id)
    rows = _sorted(service.overview(session, org, utcnow()), sort)
    if accept is not None and "text/csv" in accept:
        return Response(_csv(rows), media_type="text/csv; charset=utf-8")
    chunk, cursor = paginate_list(rows, page)
    return Page[LeaderScore](data=chunk, next_cursor=cursor)
