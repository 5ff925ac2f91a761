"""Every model, imported once so `Base.metadata` is complete (Alembic, tests)."""

from service.beliefs.models import Belief, BeliefRevision
from service.db import Base
from service.idempotency.models import IdempotencyRecord
from service.organizations.models import ApiKey, Organization
from service.people.models import Person

__all__ = [
    "ApiKey",
    "Base",
    "Belief",
    "BeliefRevision",
    "IdempotencyRecord",
    "Organization",
    "Person",
]
