"""The event types of the feed and the webhooks."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """What happened. `*.deleted` lets a mirror forget; `feedback.received` is a receipt."""

    person_created = "person.created"
    person_updated = "person.updated"
    person_deleted = "person.deleted"
    belief_created = "belief.created"
    belief_updated = "belief.updated"
    belief_deleted = "belief.deleted"
    commitment_created = "commitment.created"
    commitment_updated = "commitment.updated"
    commitment_deleted = "commitment.deleted"
    reflection_created = "reflection.created"
    reflection_updated = "reflection.updated"
    reflection_submitted = "reflection.submitted"
    reflection_deleted = "reflection.deleted"
    reflection_due = "reflection.due"
    feedback_received = "feedback.received"
    feedback_retracted = "feedback.retracted"
    feedback_deleted = "feedback.deleted"
    feedback_request_created = "feedback_request.created"
    feedback_request_reminder = "feedback_request.reminder"
    feedback_request_completed = "feedback_request.completed"
    feedback_request_closed = "feedback_request.closed"
    trust_score_published = "trust_score.published"
    leader_stage_changed = "leader.stage_changed"
