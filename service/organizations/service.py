"""Organizations, their settings and API keys. Flushes only: the caller owns the commit."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import utcnow
from service.errors import NotFound, Unprocessable
from service.ids import new_id
from service.organizations.models import Organization
from service.organizations.schemas import (
    OrganizationOut,
    OrganizationPatch,
    OrganizationSettings,
    TenantOut,
)
from service.pages import PageParams, paginate
from service.periods.calendar import (
    EPOCH,
    Version,
    schedule_from_json,
    schedule_to_json,
    with_change,
)
from service.problem_types import NOT_FOUND, VALIDATION_ERROR
from service.reflection_prompts.builtin import seed_built_in_prompts
from service.types import Name

SETTING_FIELDS = tuple(OrganizationSettings.model_fields)


def settings_of(org: Organization) -> OrganizationSettings:
    return OrganizationSettings.model_validate({f: getattr(org, f) for f in SETTING_FIELDS})


def to_out(org: Organization) -> OrganizationOut:
    latest = schedule_of(org)[-1].effective_from
    return OrganizationOut(
        id=org.org_id,
        name=org.name,
        revision=org.version,
        settings=settings_of(org),
        settings_apply_from=None if latest == EPOCH else latest,
        created_at=org.created_at,
        updated_at=org.updated_at,
        sandbox=org.sandbox,
    )


def tenant_out(org: Organization) -> TenantOut:
    return TenantOut(
        id=org.org_id,
        name=org.name,
        revision=org.version,
        created_at=org.created_at,
        updated_at=org.updated_at,
        deactivated_at=org.deactivated_at,
        sandbox=org.sandbox,
    )


# Names also come from the CLI: the API returns them as `Name`s, so only a `Name` is stored.
NAME: TypeAdapter[str] = TypeAdapter(Name)


def schedule_of(org: Organization) -> list[Version]:
    """The organization's settings versions (`periods.calendar`)."""
    if not org.settings_schedule:
        return [Version(EPOCH, settings_of(org).model_dump())]
    return schedule_from_json(org.settings_schedule)


def create_organization(session: Session, name: str, sandbox: bool = False) -> Organization:
    """Raises `pydantic.ValidationError` (a `ValueError`) for a name the API would refuse.
    A sandbox has a test clock (`service.test_clock`) and stays a sandbox."""
    org = Organization(
        org_id=new_id("org"),
        name=NAME.validate_python(name),
        sandbox=sandbox,
        settings_schedule=schedule_to_json([Version(EPOCH, OrganizationSettings().model_dump())]),
    )
    session.add(org)
    session.flush()
    seed_built_in_prompts(session, org.org_id)
    return org


PLATFORM_NAME = "Platform"


def platform_organization(session: Session) -> Organization:
    """The one organization that holds the platform keys, created on first use."""
    org = session.scalar(select(Organization).where(Organization.is_platform.is_(True)).limit(1))
    if org is None:
        org = Organization(org_id=new_id("org"), name=PLATFORM_NAME, is_platform=True)
        session.add(org)
        session.flush()
    return org


def get_tenant(session: Session, org_id: str) -> Organization:
    """A customer organization (never the platform's own), for the platform operations."""
    org = session.get(Organization, org_id)
    if org is None or org.is_platform:
        raise NotFound(f"No organization {org_id}.", cause=NOT_FOUND)
    return org


def list_tenants(
    session: Session, page: PageParams, include_deactivated: bool
) -> tuple[list[Organization], str | None]:
    stmt = select(Organization).where(Organization.is_platform.is_(False))
    if not include_deactivated:
        stmt = stmt.where(Organization.deactivated_at.is_(None))
    return paginate(session, stmt, [Organization.org_id], page, lambda o: [o.org_id])


def deactivate_organization(session: Session, org: Organization) -> None:
    """Its keys stop working at once (`service.api.auth`); its data is kept."""
    if org.deactivated_at is None:
        org.deactivated_at = utcnow()
        org.updated_at = org.deactivated_at
        session.flush()


def get_organization(session: Session, org_id: str) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("No such organization.", cause=NOT_FOUND)
    return org


def update_organization(session: Session, org: Organization, patch: OrganizationPatch) -> None:
    if patch.name is not None:
        org.name = patch.name
    if patch.settings is not None:
        changes = patch.settings.model_dump(exclude_unset=True)
        merged = settings_of(org).model_dump() | changes
        try:
            OrganizationSettings.model_validate(merged)
        except ValidationError as exc:
            raise Unprocessable(
                "The settings are inconsistent with each other.",
                cause=VALIDATION_ERROR,
                errors=[{"field": "settings", "message": str(e["msg"])} for e in exc.errors()],
            ) from exc
        schedule = schedule_of(org)
        for field, value in changes.items():
            setattr(org, field, value)
        # Figures of the open period keep the settings it started with (DOMAIN.md).
        org.settings_schedule = schedule_to_json(
            with_change(schedule, utcnow(), settings_of(org).model_dump())
        )
    org.updated_at = utcnow()
    session.flush()


def any_organization(session: Session) -> bool:
    """Whether a customer organization exists (the platform's own does not count)."""
    stmt = select(Organization.org_id).where(Organization.is_platform.is_(False)).limit(1)
    return session.scalar(stmt) is not None
