"""Every model, imported once so `Base.metadata` is complete (Alembic, tests)."""

from service.api_keys.models import ApiKey
from service.beliefs.models import Belief, BeliefRevision
from service.commitments.models import Commitment, CommitmentRevision
from service.db import Base
from service.events.models import Event, EventCounter
from service.events.outbox import WebhookDelivery, WebhookEndpoint
from service.feedback.models import Feedback, FeedbackBeliefRating, TrustOpenCount
from service.feedback_requests.models import FeedbackRequest, FeedbackRequestRecipient
from service.idempotency.models import IdempotencyRecord
from service.insights.models import InsightOrgCell
from service.organizations.models import Organization
from service.people.models import Person
from service.periods.models import TrustPeriod
from service.reflection_prompts.models import ReflectionPrompt
from service.reflections.due import ReflectionDueNotice
from service.reflections.models import (
    Reflection,
    ReflectionAnswer,
    ReflectionEntry,
    ReflectionSchedule,
)
from service.trust.models import TrustPeriodCell

__all__ = [
    "ApiKey",
    "Base",
    "Belief",
    "BeliefRevision",
    "Commitment",
    "CommitmentRevision",
    "Event",
    "EventCounter",
    "Feedback",
    "FeedbackBeliefRating",
    "FeedbackRequest",
    "FeedbackRequestRecipient",
    "IdempotencyRecord",
    "InsightOrgCell",
    "Organization",
    "Person",
    "Reflection",
    "ReflectionAnswer",
    "ReflectionDueNotice",
    "ReflectionEntry",
    "ReflectionPrompt",
    "ReflectionSchedule",
    "TrustOpenCount",
    "TrustPeriod",
    "TrustPeriodCell",
    "WebhookDelivery",
    "WebhookEndpoint",
]
