from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from service import demo_ids
from service.ids import id_pattern
from service.schema import Schema
from service.types import JSON_NUMBER, LongText, Reference

Likert = Annotated[int, Field(ge=1, le=5), JSON_NUMBER]
MAX_BELIEF_RATINGS = 50
ANSWERS_EXAMPLE = {"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 3}
RATINGS_EXAMPLE = [{"belief_id": demo_ids.BELIEF, "rating": 4}]


class Relationship(StrEnum):
    """How the respondent relates to the leader."""

    manager = "manager"
    direct_report = "direct_report"
    peer = "peer"
    internal_customer = "internal_customer"
    external_customer = "external_customer"
    supplier = "supplier"
    other = "other"


class Stakeholder(StrEnum):
    """The stakeholders a leader listens to, each a group of relationships: `employees`
    (direct reports, peers, the manager), `customers` (internal and external), `suppliers`,
    and `other` on its own."""

    employees = "employees"
    customers = "customers"
    suppliers = "suppliers"
    other = "other"


STAKEHOLDER: dict[Relationship, Stakeholder] = {
    Relationship.direct_report: Stakeholder.employees,
    Relationship.peer: Stakeholder.employees,
    Relationship.manager: Stakeholder.employees,
    Relationship.internal_customer: Stakeholder.customers,
    Relationship.external_customer: Stakeholder.customers,
    Relationship.supplier: Stakeholder.suppliers,
    Relationship.other: Stakeholder.other,
}


class TrustAnswers(Schema):
    """The four trust items, 1 (strongly disagree) to 5 (strongly agree); all four required
    (a skipped item would let the item means and the overall be combined into that one
    respondent's answer)."""

    trust: Likert = Field(description="I can trust this person.", examples=[4])
    greater_good: Likert = Field(
        description="This person works for the greater good — for us and for the organization.",
        examples=[5],
    )
    want_to_follow: Likert = Field(
        description="I don't just follow this person because I have to; I want to.",
        examples=[4],
    )
    leaned_on: Likert = Field(
        description="I have leaned on this person when it mattered.", examples=[3]
    )


class StoredAnswers(Schema):
    """The four trust items as stored; `null` only in answers given before all four were
    required."""

    trust: int | None = Field(ge=1, le=5, description="I can trust this person.", examples=[4])
    greater_good: int | None = Field(
        ge=1, le=5, description="Works for the greater good.", examples=[5]
    )
    want_to_follow: int | None = Field(
        ge=1, le=5, description="I want to follow this person.", examples=[4]
    )
    leaned_on: int | None = Field(
        ge=1, le=5, description="I have leaned on this person.", examples=[3]
    )


class BeliefRating(Schema):
    """How visibly the leader lives one of their active beliefs (1–5)."""

    belief_id: str = Field(
        pattern=id_pattern("blf"),
        description="One of the leader's active beliefs.",
        examples=[demo_ids.BELIEF],
    )
    rating: Likert = Field(
        description="How visibly the leader lives this belief (1–5).", examples=[4]
    )


class AttributedRespondent(Schema):
    """The respondent is named: a person in the directory (admins can read the answers)."""

    person_id: str = Field(
        pattern=id_pattern("per"),
        description="The respondent (person id).",
        examples=[demo_ids.MANAGER],
    )


class AnonymousRespondent(Schema):
    """The respondent stays anonymous. With a `reference` (your own stable id for them,
    stored only as a keyed hash and never returned) a later answer supersedes an earlier
    one; without it every response counts once."""

    reference: Reference | None = Field(
        None,
        description="Your stable, opaque reference for the respondent.",
        examples=["survey-7f3a2c"],
    )


class FeedbackCreate(Schema):
    """One response about a leader: anonymous unless `respondent` names a person."""

    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader (person id).",
        examples=[demo_ids.LEADER],
    )
    relationship: Relationship = Field(
        description="The respondent's relationship to the leader.", examples=["direct_report"]
    )
    answers: TrustAnswers = Field(description="The four trust items.", examples=[ANSWERS_EXAMPLE])
    belief_ratings: list[BeliefRating] = Field(
        default_factory=list,
        max_length=MAX_BELIEF_RATINGS,
        description="Optional per-belief ratings (the leader's active beliefs, each once).",
        examples=[RATINGS_EXAMPLE],
    )
    needs: LongText | None = Field(
        None,
        description="What the respondent needs.",
        examples=["Clearer priorities for the quarter."],
    )
    dreams: LongText | None = Field(
        None,
        description="What they dream of for their job and the organization.",
        examples=["A team that owns the customer experience end to end."],
    )
    respondent: AttributedRespondent | AnonymousRespondent = Field(
        default_factory=lambda: AnonymousRespondent(),
        description='Who answers: `{"person_id": …}` makes the feedback attributed; '
        '`{"reference": …}` or `{}` keeps it anonymous (the default).',
        examples=[{"reference": "survey-7f3a2c"}],
    )

    @property
    def anonymous(self) -> bool:
        return isinstance(self.respondent, AnonymousRespondent)


class FeedbackContent(Schema):
    """What an attributed respondent said (admin keys only)."""

    respondent_id: str | None = Field(
        pattern=id_pattern("per"),
        description="Who gave it (null after their erasure).",
        examples=[demo_ids.MANAGER],
    )
    relationship: Relationship = Field(
        description="Their relationship to the leader.", examples=["peer"]
    )
    answers: StoredAnswers = Field(
        description="The four trust items.",
        examples=[{"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 3}],
    )
    belief_ratings: list[BeliefRating] = Field(
        max_length=MAX_BELIEF_RATINGS,
        description="Per-belief ratings.",
        examples=[[{"belief_id": demo_ids.BELIEF, "rating": 4}]],
    )
    needs: LongText | None = Field(description="What they need.", examples=["Clearer priorities."])
    dreams: LongText | None = Field(description="What they dream of.", examples=["Ownership."])


class FeedbackOut(Schema):
    """A receipt for any feedback; `content` only for attributed feedback read by an admin."""

    id: str = Field(
        pattern=id_pattern("fbk"),
        description="Feedback id.",
        examples=[demo_ids.FEEDBACK],
    )
    leader_id: str = Field(
        pattern=id_pattern("per"),
        description="The leader it is about.",
        examples=[demo_ids.LEADER],
    )
    anonymous: bool = Field(description="Whether it was given anonymously.", examples=[True])
    submitted_at: datetime = Field(
        description="When it was received.", examples=["2026-03-01T09:30:00Z"]
    )
    retracted_at: datetime | None = Field(
        description="When an admin retracted it.", examples=[None]
    )
    content: FeedbackContent | None = Field(
        description="Attributed feedback read with an `admin` key; otherwise null. Anonymous "
        "answers are never readable one by one.",
        examples=[None],
    )


MAX_BULK_FEEDBACK = 1000


class FeedbackBulkCreate(Schema):
    """A batch of answers, recorded all or nothing."""

    feedback: list[FeedbackCreate] = Field(
        min_length=1,
        max_length=MAX_BULK_FEEDBACK,
        description="Up to 1,000 answers, applied in one transaction; at most one per "
        "respondent and leader.",
        examples=[
            [
                {
                    "leader_id": demo_ids.LEADER,
                    "relationship": "direct_report",
                    "answers": {"trust": 4, "greater_good": 5, "want_to_follow": 4, "leaned_on": 3},
                    "respondent": {"reference": "survey-7f3a2c"},
                }
            ]
        ],
    )


class FeedbackBulkResult(Schema):
    """One receipt per answer, in request order."""

    data: list[FeedbackOut] = Field(
        max_length=MAX_BULK_FEEDBACK,
        description="One receipt per answer, in request order (each as `FeedbackOut`, whose "
        "example it follows).",
        examples=[[]],  # as a page's `data`: the receipts' own example is FeedbackOut's
    )
