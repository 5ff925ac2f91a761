"""Id path parameters as Starlette URL convertors: `/{person_id:per_id}` matches only a
person id, so `/v1/people/bulk` is not a person (`PATCH /v1/people/bulk` is `405`, with the
`Allow` of `/v1/people/bulk`) and `GET /v1/people/nobody` is `404`, rather than a validation
error about a person id. The OpenAPI path stays `/v1/people/{person_id}`; the parameter's
`Path(pattern=…)` still documents (and checks) the same pattern."""

from __future__ import annotations

from fastapi.openapi.models import Example
from starlette.convertors import Convertor, register_url_convertor

from service.ids import id_pattern

# Every prefix of an id that appears in a path (`service.ids`).
ID_PREFIXES = ("blf", "cmt", "dlv", "evt", "fbk", "frq", "key", "org", "per", "rfl", "rpm", "whk")


class IdConvertor(Convertor[str]):
    """An id of one prefix (`per_` and 26 Crockford base32 characters); one subclass a
    prefix, made by `id_convertor`."""

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def id_convertor(prefix: str) -> IdConvertor:
    regex = id_pattern(prefix).removeprefix("^").removesuffix("$")
    kind: type[IdConvertor] = type(f"{prefix.title()}IdConvertor", (IdConvertor,), {"regex": regex})
    return kind()


def convertor_name(prefix: str) -> str:
    """`per` → `per_id`, as written in a path: `/{person_id:per_id}`."""
    return f"{prefix}_id"


def register_id_convertors() -> None:
    for prefix in ID_PREFIXES:
        register_url_convertor(convertor_name(prefix), id_convertor(prefix))


register_id_convertors()


def prefilled(value: str, summary: str) -> dict[str, Example]:
    """A path parameter's named example, which Swagger UI fills in on "Try it out" (it does not
    fill in a schema's `examples`): one of the demo organization's ids (`service.demo_ids`)."""
    return {"demo": Example(summary=summary, value=value)}
