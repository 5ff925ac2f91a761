"""Reflection prompts: the built-in set and the organization's own; ordering and retiring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db import utcnow
from service.errors import Conflict, NotFound
from service.ids import new_id
from service.pages import PageParams, paginate
from service.problem_types import NOT_FOUND, PROMPT_PROTECTED
from service.reflection_prompts.models import ReflectionPrompt
from service.reflection_prompts.schemas import PromptCreate, PromptOut, PromptPatch, PromptStatus


def to_out(prompt: ReflectionPrompt) -> PromptOut:
    return PromptOut(
        id=prompt.id,
        text=prompt.text,
        built_in=prompt.built_in,
        key=prompt.built_in_key,
        status=PromptStatus(prompt.status),
        position=prompt.position,
        revision=prompt.version,
        created_at=prompt.created_at,
        updated_at=prompt.updated_at,
    )


def get_prompt(session: Session, org_id: str, prompt_id: str) -> ReflectionPrompt:
    prompt = session.get(ReflectionPrompt, (org_id, prompt_id))
    if prompt is None:
        raise NotFound(f"No reflection prompt {prompt_id}.", cause=NOT_FOUND)
    return prompt


def list_prompts(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    status: PromptStatus | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[ReflectionPrompt], str | None]:
    stmt = select(ReflectionPrompt).where(ReflectionPrompt.org_id == org_id)
    if status is not None:
        stmt = stmt.where(ReflectionPrompt.status == status)
    if updated_since is not None:
        stmt = stmt.where(ReflectionPrompt.updated_at >= updated_since)
    order = [ReflectionPrompt.position, ReflectionPrompt.id]
    return paginate(session, stmt, order, page, lambda p: [p.position, p.id])


def create_prompt(session: Session, org_id: str, body: PromptCreate) -> ReflectionPrompt:
    position = body.position
    if position is None:
        last = session.scalar(
            select(func.max(ReflectionPrompt.position)).where(ReflectionPrompt.org_id == org_id)
        )
        position = 0 if last is None else min(last + 1, 10_000)
    now = utcnow()
    prompt = ReflectionPrompt(
        org_id=org_id,
        id=new_id("rpm"),
        text=body.text,
        built_in=False,
        status=PromptStatus.active,
        position=position,
        created_at=now,
        updated_at=now,
    )
    session.add(prompt)
    session.flush()
    return prompt


def update_prompt(session: Session, prompt: ReflectionPrompt, body: PromptPatch) -> None:
    changes = body.model_dump(exclude_unset=True)
    changed = {k: v for k, v in changes.items() if getattr(prompt, k) != v}
    if not changed:
        return
    if prompt.built_in and "text" in changed:
        raise Conflict(
            "The text of a built-in prompt cannot be edited; retire it and add your own.",
            cause=PROMPT_PROTECTED,
        )
    for field, value in changed.items():
        setattr(prompt, field, value)
    prompt.updated_at = utcnow()
    session.flush()
