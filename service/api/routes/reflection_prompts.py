from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from service import demo_ids
from service.api.auth import Reader, Writer
from service.api.http import IfMatchHeader, check_if_match, set_etag
from service.api.paths import prefilled
from service.api.responses import READ, UPDATE, WRITE, link_to, success
from service.api.routing import CallingRoute
from service.api.session import SessionDep
from service.ids import id_pattern
from service.pages import Page, PageParams, cursor_field
from service.reflection_prompts import service
from service.reflection_prompts.models import ReflectionPrompt
from service.reflection_prompts.schemas import PromptCreate, PromptOut, PromptPatch, PromptStatus
from service.reflections import service as reflections
from service.types import AwareDatetime

router = APIRouter(prefix="/v1", tags=["Reflection prompts"], route_class=CallingRoute)

PromptIdPath = Annotated[
    str,
    Path(
        pattern=id_pattern("rpm"),
        description="Reflection prompt id.",
        examples=[demo_ids.PROMPT],
        openapi_examples=prefilled(demo_ids.PROMPT, "The demo organization's own prompt"),
    ),
]


def prompt_in_org(
    principal: Reader, session: SessionDep, prompt_id: PromptIdPath
) -> ReflectionPrompt:
    return service.get_prompt(session, principal.org_id, prompt_id)


PromptDep = Annotated[ReflectionPrompt, Depends(prompt_in_org)]


class PromptPageParams(PageParams):
    cursor: str | None = cursor_field(0, demo_ids.PROMPT)


@router.get(
    "/reflection-prompts",
    operation_id="list_reflection_prompts",
    summary="List reflection prompts",
    description="The built-in default set (`built_in: true`) and your own, in `position` order.",
    responses=READ,
)
def list_reflection_prompts(
    principal: Reader,
    session: SessionDep,
    page: Annotated[PromptPageParams, Query()],
    status: Annotated[
        PromptStatus | None, Query(description="Only this status.", examples=["active"])
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only prompts changed at or after this time (RFC 3339).",
            examples=["2026-01-01T00:00:00Z"],
        ),
    ] = None,
) -> Page[PromptOut]:
    prompts, cursor = service.list_prompts(
        session, principal.org_id, page, status=status, updated_since=updated_since
    )
    return Page[PromptOut](data=[service.to_out(p) for p in prompts], next_cursor=cursor)


@router.post(
    "/reflection-prompts",
    operation_id="create_reflection_prompt",
    summary="Add one of your organization's own prompts",
    status_code=status.HTTP_201_CREATED,
    responses=success(
        WRITE,
        201,
        "The prompt, with `Location` and `ETag`.",
        location=True,
        GetReflectionPrompt=link_to("get_reflection_prompt", "prompt_id"),
        UpdateReflectionPrompt=link_to("update_reflection_prompt", "prompt_id", if_match=True),
        DeleteReflectionPrompt=link_to("delete_reflection_prompt", "prompt_id", if_match=True),
    ),
)
def create_reflection_prompt(
    principal: Writer, session: SessionDep, body: PromptCreate, response: Response
) -> PromptOut:
    prompt = service.create_prompt(session, principal.org_id, body)
    response.headers["Location"] = f"/v1/reflection-prompts/{prompt.id}"
    set_etag(response, prompt.version)
    return service.to_out(prompt)


@router.get(
    "/reflection-prompts/{prompt_id:rpm_id}",
    operation_id="get_reflection_prompt",
    summary="Get a reflection prompt",
    responses=success(
        READ,
        200,
        "The prompt, with its `ETag`.",
        UpdateReflectionPrompt=link_to("update_reflection_prompt", "prompt_id", if_match=True),
    ),
)
def get_reflection_prompt(prompt: PromptDep, response: Response) -> PromptOut:
    set_etag(response, prompt.version)
    return service.to_out(prompt)


@router.patch(
    "/reflection-prompts/{prompt_id:rpm_id}",
    operation_id="update_reflection_prompt",
    summary="Edit, reorder, retire or re-activate a prompt",
    description="A built-in prompt can be reordered, retired and re-activated; changing its "
    "text is 409. A retired prompt is no longer offered to new reflections; answers already "
    "given keep it.",
    responses=success(
        UPDATE,
        200,
        "The prompt, with its new `ETag`.",
        GetReflectionPrompt=link_to("get_reflection_prompt", "prompt_id"),
        DeleteReflectionPrompt=link_to("delete_reflection_prompt", "prompt_id", if_match=True),
    ),
)
def update_reflection_prompt(
    _: Writer,
    session: SessionDep,
    prompt: PromptDep,
    body: PromptPatch,
    if_match: IfMatchHeader,
    response: Response,
) -> PromptOut:
    check_if_match(if_match, prompt.version)
    service.update_prompt(session, prompt, body)
    set_etag(response, prompt.version)
    return service.to_out(prompt)


@router.delete(
    "/reflection-prompts/{prompt_id:rpm_id}",
    operation_id="delete_reflection_prompt",
    summary="Delete one of your own prompts that nobody answered",
    description="Built-in prompts, and prompts answered in any reflection, cannot be deleted "
    "(409): retire them instead.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=UPDATE,
)
def delete_reflection_prompt(
    _: Writer, session: SessionDep, prompt: PromptDep, if_match: IfMatchHeader
) -> None:
    check_if_match(if_match, prompt.version)
    reflections.delete_prompt(session, prompt)
