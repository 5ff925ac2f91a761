"""Organizations, their settings and API keys. Flushes only: the caller owns the commit."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.api.auth import Scope, new_key_material
from service.db import utcnow
from service.errors import Conflict, NotFound, Unprocessable
from service.ids import new_id
from service.organizations.models import ApiKey, Organization
from service.organizations.schemas import (
    ApiKeyOut,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSettings,
    TenantOut,
)
from service.pages import PageParams, paginate
from service.reflection_prompts.builtin import seed_built_in_prompts
from service.trust.periods import (
    EPOCH,
    Version,
    schedule_from_json,
    schedule_to_json,
    with_change,
)
from service.types import Name

SETTING_FIELDS = tuple(OrganizationSettings.model_fields)


def settings_of(org: Organization) -> OrganizationSettings:
    return OrganizationSettings.model_validate({f: getattr(org, f) for f in SETTING_FIELDS})


def to_out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=org.org_id,
        name=org.name,
        revision=org.version,
        settings=settings_of(org),
        created_at=org.created_at,
        updated_at=org.updated_at,
    )


def tenant_out(org: Organization) -> TenantOut:
    return TenantOut(
        id=org.org_id,
        name=org.name,
        revision=org.version,
        created_at=org.created_at,
        updated_at=org.updated_at,
        deactivated_at=org.deactivated_at,
    )


# Names also come from the CLI: the API returns them as `Name`s, so only a `Name` is stored.
_NAME: TypeAdapter[str] = TypeAdapter(Name)


def schedule_of(org: Organization) -> list[Version]:
    """The organization's settings versions (`trust.periods`)."""
    if not org.settings_schedule:
        return [Version(EPOCH, settings_of(org).model_dump())]
    return schedule_from_json(org.settings_schedule)


def create_organization(session: Session, name: str) -> Organization:
    """Raises `pydantic.ValidationError` (a `ValueError`) for a name the API would refuse."""
    org = Organization(
        org_id=new_id("org"),
        name=_NAME.validate_python(name),
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
        raise NotFound(f"No organization {org_id}.")
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
        raise NotFound("No such organization.")
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


def create_api_key(
    session: Session, org_id: str, name: str, scopes: Iterable[Scope]
) -> tuple[ApiKey, str]:
    name = _NAME.validate_python(name)
    org = get_organization(session, org_id)
    wanted = {Scope(s) for s in scopes}
    allowed = wanted == {Scope.platform} if org.is_platform else Scope.platform not in wanted
    if not allowed:
        raise Unprocessable(
            "The `platform` scope is for platform keys only, and a platform key has no other.",
            errors=[{"field": "scopes", "message": "`platform` cannot be combined or granted"}],
        )
    key_id = new_id("key")
    token, secret_hash = new_key_material(org_id, key_id)
    key = ApiKey(
        org_id=org_id,
        id=key_id,
        name=name,
        scopes=sorted({str(s) for s in scopes}),
        secret_hash=secret_hash,
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    return key, token


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        scopes=[Scope(s) for s in key.scopes],
        prefix=f"csk_{key.org_id.removeprefix('org_')}_{key.id.removeprefix('key_')[:8]}",
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def get_api_key(session: Session, org_id: str, key_id: str) -> ApiKey:
    key = session.get(ApiKey, (org_id, key_id))
    if key is None:
        raise NotFound(f"No API key {key_id}.")
    return key


def list_api_keys(
    session: Session, org_id: str, page: PageParams
) -> tuple[list[ApiKey], str | None]:
    stmt = select(ApiKey).where(ApiKey.org_id == org_id)
    return paginate(session, stmt, [ApiKey.id], page, lambda k: [k.id])


def all_api_keys(session: Session, org_id: str) -> list[ApiKey]:
    """Every key of the organization, oldest first (the `calling keys list` command)."""
    return list(session.scalars(select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.id)))


def any_organization(session: Session) -> bool:
    """Whether a customer organization exists (the platform's own does not count)."""
    stmt = select(Organization.org_id).where(Organization.is_platform.is_(False)).limit(1)
    return session.scalar(stmt) is not None


def revoke_api_key(session: Session, key: ApiKey) -> None:
    """Revoke `key`, unless it is the organization's last active admin key (409): without
    one, nobody could manage the organization's keys again through the API."""
    if key.revoked_at is not None:
        return
    if Scope.admin in key.scopes:
        # Lock the organization's row: two admin keys revoking each other cannot both win.
        session.scalar(
            select(Organization.org_id).where(Organization.org_id == key.org_id).with_for_update()
        )
        others = session.scalars(
            select(ApiKey).where(
                ApiKey.org_id == key.org_id, ApiKey.id != key.id, ApiKey.revoked_at.is_(None)
            )
        )
        if not any(Scope.admin in other.scopes for other in others):
            raise Conflict(
                "This is the organization's last active admin key: revoking it would lock "
                "the organization out. Create another admin key first."
            )
    key.revoked_at = utcnow()
    session.flush()
