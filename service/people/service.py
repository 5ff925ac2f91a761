"""People: CRUD, manager links validated within the organization, bulk upsert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import Conflict, NotFound, Unprocessable
from service.events.data import PersonCreatedData, PersonUpdatedData
from service.events.service import emit, emit_many
from service.ids import new_id
from service.pages import PageParams, paginate
from service.people.models import Person
from service.people.schemas import (
    BulkUpsert,
    PersonCreate,
    PersonPatch,
    PersonUpsert,
    UpsertResult,
    UpsertStatus,
)
from service.problem_types import (
    DUPLICATE_EXTERNAL_ID,
    INVALID_REFERENCE,
    NOT_FOUND,
    REPORTING_LOOP,
    VALIDATION_ERROR,
    ProblemType,
)

_CHUNK = 500
_MAX_DEPTH = 10_000


def get_person(session: Session, org_id: str, person_id: str) -> Person:
    person = session.get(Person, (org_id, person_id))
    if person is None:
        raise NotFound(f"No person {person_id}.", cause=NOT_FOUND)
    return person


def list_people(
    session: Session,
    org_id: str,
    page: PageParams,
    *,
    updated_since: datetime | None = None,
    external_id: str | None = None,
    manager_id: str | None = None,
) -> tuple[list[Person], str | None]:
    stmt = select(Person).where(Person.org_id == org_id)
    if updated_since is not None:
        stmt = stmt.where(Person.updated_at >= updated_since)
    if external_id is not None:
        stmt = stmt.where(Person.external_id == external_id)
    if manager_id is not None:
        stmt = stmt.where(Person.manager_id == manager_id)
    return paginate(session, stmt, [Person.id], page, lambda p: [p.id])


def _managers_of(session: Session, org_id: str, ids: Iterable[str]) -> dict[str, str | None]:
    wanted = list(ids)
    found: dict[str, str | None] = {}
    for i in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(Person.id, Person.manager_id).where(
                Person.org_id == org_id, Person.id.in_(wanted[i : i + _CHUNK])
            )
        )
        found.update({row.id: row.manager_id for row in rows})
    return found


def _creates_cycle(session: Session, org_id: str, proposed: dict[str, str | None]) -> str | None:
    """Return a person whose proposed manager chain loops back to them, if any.

    `proposed` maps person id → new manager id; everyone else keeps the stored manager.
    The chains are walked level by level, one query per level.
    """
    known: dict[str, str | None] = dict(proposed)
    for start in proposed:
        seen = {start}
        current = known.get(start)
        for _ in range(_MAX_DEPTH):
            if current is None:
                break
            if current in seen:
                return start
            seen.add(current)
            if current not in known:
                known.update(_managers_of(session, org_id, [current]))
                known.setdefault(current, None)
            current = known[current]
    return None


def _check_manager(session: Session, org_id: str, person_id: str, manager_id: str | None) -> None:
    if manager_id is None:
        return
    if manager_id == person_id:
        raise _field_error("manager_id", "a person cannot be their own manager", REPORTING_LOOP)
    if session.get(Person, (org_id, manager_id)) is None:
        raise _field_error(
            "manager_id", f"no person {manager_id} in this organization", INVALID_REFERENCE
        )
    if _creates_cycle(session, org_id, {person_id: manager_id}):
        raise _field_error(
            "manager_id", "this manager link would create a reporting loop", REPORTING_LOOP
        )


def _field_error(field: str, message: str, cause: ProblemType) -> Unprocessable:
    return Unprocessable(
        f"{field}: {message}.", cause=cause, errors=[{"field": field, "message": message}]
    )


def _external_id_taken(external_id: str) -> Conflict:
    return Conflict(
        f"A person with external_id {external_id!r} already exists.",
        cause=DUPLICATE_EXTERNAL_ID,
    )


def create_person(session: Session, org_id: str, body: PersonCreate) -> Person:
    person_id = new_id("per")
    _check_manager(session, org_id, person_id, body.manager_id)
    if session.scalar(
        select(Person.id).where(Person.org_id == org_id, Person.external_id == body.external_id)
    ):
        raise _external_id_taken(body.external_id)
    person = Person(org_id=org_id, id=person_id, **body.model_dump())
    session.add(person)
    _flush_unique(session, body.external_id)
    emit(session, org_id, PersonCreatedData(id=person.id, version=person.version))
    return person


def _flush_unique(session: Session, external_id: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent writer took the external_id first
        raise _external_id_taken(external_id) from exc


def update_person(session: Session, person: Person, body: PersonPatch) -> None:
    changes = body.model_dump(exclude_unset=True)
    if "manager_id" in changes:
        _check_manager(session, person.org_id, person.id, changes["manager_id"])
    new_external = changes.get("external_id")
    if new_external is not None and new_external != person.external_id:
        taken = session.scalar(
            select(Person.id).where(
                Person.org_id == person.org_id, Person.external_id == new_external
            )
        )
        if taken:
            raise _external_id_taken(new_external)
    changed = {k: v for k, v in changes.items() if getattr(person, k) != v}
    if not changed:
        return
    for field, value in changed.items():
        setattr(person, field, value)
    _flush_unique(session, person.external_id)
    emit(session, person.org_id, PersonUpdatedData(id=person.id, version=person.version))


def _existing_by_external_id(
    session: Session, org_id: str, external_ids: Sequence[str]
) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for i in range(0, len(external_ids), _CHUNK):
        chunk = external_ids[i : i + _CHUNK]
        people = session.scalars(
            select(Person).where(Person.org_id == org_id, Person.external_id.in_(chunk))
        )
        found.update({p.external_id: p for p in people})
    return found


def bulk_upsert(session: Session, org_id: str, body: BulkUpsert) -> list[UpsertResult]:
    """Create or update people by `external_id`, all or nothing.

    Every row is validated first (duplicates in the batch, unknown managers, reporting
    loops); any error → 422 listing each bad row, and nothing is written.
    """
    rows = body.people
    errors: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.external_id in seen:
            errors.append(
                {
                    "field": f"people.{i}.external_id",
                    "message": f"duplicate of people.{seen[row.external_id]}",
                }
            )
        seen.setdefault(row.external_id, i)

    referenced = {r.manager_external_id for r in rows if r.manager_external_id} - set(seen)
    existing = _existing_by_external_id(session, org_id, [*seen, *referenced])
    ids = {ext: p.id for ext, p in existing.items()}
    for ext in seen:
        ids.setdefault(ext, new_id("per"))

    for i, row in enumerate(rows):
        mgr = row.manager_external_id
        if mgr is None:
            continue
        if mgr == row.external_id:
            errors.append(
                {
                    "field": f"people.{i}.manager_external_id",
                    "message": "a person cannot be their own manager",
                }
            )
        elif mgr not in ids:
            errors.append(
                {
                    "field": f"people.{i}.manager_external_id",
                    "message": f"no person with external_id {mgr!r}",
                }
            )
    if not errors:
        proposed = {
            ids[r.external_id]: ids[r.manager_external_id] if r.manager_external_id else None
            for r in rows
        }
        looping = _creates_cycle(session, org_id, proposed)
        if looping is not None:
            index = next(i for i, r in enumerate(rows) if ids[r.external_id] == looping)
            errors.append(
                {
                    "field": f"people.{index}.manager_external_id",
                    "message": "this manager link would create a reporting loop",
                }
            )
    if errors:
        raise Unprocessable(
            f"{len(errors)} row(s) are invalid; nothing was written.",
            cause=VALIDATION_ERROR,
            errors=errors,
        )

    results: list[UpsertResult] = []
    updated_people: list[PersonUpdatedData] = []
    new_rows = [r for r in rows if r.external_id not in existing]
    # Managers before their reports, so every foreign key holds at insert time.
    for row in _managers_first(new_rows):
        session.add(
            Person(
                org_id=org_id,
                id=ids[row.external_id],
                external_id=row.external_id,
                display_name=row.display_name,
                email=row.email,
                title=row.title,
                manager_id=ids[row.manager_external_id] if row.manager_external_id else None,
            )
        )
    session.flush()
    for i, row in enumerate(rows):
        person = existing.get(row.external_id)
        status = UpsertStatus.created
        if person is not None:
            wanted = {
                "display_name": row.display_name,
                "email": row.email,
                "title": row.title,
                "manager_id": ids[row.manager_external_id] if row.manager_external_id else None,
            }
            changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            for field, value in changed.items():
                setattr(person, field, value)
            status = UpsertStatus.updated if changed else UpsertStatus.unchanged
            if changed:  # the version the flush below gives it
                updated_people.append(PersonUpdatedData(id=person.id, version=person.version + 1))
        results.append(
            UpsertResult(
                index=i, external_id=row.external_id, id=ids[row.external_id], status=status
            )
        )
    session.flush()
    created = [r.id for r in results if r.status == UpsertStatus.created]
    emit_many(
        session,
        org_id,
        [
            *(PersonCreatedData(id=i, version=1) for i in created),
            *updated_people,
        ],
    )
    return results


def _managers_first(rows: list[PersonUpsert]) -> list[PersonUpsert]:
    by_ext = {r.external_id: r for r in rows}
    ordered: list[PersonUpsert] = []
    done: set[str] = set()
    for row in rows:
        chain = []
        current: PersonUpsert | None = row
        while current is not None and current.external_id not in done:
            chain.append(current)
            done.add(current.external_id)
            mgr = current.manager_external_id
            current = by_ext.get(mgr) if mgr else None
        ordered.extend(reversed(chain))
    return ordered
