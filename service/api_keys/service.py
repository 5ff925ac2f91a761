"""An organization's API keys. Flushes only: the caller owns the commit."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.api_keys.keys import Scope, key_prefix, new_key_material
from service.api_keys.models import ApiKey
from service.api_keys.schemas import ApiKeyOut
from service.db import utcnow
from service.errors import Conflict, NotFound, Unprocessable
from service.ids import new_id
from service.organizations.models import Organization
from service.organizations.service import NAME, get_organization
from service.pages import PageParams, paginate
from service.problem_types import LAST_ADMIN_KEY, NOT_FOUND, VALIDATION_ERROR


def create_api_key(
    session: Session, org_id: str, name: str, scopes: Iterable[Scope]
) -> tuple[ApiKey, str]:
    name = NAME.validate_python(name)
    org = get_organization(session, org_id)
    wanted = {Scope(s) for s in scopes}
    allowed = wanted == {Scope.platform} if org.is_platform else Scope.platform not in wanted
    if not allowed:
        raise Unprocessable(
            "The `platform` scope is for platform keys only, and a platform key has no other.",
            cause=VALIDATION_ERROR,
            errors=[{"field": "scopes", "message": "`platform` cannot be combined or granted"}],
        )
    key_id = new_id("key")
    token, secret_hash = new_key_material(org_id, key_id, org.sandbox)
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


def key_out(key: ApiKey, sandbox: bool = False) -> ApiKeyOut:
    """`sandbox`: whether the key's organization is a sandbox (its keys read `csk_test_…`)."""
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        scopes=[Scope(s) for s in key.scopes],
        prefix=f"{key_prefix(sandbox)}_{key.org_id.removeprefix('org_')}_{key.id.removeprefix('key_')[:8]}",
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def get_api_key(session: Session, org_id: str, key_id: str) -> ApiKey:
    key = session.get(ApiKey, (org_id, key_id))
    if key is None:
        raise NotFound(f"No API key {key_id}.", cause=NOT_FOUND)
    return key


def list_api_keys(
    session: Session, org_id: str, page: PageParams
) -> tuple[list[ApiKey], str | None]:
    stmt = select(ApiKey).where(ApiKey.org_id == org_id)
    return paginate(session, stmt, [ApiKey.id], page, lambda k: [k.id])


def all_api_keys(session: Session, org_id: str) -> list[ApiKey]:
    """Every key of the organization, oldest first (the `calling keys list` command)."""
    return list(session.scalars(select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.id)))


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
                "the organization out. Create another admin key first.",
                cause=LAST_ADMIN_KEY,
            )
    key.revoked_at = utcnow()
    session.flush()
