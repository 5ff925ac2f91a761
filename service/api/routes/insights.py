from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from service import demo_ids
from service.api.auth import Reader
from service.api.paths import prefilled
from service.api.responses import READ
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.db import utcnow
from service.ids import id_pattern
from service.insights import service
from service.insights.schemas import Alignment, Connections, Journey, Themes
from service.organizations.service import get_organization
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Insights"], route_class=CallingRoute)

LeaderIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=[demo_ids.LEADER],
        openapi_examples=prefilled(demo_ids.LEADER, "Ada Lindqvist, the demo's leader"),
    ),
]
AsOf = Annotated[
    AwareDatetime | None,
    Query(
        description="The moment to read (RFC 3339); default now. The figures are those of "
        "the latest period closed at that moment.",
        examples=["2026-10-01T00:00:00Z"],
    ),
]

_CLOSED = (
    " Figures come from the latest closed reporting period (computed once when it closed); "
    "a cell under its minimum, or hidden so that none can be recovered by subtraction, is "
    "absent."
)


@router.get(
    "/leaders/{leader_id:per_id}/alignment",
    operation_id="get_alignment",
    summary="How the leader sees living each belief, against how others see it",
    description="For every active belief: the self-rating (its alignment in the leader's "
    "latest reflection submitted by `as_of`), others' mean rating in the period (the "
    "feedback `belief_ratings`, with n; per relationship group where it reaches its "
    "minimum), the gap and a class — `blind_spot` (self higher by ≥ `gap_threshold`), "
    "`hidden_strength` (others higher by ≥ it), `aligned`, `insufficient_data` — largest "
    "gap first." + _CLOSED,
    responses=READ,
)
def get_alignment(
    principal: Reader, session: SessionDep, leader_id: LeaderIdPath, as_of: AsOf = None
) -> Alignment:
    org = get_organization(session, principal.org_id)
    return service.alignment(session, org, leader_id, as_of, utcnow())


@router.get(
    "/leaders/{leader_id:per_id}/themes",
    operation_id="get_leader_themes",
    summary="Themes in what the people around a leader need and dream of",
    description="Per kind (`needs`, `dreams`), at every level — the leader's whole circle "
    "(`overall`), each stakeholder group and each relationship: the themes shared by at "
    "least `min_comment_group_size` respondents, with their count of distinct respondents, "
    "the change against the period before and a few short phrases (never a whole answer). "
    "Extraction is deterministic: Unicode-normalised words, English or Swedish per answer, "
    "lemmatised (simplemma) without stop words (stopwordsiso), related terms grouped into "
    "one theme by a documented map; labels in the organization's `language` (`en` or "
    "`sv`) as it is when read." + _CLOSED,
    responses=READ,
)
def get_leader_themes(
    principal: Reader, session: SessionDep, leader_id: LeaderIdPath, as_of: AsOf = None
) -> Themes:
    org = get_organization(session, principal.org_id)
    return service.leader_themes(session, org, leader_id, as_of, utcnow())


@router.get(
    "/themes",
    operation_id="get_organization_themes",
    summary="Themes across the organization",
    description="The same as a leader's themes, over the answers about every leader (each "
    "respondent counts once per leader they answered about), at the organization's level "
    "(`overall`)." + _CLOSED,
    responses=READ,
)
def get_organization_themes(principal: Reader, session: SessionDep, as_of: AsOf = None) -> Themes:
    org = get_organization(session, principal.org_id)
    return service.org_themes(session, org, as_of, utcnow())


@router.get(
    "/leaders/{leader_id:per_id}/connections",
    operation_id="get_leader_connections",
    summary="Themes that several of a leader's stakeholder groups share",
    description='The article\'s "opportunities and connections": each theme of the '
    "leader's whole circle that shows and that at least `min_group_size` respondents of "
    "each of two or more stakeholder groups (employees, customers, suppliers, other) "
    "mention, with the circle's count and each group's count where that group's theme "
    "figure shows. Computed when the period closed." + _CLOSED,
    responses=READ,
)
def get_leader_connections(
    principal: Reader, session: SessionDep, leader_id: LeaderIdPath, as_of: AsOf = None
) -> Connections:
    org = get_organization(session, principal.org_id)
    return service.leader_connections(session, org, leader_id, as_of, utcnow())


@router.get(
    "/connections",
    operation_id="get_organization_connections",
    summary="Themes that several stakeholder groups share across the organization",
    description="The same as a leader's connections, over the answers about every leader "
    "(each respondent counts once per leader they answered about); groups' counts are not "
    "shown at this level." + _CLOSED,
    responses=READ,
)
def get_organization_connections(
    principal: Reader, session: SessionDep, as_of: AsOf = None
) -> Connections:
    org = get_organization(session, principal.org_id)
    return service.org_connections(session, org, as_of, utcnow())


@router.get(
    "/leaders/{leader_id:per_id}/journey",
    operation_id="get_journey",
    summary="A leader's dashboard in one call",
    description="Beliefs by status, reflection cadence and what is due, respondents per "
    "closed period, trust stage and overall figure of the latest closed period and the one "
    "before, the open period's count of answers, the three largest alignment gaps and the "
    "most shared themes.",
    responses=READ,
)
def get_journey(principal: Reader, session: SessionDep, leader_id: LeaderIdPath) -> Journey:
    org = get_organization(session, principal.org_id)
    return service.journey(session, org, leader_id, utcnow())
