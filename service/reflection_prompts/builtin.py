"""The built-in reflection prompts, seeded into every organization as ordinary rows.

Written for Calling in the spirit of the article: the leader steps back, again and again,
and checks how their own beliefs play out — about "me", not "them". Keys are stable, so an
integrator can translate the built-ins; the text itself never changes through the API.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import utcnow
from service.ids import new_id
from service.reflection_prompts.models import ReflectionPrompt

BUILT_IN_PROMPTS: tuple[tuple[str, str], ...] = (
    (
        "acted_on",
        "Which of my beliefs did I act on in this period, and what did I actually do?",
    ),
    (
        "contradicted",
        "Where did my behaviour contradict one of my beliefs, and what got in the way?",
    ),
    (
        "organization_today",
        "How do my beliefs play out in the organization as it stands today?",
    ),
    (
        "change_next",
        "What will I change next — in how I work, or in my part of the organization — "
        "to live my beliefs more fully?",
    ),
    (
        "learned_about_myself",
        "What did I learn about myself in this period?",
    ),
)


def seed_built_in_prompts(session: Session, org_id: str) -> None:
    """Add the built-ins an organization lacks (all of them for a new organization)."""
    have = set(
        session.scalars(
            select(ReflectionPrompt.built_in_key).where(
                ReflectionPrompt.org_id == org_id, ReflectionPrompt.built_in.is_(True)
            )
        )
    )
    now = utcnow()
    for position, (key, text) in enumerate(BUILT_IN_PROMPTS):
        if key in have:
            continue
        session.add(
            ReflectionPrompt(
                org_id=org_id,
                id=new_id("rpm"),
                text=text,
                built_in=True,
                built_in_key=key,
                status="active",
                position=position,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
