"""Tenants over HTTP: a platform key (`calling platform-keys create`, scope `platform`)
creates, lists and deactivates customer organizations and mints their first admin key.

A platform key belongs to the platform organization and reads no organization's data (its
scope implies nothing else); an organization's keys never reach these operations (403).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from service import demo_ids
from service.api.auth import Platform
from service.api.http import PageQuery, set_etag
from service.api.paths import prefilled
from service.api.responses import READ, WRITE, link, success
from service.api.routing import CallingRoute, secret_response
from service.api.session import SessionDep
from service.api_keys import service as api_keys
from service.api_keys.keys import Scope
from service.api_keys.schemas import ApiKeyCreated, TenantCreate, TenantCreated
from service.ids import id_pattern
from service.organizations import service
from service.organizations.schemas import TenantOut
from service.pages import Page

router = APIRouter(prefix="/v1/platform", route_class=CallingRoute, tags=["Platform"])

OrgId = Annotated[
    str,
    Path(
        pattern=id_pattern("org"),
        description="Organization id.",
        examples=[demo_ids.ORGANIZATION],
        openapi_examples=prefilled(demo_ids.ORGANIZATION, "The demo organization"),
    ),
]

_GET_ORG = link(
    "get_platform_organization",
    "`get_platform_organization` on the new organization.",
    {"path.org_id": "$response.body#/organization/id"},
)


@router.post(
    "/organizations",
    operation_id="create_platform_organization",
    summary="Onboard a customer: create an organization and its first admin key",
    description="Step 0 of the workflow, for an HR platform serving many customers: one call "
    "creates the customer's organization (default settings, the built-in reflection "
    "prompts) — or, with `sandbox: true`, a sandbox for an integrator's tests, with a test "
    "clock — and its first `admin` API key, which works at once. The key is shown once "
    "(a replay with the same `Idempotency-Key` answers 409 rather than show it again): "
    "store it in your secret store, then use it for everything inside that organization. "
    "Needs a platform key.",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The organization and its admin key (secret shown once).",
        location=True,
        GetPlatformOrganization=_GET_ORG,
    ),
)
@secret_response
def create_platform_organization(
    principal: Platform, session: SessionDep, body: TenantCreate, response: Response
) -> TenantCreated:
    org = service.create_organization(session, body.name, body.sandbox)
    key, token = api_keys.create_api_key(session, org.org_id, body.admin_key_name, [Scope.admin])
    response.headers["Location"] = f"/v1/platform/organizations/{org.org_id}"
    set_etag(response, org.version)
    return TenantCreated(
        organization=service.tenant_out(org),
        admin_key=ApiKeyCreated(**api_keys.key_out(key, org.sandbox).model_dump(), key=token),
    )


@router.get(
    "/organizations",
    operation_id="list_platform_organizations",
    summary="List your customer organizations",
    description="Every customer organization of this deployment, oldest id first (never "
    "their data). Deactivated ones only with `include_deactivated=true`. Needs a platform "
    "key.",
    responses=READ,
)
def list_platform_organizations(
    principal: Platform,
    session: SessionDep,
    page: PageQuery,
    include_deactivated: Annotated[
        bool, Query(description="Also list deactivated organizations.", examples=[False])
    ] = False,
) -> Page[TenantOut]:
    orgs, cursor = service.list_tenants(session, page, include_deactivated)
    return Page[TenantOut](data=[service.tenant_out(o) for o in orgs], next_cursor=cursor)


@router.get(
    "/organizations/{org_id:org_id}",
    operation_id="get_platform_organization",
    summary="Get a customer organization",
    description="Its name, dates and whether it is deactivated (never its data). Needs a "
    "platform key.",
    responses=success(READ, 200, "The organization, with its `ETag`."),
)
def get_platform_organization(
    principal: Platform, session: SessionDep, org_id: OrgId, response: Response
) -> TenantOut:
    org = service.get_tenant(session, org_id)
    set_etag(response, org.version)
    return service.tenant_out(org)


@router.post(
    "/organizations/{org_id:org_id}/deactivate",
    operation_id="deactivate_platform_organization",
    summary="Offboard a customer: deactivate an organization",
    description="Every API key of the organization stops working (401): at once on the "
    "server that deactivated it, within a few seconds (`CALLING_AUTH_CACHE_SECONDS`, default "
    "5) on every other replica; its data is kept. Deactivating twice changes nothing. Needs "
    "a platform key.",
    responses=success(WRITE, 200, "The deactivated organization, with its `ETag`."),
)
def deactivate_platform_organization(
    principal: Platform, session: SessionDep, org_id: OrgId, response: Response
) -> TenantOut:
    org = service.get_tenant(session, org_id)
    service.deactivate_organization(session, org)
    set_etag(response, org.version)
    return service.tenant_out(org)
