"""A closed period's table (pure): counting, thresholds, the attributed/anonymous rule and
protection over the whole table, checked against the audit's independent rank test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.feedback.schemas import Relationship
from service.trust.scoring import ITEMS, Stats
from service.trust.tables import (
    OVERALL,
    CellFamily,
    Contribution,
    Rules,
    counted,
    leader_table,
    period_table,
    trust_summary,
)
from tests.trust.audit import known_one_by_one, leak

PROPS = settings(max_examples=200, deadline=None)
EMPLOYEES, PEERS = "group:employees", "rel:peer"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def c(
    fid: str,
    relationship: str = "peer",
    *,
    key: str | None = None,
    value: int = 4,
    attributed: bool = False,
    at: int = 0,
    leader: str = "L",
) -> Contribution:
    return Contribution(
        feedback_id=fid,
        leader_id=leader,
        respondent_key=key or fid,
        relationship=relationship,
        answers=dict.fromkeys(ITEMS, value),
        attributed=attributed,
        submitted_at=T0 + timedelta(minutes=at),
    )


def shown(cells: dict[str, object]) -> set[str]:
    return {name for name, cell in cells.items() if getattr(cell, "shown", False)}


def test_latest_answer_of_each_respondent_counts_and_partial_answers_do_not() -> None:
    partial = Contribution("f9", "L", "k9", "peer", {"trust": 4}, False, T0)
    rows = [c("f1", key="k", at=1), c("f2", key="k", at=2), c("f3"), c("f4"), partial]
    assert [x.feedback_id for x in counted(rows)] == ["f2", "f3", "f4"]
    # The same key about another leader is another voice.
    other = c("f5", key="k", leader="M")
    assert {x.feedback_id for x in counted([*rows, other])} == {"f2", "f3", "f4", "f5"}


def test_disjoint_groups_of_three_show_and_a_lone_one_hides_its_neighbour() -> None:
    rows = [c(f"d{i}", "direct_report") for i in range(3)] + [c(f"p{i}") for i in range(3)]
    # employees: the same six as overall, so the same figure
    assert shown(leader_table(counted(rows), Rules())) == {
        OVERALL,
        EMPLOYEES,
        "rel:direct_report",
        "rel:peer",
    }
    # One supplier more: overall − employees would isolate them, and so would overall −
    # direct reports − peers, so the employees and the smaller of the two relationships (ties
    # by name: direct_report) are left out as well.
    table = leader_table(counted([*rows, c("s0", "supplier")]), Rules())
    assert shown(table) == {OVERALL, "rel:direct_report"} or shown(table) == {OVERALL, "rel:peer"}
    assert "rel:supplier" not in shown(table)


def test_mixed_cells_need_min_group_size_anonymous_respondents() -> None:
    rows = [c(f"a{i}", attributed=True) for i in range(3)] + [c("x0"), c("x1")]
    assert shown(leader_table(counted(rows), Rules())) == set()
    assert shown(leader_table(counted([*rows, c("x2")]), Rules())) == {OVERALL, EMPLOYEES, PEERS}
    # All attributed: an admin reads them anyway; the figure reveals nothing anonymous.
    only_attributed = [c(f"a{i}", attributed=True) for i in range(3)]
    assert shown(leader_table(counted(only_attributed), Rules())) == {OVERALL, EMPLOYEES, PEERS}


def test_a_lone_manager_shows_when_the_setting_allows_it() -> None:
    rows = [c("m0", "manager")] + [c(f"p{i}") for i in range(3)]
    # Without it: overall − peers would isolate the manager, so the peers hide too (the
    # employees are the same four as overall).
    assert shown(leader_table(counted(rows), Rules(3, 3))) == {OVERALL, EMPLOYEES}
    lone = leader_table(counted(rows), Rules(3, 1))
    assert shown(lone) == {OVERALL, EMPLOYEES, "rel:manager", PEERS}


def test_a_real_circle_shows_its_stakeholder_groups_and_hides_the_small_relationships() -> None:
    """Issue 19: 4 direct reports, 3 peers, 2 internal and 2 external customers, 3
    suppliers. The customers show as a group; each customer relationship (2) stays hidden,
    and no subtraction across the levels recovers one."""
    circle = [("direct_report", 4), ("peer", 3), ("internal_customer", 2)]
    circle += [("external_customer", 2), ("supplier", 3)]
    rows = [c(f"{rel}{i}", rel) for rel, n in circle for i in range(n)]
    table = leader_table(counted(rows), Rules())
    assert shown(table) == {
        OVERALL,
        EMPLOYEES,
        "group:customers",
        "group:suppliers",
        "rel:direct_report",
        PEERS,
        "rel:supplier",
    }
    assert table["group:customers"].members == {
        "internal_customer0",
        "internal_customer1",
        "external_customer0",
        "external_customer1",
    }
    served = [cell.members for cell in table.values() if cell.shown]
    assert leak(served, {x.feedback_id for x in rows}, 3) is None


def test_the_lone_manager_rule_is_the_manager_relationships_only() -> None:
    """With manager_group_minimum 1 the one manager shows as a relationship, but a
    stakeholder group needs min_group_size like any other: the manager and one peer are no
    employees figure."""
    rows = [c("m0", "manager"), c("p0")] + [c(f"s{i}", "supplier") for i in range(3)]
    table = leader_table(counted(rows), Rules(3, 1))
    assert "rel:manager" in shown(table)
    assert EMPLOYEES not in shown(table) and len(table[EMPLOYEES].members) == 2


def test_stats_are_those_of_the_members() -> None:
    rows = [c("p0", value=5), c("p1", value=3), c("d0", "direct_report", value=1)]
    table = leader_table(counted(rows), Rules())
    assert Stats.from_json(table[OVERALL].stats) == Stats.total(Stats.of(r.answers) for r in rows)
    assert table["rel:peer"].members == {"p0", "p1"}


def test_extra_cell_families_are_protected_with_the_rest() -> None:
    """The extension point: a family with overlapping cells (here "answered 5 on trust")
    goes through the same rank test as the trust cells."""
    fives = CellFamily(
        cells=lambda cs: {"five": [x for x in cs if x.answers["trust"] == 5]},
        summary=trust_summary,
        allows=lambda _name, n, rules: n >= rules.min_group_size,
    )
    rows = [c(f"p{i}", value=5) for i in range(3)] + [c("p3", value=4)]
    table = leader_table(counted(rows), Rules(), [*_default_families(), fives])
    # overall (4) − five (3) = p3: the "five" cell must stay hidden.
    assert "five" not in shown(table)
    assert OVERALL in shown(table)


def _default_families() -> list[CellFamily]:
    from service.trust.tables import FAMILIES

    return list(FAMILIES)


contributions = st.lists(
    st.builds(
        lambda i, rel, key, value, attributed, at: c(
            f"f{i}",
            rel,
            key=None if key is None else f"k{key}",
            value=value,
            attributed=attributed,
            at=at,
        ),
        st.integers(0, 10**6),
        st.sampled_from([r.value for r in Relationship]),
        st.one_of(st.none(), st.integers(0, 8)),
        st.integers(1, 5),
        st.booleans(),
        st.integers(0, 100),
    ),
    max_size=18,
    unique_by=lambda x: x.feedback_id,
)


@PROPS
@given(rows=contributions, k=st.integers(3, 5), lone=st.booleans())
def test_every_table_passes_the_audits_rank_test(
    rows: list[Contribution], k: int, lone: bool
) -> None:
    rules = Rules(k, 1 if lone else k)
    table = period_table(rows, rules).get("L", {})
    members = [cell.members for cell in table.values() if cell.shown]
    every = counted(rows)
    knowable = known_one_by_one(
        ((x.feedback_id, x.leader_id, x.relationship, x.attributed) for x in every), lone
    )
    anonymous = {x.feedback_id for x in every} - knowable
    assert leak(members, anonymous, k) is None
    for cell in table.values():
        if cell.shown:
            n = len(cell.members)
            assert n >= k or (cell.name == "rel:manager" and lone and n == 1)
            assert OVERALL in shown(table)
