from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from service import demo_ids
from service.api.auth import Admin, Reader
from service.api.http import IfMatchHeader, PageQuery, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import ETAG, READ, UPDATE, WRITE, link, link_to, success
from service.api.routing import CallingRoute, secret_response
from service.api.session import SessionDep
from service.api_keys import service as api_keys
from service.api_keys.keys import Scope
from service.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut, CurrentApiKey
from service.ids import id_pattern
from service.organizations import service
from service.organizations.schemas import OrganizationOut, OrganizationPatch
from service.pages import Page

router = APIRouter(prefix="/v1", route_class=CallingRoute)

KeyId = Annotated[
    str,
    Path(
        pattern=id_pattern("key"),
        description="API key id.",
        examples=[demo_ids.SYNC_KEY],
        openapi_examples=prefilled(demo_ids.SYNC_KEY, "The demo's HR sync key"),
    ),
]


@router.get(
    "/organization",
    operation_id="get_organization",
    tags=["Organization"],
    summary="Get your organization and its settings",
    responses=success(
        READ,
        200,
        "Your organization, with its `ETag`.",
        UpdateOrganization=link(
            "update_organization",
            "`update_organization` with this version's `ETag` as `If-Match`.",
            {"header.If-Match": ETAG},
        ),
    ),
)
def get_organization(principal: Reader, session: SessionDep, response: Response) -> OrganizationOut:
    org = service.get_organization(session, principal.org_id)
    set_etag(response, org.version)
    return service.to_out(org)


@router.patch(
    "/organization",
    operation_id="update_organization",
    tags=["Organization"],
    summary="Change the name or the scoring and privacy settings",
    description="Settings are validated together: `min_group_size` never below 3, "
    "`min_comment_group_size` ≥ `min_group_size`, `manager_group_minimum` 1 or ≥ "
    "`min_group_size`, `language` `en` or `sv`. Requires `If-Match`.",
    responses=success(UPDATE, 200, "Your organization, with its new `ETag`."),
)
def update_organization(
    principal: Admin,
    session: SessionDep,
    body: OrganizationPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> OrganizationOut:
    org = service.get_organization(session, principal.org_id)
    check_if_match(if_match, org.version)
    service.update_organization(session, org, body)
    set_etag(response, org.version)
    return service.to_out(org)


@router.get(
    "/api-keys",
    operation_id="list_api_keys",
    tags=["API keys"],
    summary="List your organization's API keys (never their secrets)",
    responses=READ,
)
def list_api_keys(principal: Admin, session: SessionDep, page: PageQuery) -> Page[ApiKeyOut]:
    keys, cursor = api_keys.list_api_keys(session, principal.org_id, page)
    return Page[ApiKeyOut](
        data=[api_keys.key_out(k, principal.sandbox) for k in keys], next_cursor=cursor
    )


@router.post(
    "/api-keys",
    operation_id="create_api_key",
    tags=["API keys"],
    summary="Create an API key; the key is shown once",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The API key, with its secret (shown once).",
        location=True,
        GetApiKey=link_to("get_api_key", "key_id"),
        RevokeApiKey=link_to("revoke_api_key", "key_id"),
    ),
)
@secret_response
def create_api_key(
    principal: Admin, session: SessionDep, body: ApiKeyCreate, response: Response
) -> ApiKeyCreated:
    scopes = [Scope(s.value) for s in body.scopes]
    key, token = api_keys.create_api_key(session, principal.org_id, body.name, scopes)
    response.headers["Location"] = f"/v1/api-keys/{key.id}"
    set_etag(response, 1 if key.revoked_at is None else 2)
    return ApiKeyCreated(**api_keys.key_out(key, principal.sandbox).model_dump(), key=token)


@router.get(
    "/api-keys/current",
    operation_id="get_current_api_key",
    tags=["API keys"],
    summary="Who am I: the API key that sends this request",
    description="The key's own id, name, scopes and organization (never its secret).",
    responses=READ,
)
def get_current_api_key(principal: Reader, session: SessionDep) -> CurrentApiKey:
    key = api_keys.get_api_key(session, principal.org_id, principal.key_id)
    return CurrentApiKey(
        **api_keys.key_out(key, principal.sandbox).model_dump(), organization_id=key.org_id
    )


@router.get(
    "/api-keys/{key_id:key_id}",
    operation_id="get_api_key",
    tags=["API keys"],
    summary="Get an API key (never its secret)",
    responses=success(READ, 200, "The API key, with its `ETag`."),
)
def get_api_key(
    principal: Admin, session: SessionDep, key_id: KeyId, response: Response
) -> ApiKeyOut:
    key = api_keys.get_api_key(session, principal.org_id, key_id)
    set_etag(response, 1 if key.revoked_at is None else 2)
    return api_keys.key_out(key, principal.sandbox)


@router.post(
    "/api-keys/{key_id:key_id}/revoke",
    operation_id="revoke_api_key",
    tags=["API keys"],
    summary="Revoke an API key",
    description="The key is refused (401) at once by the server that revoked it and within "
    "a few seconds (the operator's `CALLING_AUTH_CACHE_SECONDS`, default 5) by every other "
    "replica. The organization's last active admin key cannot be revoked (409): create "
    "another admin key first.",
    responses=success(WRITE, 200, "The revoked API key, with its `ETag`."),
)
def revoke_api_key(
    principal: Admin, session: SessionDep, key_id: KeyId, response: Response
) -> ApiKeyOut:
    key = api_keys.get_api_key(session, principal.org_id, key_id)
    api_keys.revoke_api_key(session, key)
    set_etag(response, 2)
    return api_keys.key_out(key, principal.sandbox)
