"""The catalogue of problem types (service.problem_types): well formed, and the only source of
a problem's `type`: every `ServiceError` the service raises names a cause of it, and every
cause of it is raised somewhere (tests/problems provokes each through HTTP)."""

from __future__ import annotations

import ast
import re
from http import HTTPStatus
from pathlib import Path

import pytest

from service import errors, problem_types
from service.api.routes.problems import MAX_SLUG_LENGTH, SLUG_PATTERN
from service.errors import Conflict, ServiceError, Unauthorized
from service.problem_types import BY_SLUG, CATALOGUE, PROBLEM_TYPE_BASE, ProblemType

SERVICE = Path(__file__).resolve().parents[1] / "service"
ERROR_CLASSES = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, ServiceError)
}
CONSTANTS = {name for name, value in vars(problem_types).items() if isinstance(value, ProblemType)}


def test_each_type_is_well_formed() -> None:
    assert len(BY_SLUG) == len(CATALOGUE), "two types share a slug"
    for problem_type in CATALOGUE:
        assert re.fullmatch(SLUG_PATTERN, problem_type.slug), problem_type
        assert len(problem_type.slug) <= MAX_SLUG_LENGTH, problem_type
        assert problem_type.uri == PROBLEM_TYPE_BASE + problem_type.slug
        assert 400 <= problem_type.status <= 599, problem_type
        HTTPStatus(problem_type.status)  # a real status code
        assert 0 < len(problem_type.title) <= 100, problem_type  # `Problem.title`'s bound
        assert problem_type.when and len(problem_type.when) <= 500, problem_type
        assert problem_type.action and len(problem_type.action) <= 500, problem_type
    assert len({t.title for t in CATALOGUE}) == len(CATALOGUE), "two types share a title"


def test_the_catalogue_is_ordered_by_status_then_slug() -> None:
    assert list(CATALOGUE) == sorted(CATALOGUE, key=lambda t: (t.status, t.slug))


def test_an_error_refuses_a_cause_of_another_status() -> None:
    with pytest.raises(ValueError, match="duplicate-external-id is a 409, not a 401"):
        Unauthorized("no", cause=problem_types.DUPLICATE_EXTERNAL_ID)
    error = Conflict("taken", cause=problem_types.DUPLICATE_EXTERNAL_ID)
    assert (error.status, error.cause.slug) == (409, "duplicate-external-id")


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(SERVICE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(SERVICE.parent))
        found += [
            (f"{where}:{node.lineno}", node)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        ]
    return found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def test_every_service_error_raised_names_a_catalogued_cause() -> None:
    """Each construction of a `ServiceError` in service/ passes `cause=`: a constant of the
    catalogue, or a parameter of a helper whose every caller passes one (checked by mypy:
    `cause: ProblemType` has no default where it is required)."""
    made = 0
    for where, call in _calls():
        if _name(call.func) not in ERROR_CLASSES:
            continue
        made += 1
        causes = [k.value for k in call.keywords if k.arg == "cause"]
        assert causes, f"{where}: {_name(call.func)}(…) names no cause"
        (cause,) = causes
        assert isinstance(cause, ast.Name), f"{where}: cause is not a plain name"
        assert cause.id in CONSTANTS or cause.id == "cause", f"{where}: cause {cause.id}"
    assert made >= 40  # the raise sites of the service (a walker that finds none proves nothing)


def test_every_catalogued_cause_is_used_by_the_service() -> None:
    """No type in the catalogue that nothing answers with."""
    used: set[str] = set()
    for path in SERVICE.rglob("*.py"):
        if path.name == "problem_types.py":
            continue
        used |= set(re.findall(r"\b[A-Z][A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert sorted(CONSTANTS - used) == []
