from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict

from service import demo_ids
from service.feedback.schemas import (
    MAX_BELIEF_RATINGS,
    RATINGS_EXAMPLE,
    BeliefRating,
    Relationship,
    TrustAnswers,
)
from service.ids import id_pattern
from service.schema import Schema
from service.types import Count, LongText, Reference

MAX_RESPONDENTS = 500
TOKEN_EXAMPLE = "frt_01JD5ZQ8W4M3KXHNB7T2C9V6RE_01JD5ZQ8W4M3KXHNB7T2C9V6RF_" + "0" * 40


class RequestStatus(StrEnum):
    """`open` (answers accepted), `completed` (everyone answered) or `closed` (tokens revoked)."""

    open = "open"
    completed = "completed"
    closed = "closed"


class PersonRespondent(Schema):
    """A person in the directory, asked."""

    person_id: str = Field(
        pattern=id_pattern("per"),
        description="A person in the directory.",
        examples=[demo_ids.MANAGER],
    )
    relationship: Relationship = Field(
        description="Their relationship to the leader.", examples=["direct_report"]
    )

    @property
    def reference(self) -> None:
        return None


class ContactRespondent(Schema):
    """An outside contact (a customer, a supplier), asked by your own reference for them."""

    reference: Reference = Field(
        description="Your reference for an outside contact (stored only as a keyed hash, "
        "never returned).",
        examples=["supplier-4711"],
    )
    relationship: Relationship = Field(
        description="Their relationship to the leader.", examples=["supplier"]
    )

    @property
    def person_id(self) -> None:
        return None


RespondentIn = PersonRespondent | ContactRespondent


class FeedbackRequestCreate(Schema):
    """Ask a list of respondents for feedback about a leader."""

    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=[demo_ids.LEADER],
    )
    respondents: list[PersonRespondent | ContactRespondent] = Field(
        min_length=1,
        max_length=MAX_RESPONDENTS,
        description=f"Who is asked (1–{MAX_RESPONDENTS}).",
        examples=[[{"reference": "supplier-4711", "relationship": "supplier"}]],
    )
    message: LongText | None = Field(
        None,
        description="A message from the leader to the respondents.",
        examples=["What do you need from me, and what do you dream of?"],
    )
    due_at: datetime | None = Field(
        None,
        description="When answers are due (reminders are up to you).",
        examples=["2026-12-15T17:00:00Z"],
    )
    expires_at: datetime | None = Field(
        None,
        description="When the tokens stop working (default: 30 days after `due_at`, or "
        "30 days from now).",
        examples=["2027-01-15T17:00:00Z"],
    )
    anonymous: Annotated[bool, Strict()] = Field(
        True,
        description="Anonymous answers (the default): nobody can learn who answered.",
        examples=[True],
    )


class RespondentToken(Schema):
    """A respondent's single-use response token: shown once, stored only as a hash."""

    id: str = Field(
        pattern=id_pattern("rcp"),
        description="Respondent id.",
        examples=["rcp_01JD5ZQ8W4M3KXHNB7T2C9V6RF"],
    )
    index: Count = Field(description="Position in `respondents` of the request.", examples=[0])
    token: str = Field(
        max_length=200,
        pattern=r"^frt_[0-9A-Z]{26}_[0-9A-Z]{26}_[0-9a-f]{40}$",
        description="Send as `Authorization: Bearer <token>` to `submit_feedback_response`.",
        examples=[TOKEN_EXAMPLE],
    )


class FeedbackRequestOut(Schema):
    """A feedback request with how many have answered (never who, when anonymous)."""

    id: str = Field(
        pattern=id_pattern("frq"),
        description="Feedback request id.",
        examples=[demo_ids.FEEDBACK_REQUEST],
    )
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader.",
        examples=[demo_ids.LEADER],
    )
    message: LongText | None = Field(description="The leader's message.", examples=[None])
    due_at: datetime | None = Field(description="When answers are due.", examples=[None])
    expires_at: datetime = Field(
        description="When the tokens stop working.", examples=["2027-01-15T17:00:00Z"]
    )
    anonymous: bool = Field(description="Whether answers are anonymous.", examples=[True])
    status: RequestStatus = Field(description="Where the request stands.", examples=["open"])
    asked: Count = Field(description="Respondents asked.", examples=[5])
    answered: Count = Field(description="Respondents who answered.", examples=[4])
    pending: Count = Field(
        description="Respondents who may still answer (not expired or revoked).", examples=[1]
    )
    created_at: datetime = Field(
        description="When it was created.", examples=["2026-12-01T09:00:00Z"]
    )
    closed_at: datetime | None = Field(description="When it was closed.", examples=[None])


class FeedbackRequestCreated(FeedbackRequestOut):
    """The new request and each respondent's token (shown only in this response)."""

    tokens: list[RespondentToken] = Field(
        max_length=MAX_RESPONDENTS,
        description="One token per respondent, in the order given; shown once.",
        examples=[[{"id": "rcp_01JD5ZQ8W4M3KXHNB7T2C9V6RF", "index": 0, "token": TOKEN_EXAMPLE}]],
    )


class FeedbackResponseCreate(Schema):
    """The respondent's answer. Who they are and their relationship come from the token."""

    answers: TrustAnswers = Field(
        description="The four trust items.",
        examples=[{"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 3}],
    )
    belief_ratings: list[BeliefRating] = Field(
        default_factory=list,
        max_length=MAX_BELIEF_RATINGS,
        description="Optional per-belief ratings (the leader's active beliefs, each once).",
        examples=[RATINGS_EXAMPLE],
    )
    needs: LongText | None = Field(
        None, description="What the respondent needs.", examples=["Clearer priorities."]
    )
    dreams: LongText | None = Field(
        None, description="What they dream of.", examples=["Owning the customer journey."]
    )
