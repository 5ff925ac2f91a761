from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from service import demo_ids
from service.api.auth import Reader
from service.api.paths import prefilled
from service.api.responses import READ
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.db import utcnow
from service.ids import id_pattern
from service.organizations.service import get_organization
from service.pages import Page, PageParams, cursor_field, paginate_list
from service.trust import service
from service.trust.schemas import MAX_HISTORY_PERIODS, LeaderScore, TrustHistory, TrustScore
from service.types import AwareDatetime, rfc3339

router = APIRouter(prefix="/v1", tags=["Trust"], route_class=CallingRoute)

LeaderIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=[demo_ids.LEADER],
        openapi_examples=prefilled(demo_ids.LEADER, "Ada Lindqvist, the demo's leader"),
    ),
]


@router.get(
    "/leaders/{leader_id:per_id}/trust-score",
    operation_id="get_trust_score",
    summary="The follower-trust score and stage of a leader",
    description=service.METHOD + " Without `as_of`: the latest closed period, and the open "
    "period's count of answers so far; with `as_of`: the latest period closed at that moment. "
    'A suppressed figure is just `{"suppressed": true}`.',
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
    return service.trust_score(session, org, leader_id, as_of, utcnow())


@router.get(
    "/leaders/{leader_id:per_id}/trust-history",
    operation_id="get_trust_history",
    summary="The trust score of each closed reporting period",
    description="One point per closed period, oldest first (the last `periods` of them). "
    "Suppressed points say `suppressed: true`.",
    responses=READ,
)
def get_trust_history(
    principal: Reader,
    session: SessionDep,
    leader_id: LeaderIdPath,
    periods: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_HISTORY_PERIODS,
            description="How many closed periods, the latest ones (1–40).",
            examples=[8],
        ),
    ] = 8,
) -> TrustHistory:
    org = get_organization(session, principal.org_id)
    return service.trust_history(session, org, leader_id, periods, utcnow())


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
    "period_start",
    "period_end",
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
                    rfc3339(r.period.start),
                    rfc3339(r.period.end),
                )
            ]
        )
    return buffer.getvalue()


def _quality(accept: str, media_type: str) -> float:
    """The `q` RFC 9110 §12.5.1 gives `media_type` in `accept`: that of the most specific
    range matching it (`text/csv` over `text/*` over `*/*`), 0 when none does."""
    kind = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        media_range = media_range.lower()
        specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range)
        if specificity is None or specificity <= best[0]:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        best = (specificity, q)
    return best[1]


def prefers_csv(accept: str | None) -> bool:
    """CSV only when the client asks for it over JSON (`Accept: text/csv`, or a higher `q`);
    JSON otherwise, including for `*/*` and no `Accept` at all."""
    if not accept:
        return False
    csv_q = _quality(accept, "text/csv")
    return csv_q > 0 and csv_q > _quality(accept, "application/json")


_CSV_EXAMPLE = (
    ",".join(CSV_COLUMNS) + "\r\n"
    "per_01JD5ZQ8W4M3KXHNB7T2C9V6RE,Ada Lindqvist,leader,12,71.4,66.0,76.8,0.75,9,"
    "2026-07-01T00:00:00Z,2026-10-01T00:00:00Z\r\n"
)


@router.get(
    "/trust-scores/export",
    operation_id="export_trust_scores",
    summary="Every leader's score and stage in the latest closed period, as one CSV file",
    description="Step 5 of the workflow, for HR analytics: the rows of `list_trust_scores` "
    "(all of them, no paging) as `text/csv` with a header row; suppressed figures are empty "
    "cells, timestamps are RFC 3339 UTC (`Z`), and a cell that a spreadsheet would run as a "
    "formula is prefixed with `'`.",
    response_class=Response,
    responses={
        **READ,
        200: {
            "description": "All leaders of your organization as CSV.",
            "content": {
                "text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE},
            },
        },
    },
)
def export_trust_scores(
    principal: Reader,
    session: SessionDep,
    sort: Annotated[
        SortKey, Query(description="`score`, `-score`, `name` or `stage`.", examples=["-score"])
    ] = (SortKey.score_desc),
) -> Response:
    org = get_organization(session, principal.org_id)
    rows = _sorted(service.overview(session, org, utcnow()), sort)
    return Response(_csv(rows), media_type="text/csv; charset=utf-8")


@router.get(
    "/trust-scores",
    operation_id="list_trust_scores",
    summary="Every leader's score and stage in the latest closed period (JSON or CSV)",
    response_model=Page[LeaderScore],
    description="Leaders with answers in the latest closed period. Sort with `sort`. Send "
    "`Accept: text/csv` (preferred over `application/json`) for all rows as CSV (suppressed "
    "figures are empty cells).",
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
    response: Response,
    sort: Annotated[
        SortKey, Query(description="`score`, `-score`, `name` or `stage`.", examples=["-score"])
    ] = (SortKey.score_desc),
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Page[LeaderScore] | Response:
    org = get_organization(session, principal.org_id)
    rows = _sorted(service.overview(session, org, utcnow()), sort)
    if prefers_csv(accept):
        csv_response = Response(_csv(rows), media_type="text/csv; charset=utf-8")
        csv_response.headers["Vary"] = "Accept"
        return csv_response
    response.headers["Vary"] = "Accept"
    chunk, cursor = paginate_list(rows, page)
    return Page[LeaderScore](data=chunk, next_cursor=cursor)
