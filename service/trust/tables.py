"""A closed period's table: contributions in, protected cells out. Pure; no I/O.

`period_table` takes the contributions of one period (every answer about any leader submitted
in it, as they stood at its end) and returns, per leader, one `Cell` per figure the period
can show: `overall`, `group:<stakeholder group>` (`employees`: direct reports, peers and the
manager; `customers`: internal and external; `suppliers`; `other`), `rel:<relationship>` and
whatever further *cell families* add (the extension point). Each cell keeps its members
(feedback ids; internal, never served) and its exact statistics.

Counting: one voice per respondent per leader and period (the latest answer of each
respondent key counts; an anonymous answer without a reference has its own key, the
feedback id, so it counts once). Answers missing a trust item (stored before all four were
required) are not counted.

Protection, per leader over the whole table: a cell is a candidate when it has at least its
minimum of respondents; candidates are taken overall first, then the largest first (ties by
name), and a candidate is shown only if the cells shown so far plus it still pass the rank
test (`linear.small_vector_in_row_space`): no vector over fewer than `min_group_size`
unknown contributions lies in their span. Known contributions (attributed answers, readable
by admin keys; the lone manager's, see below) are left out of that test, so a cell mixing
attributed and anonymous answers is shown only with at least `min_group_size` anonymous
ones. Nothing is shown when `overall` is not.

The lone manager: with `manager_group_minimum` below `min_group_size` (it is then 1), a
leader's manager group shows when it is exactly one answer — the one known manager the
setting is for, whose answer is then known — or at least `min_group_size` answers like any
other group. Two to `min_group_size` − 1 managers are hidden and their answers stay unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.feedback.schemas import STAKEHOLDER, Relationship
from service.trust.linear import small_vector_in_row_space
from service.trust.scoring import ITEMS, Stats

OVERALL = "overall"


def group_cell(relationship: str) -> str:
    return f"rel:{relationship}"


def stakeholder_cell(group: str) -> str:
    return f"group:{group}"


def stakeholder_group_of(relationship: str) -> str:
    """The stakeholder group (`employees`, `customers`, `suppliers`, `other`) of a
    relationship."""
    return STAKEHOLDER[Relationship(relationship)].value


@dataclass(frozen=True)
class Contribution:
    """One stored answer about a leader."""

    feedback_id: str
    leader_id: str
    respondent_key: str
    relationship: str
    answers: Mapping[str, int | None]
    attributed: bool
    submitted_at: datetime
    belief_ratings: Mapping[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(self.answers.get(item) is not None for item in ITEMS)


@dataclass(frozen=True)
class Rules:
    """The settings of the period that decide what is shown."""

    min_group_size: int = 3
    manager_group_minimum: int = 3

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Rules:
        return cls(int(settings["min_group_size"]), int(settings["manager_group_minimum"]))


@dataclass(frozen=True)
class Cell:
    name: str
    members: frozenset[str]  # feedback ids counted
    stats: Mapping[str, Any]  # the family's summary (trust cells: `Stats.to_json()`)
    shown: bool


@dataclass(frozen=True)
class CellFamily:
    """A kind of cell: which cells the counted contributions of one leader fall into, how a
    cell is summarised, and its minimum number of respondents."""

    cells: Callable[[Sequence[Contribution]], Mapping[str, Sequence[Contribution]]]
    summary: Callable[[Sequence[Contribution]], Mapping[str, Any]]
    allows: Callable[[str, int, Rules], bool]  # (cell name, respondents, rules)


def trust_summary(contributions: Sequence[Contribution]) -> dict[str, Any]:
    return Stats.total(Stats.of(c.answers) for c in contributions).to_json()


def _k(_: str, n: int, rules: Rules) -> bool:
    return n >= rules.min_group_size


def group_allows(manager: bool, n: int, rules: Rules) -> bool:
    """Whether a relationship group of `n` respondents reaches its minimum: at least
    `min_group_size`, or for the manager group under the lone-manager rule exactly one."""
    return n >= rules.min_group_size or (manager and lone_manager_rule(rules) and n == 1)


def _group(name: str, n: int, rules: Rules) -> bool:
    return group_allows(name == group_cell("manager"), n, rules)


def _by_relationship(cs: Sequence[Contribution]) -> dict[str, list[Contribution]]:
    groups: dict[str, list[Contribution]] = defaultdict(list)
    for c in cs:
        groups[group_cell(c.relationship)].append(c)
    return groups


def _by_stakeholder_group(cs: Sequence[Contribution]) -> dict[str, list[Contribution]]:
    groups: dict[str, list[Contribution]] = defaultdict(list)
    for c in cs:
        groups[stakeholder_cell(stakeholder_group_of(c.relationship))].append(c)
    return groups


FAMILIES: list[CellFamily] = [
    CellFamily(lambda cs: {OVERALL: list(cs)}, trust_summary, _k),
    CellFamily(_by_stakeholder_group, trust_summary, _k),
    CellFamily(_by_relationship, trust_summary, _group),
]


def counted(contributions: Iterable[Contribution]) -> list[Contribution]:
    """One voice per respondent and leader: the latest answer of each respondent key."""
    latest: dict[tuple[str, str], Contribution] = {}
    for c in contributions:
        key = (c.leader_id, c.respondent_key)
        held = latest.get(key)
        if held is None or (held.submitted_at, held.feedback_id) < (c.submitted_at, c.feedback_id):
            latest[key] = c
    return sorted(
        (c for c in latest.values() if c.complete), key=lambda c: (c.leader_id, c.feedback_id)
    )


def lone_manager_rule(rules: Rules) -> bool:
    return rules.manager_group_minimum < rules.min_group_size


def known_ids(contributions: Iterable[Contribution], rules: Rules) -> frozenset[str]:
    """The counted answers (of any leaders) a reader may know one by one anyway: attributed
    answers, and under the lone-manager rule a leader's manager answer when it is the only
    one — two or more managers stay unknown."""
    cs = list(contributions)
    managers: dict[str, list[str]] = defaultdict(list)
    for c in cs:
        if c.relationship == "manager":
            managers[c.leader_id].append(c.feedback_id)
    lone = (
        {ids[0] for ids in managers.values() if len(ids) == 1}
        if lone_manager_rule(rules)
        else set()
    )
    return frozenset(c.feedback_id for c in cs if c.attributed or c.feedback_id in lone)


def shown_cells(
    candidates: Sequence[tuple[str, frozenset[str]]], secret: frozenset[str], k: int
) -> set[str]:
    """Greedy protection: take candidates in order, keep each that passes the rank test
    together with those kept before it. The first candidate must be `overall`."""
    kept: list[frozenset[str]] = []
    names: set[str] = set()
    for i, (name, members) in enumerate(candidates):
        if small_vector_in_row_space([*kept, members], secret, k):
            if i == 0:
                return set()
            continue
        kept.append(members)
        names.add(name)
    return names


def leader_table(
    contributions: Sequence[Contribution],
    rules: Rules,
    families: Sequence[CellFamily] | None = None,
) -> dict[str, Cell]:
    """The protected cells of one leader (`contributions` already `counted`)."""
    families = FAMILIES if families is None else families
    raw: dict[str, tuple[list[Contribution], CellFamily]] = {}
    for family in families:
        for name, members in family.cells(contributions).items():
            if members:
                raw[name] = (list(members), family)
    sets = {name: frozenset(c.feedback_id for c in ms) for name, (ms, _) in raw.items()}
    eligible = [name for name, (ms, family) in raw.items() if family.allows(name, len(ms), rules)]
    shown: set[str] = set()
    if OVERALL in eligible:
        others = sorted((n for n in eligible if n != OVERALL), key=lambda n: (-len(sets[n]), n))
        order = [OVERALL, *others]
        secret = frozenset(c.feedback_id for c in contributions) - known_ids(contributions, rules)
        shown = shown_cells([(n, sets[n]) for n in order], secret, rules.min_group_size)
    return {
        name: Cell(name, sets[name], dict(family.summary(ms)), name in shown)
        for name, (ms, family) in raw.items()
    }


def period_table(
    contributions: Iterable[Contribution],
    rules: Rules,
    families: Sequence[CellFamily] | None = None,
) -> dict[str, dict[str, Cell]]:
    """leader id → cell name → cell, for every leader with counted answers in the period."""
    by_leader: dict[str, list[Contribution]] = defaultdict(list)
    for c in counted(contributions):
        by_leader[c.leader_id].append(c)
    return {leader: leader_table(cs, rules, families) for leader, cs in sorted(by_leader.items())}
