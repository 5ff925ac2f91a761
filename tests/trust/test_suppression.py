"""Minimum group sizes and complementary suppression: hand-worked cases and Hypothesis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.trust.suppression import Members, item_visible, visible_groups

RELATIONSHIPS = (
    "direct_report",
    "peer",
    "manager",
    "internal_customer",
    "external_customer",
    "supplier",
    "other",
)


def people(*keys: str, cid: str = "c1") -> dict[str, str]:
    return dict.fromkeys(keys, cid)


def union(*parts: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in parts:
        out.update(part)
    return out


def run(
    overall: Members, groups: Mapping[str, Members], k: int = 3, manager: int = 3
) -> frozenset[str]:
    return visible_groups(overall, groups, k, {"manager": manager})


# ---------------------------------------------------------------- hand-worked cases


def test_nothing_shows_below_the_overall_minimum() -> None:
    dr = people("a", "b")
    assert run(dr, {"direct_report": dr}) == frozenset()
    assert run({}, {}) == frozenset()
    assert run(dr, {"manager": people("a")}, manager=1) == frozenset()


def test_groups_that_leave_big_remainders_all_show() -> None:
    # overall 9 = direct_report 3 + peer 3 + supplier 3; every overall − Σ S covers 9, 6, 3 or 0
    dr, peer, sup = people("a", "b", "c"), people("d", "e", "f"), people("g", "h", "i")
    groups = {"direct_report": dr, "peer": peer, "supplier": sup}
    assert run(union(dr, peer, sup), groups) == frozenset(groups)


def test_small_group_is_hidden_and_protected_by_hiding_the_next_smallest() -> None:
    # overall 8 = direct_report 4 + peer 3 + supplier 1; supplier is below 3 and hidden.
    # overall − direct_report − peer = the supplier alone (1) → hide the smallest visible
    # group, peer (3); then overall − direct_report = 4 ≥ 3.
    dr, peer, sup = people("a", "b", "c", "d"), people("e", "f", "g"), people("h")
    groups = {"direct_report": dr, "peer": peer, "supplier": sup}
    assert run(union(dr, peer, sup), groups) == {"direct_report"}


def test_a_lone_manager_with_every_other_group_shown_shows() -> None:
    # manager minimum 1. overall 9 = direct_report 5 + peer 3 + manager 1.
    # overall − direct_report − peer = exactly the manager's own shown figure: nothing new.
    # Every other subset leaves ≥ 3 respondents. All three show.
    dr, peer, mgr = people("a", "b", "c", "d", "e"), people("f", "g", "h"), people("m")
    groups = {"direct_report": dr, "peer": peer, "manager": mgr}
    assert run(union(dr, peer, mgr), groups, manager=1) == {"direct_report", "peer", "manager"}
    # With a hidden 2-person supplier group too, overall − dr − peer − manager = the two
    # suppliers → the smallest visible group, the manager, is hidden; then overall − dr − peer
    # = manager + suppliers (3 respondents) is fine.
    sup = people("s1", "s2")
    groups["supplier"] = sup
    assert run(union(dr, peer, mgr, sup), groups, manager=1) == {"direct_report", "peer"}


def test_a_lone_manager_beside_the_rest_is_hidden() -> None:
    # overall 3 = manager 1 + two peers (hidden): overall − manager = the two peers → hide.
    mgr, peer = people("m"), people("p1", "p2")
    assert run(union(mgr, peer), {"manager": mgr, "peer": peer}, manager=1) == frozenset()


def test_a_lone_manager_shows_when_the_hidden_rest_is_big_enough() -> None:
    # manager minimum 1. overall 10 = direct_report 5 + manager 1 + peer 2 + supplier 2.
    # peer and supplier are below 3: hidden, together 4.
    # subsets of {direct_report, manager}: ∅ → 10, {dr} → 5, {manager} → 9, both → 4. All ≥ 3.
    dr, mgr = people("a", "b", "c", "d", "e"), people("m")
    peer, sup = people("f", "g"), people("h", "i")
    groups = {"direct_report": dr, "manager": mgr, "peer": peer, "supplier": sup}
    assert run(union(dr, mgr, peer, sup), groups, manager=1) == {"direct_report", "manager"}
    # with the default manager minimum of 3 the lone manager is not even a candidate
    # and direct_report alone shows (overall − direct_report = 5)
    assert run(union(dr, mgr, peer, sup), groups) == {"direct_report"}


def test_ties_are_broken_by_name() -> None:
    # overall 11 = a 3 + b 3 + c 3 + d 2 (hidden). overall − a − b − c = d (2) → hide one of the
    # three-member groups: the first by name, "a". Then overall − b − c = a + d = 5 ≥ 3.
    a, b, c, d = (
        people("1", "2", "3"),
        people("4", "5", "6"),
        people("7", "8", "9"),
        people("x", "y"),
    )
    groups = {"c": c, "b": b, "a": a, "d": d}
    assert run(union(a, b, c, d), groups) == {"b", "c"}


def test_states_from_different_moments_count_signed_differences() -> None:
    # direct_report was published with r0..r3; overall later also holds r4; peer was published
    # with r4, r5, r6 of whom r5 and r6 have since aged out of overall.
    # {direct_report} → D = {r4} (1) → violation; hide peer (3 < 4).
    # {direct_report} alone still leaves r4 → hide direct_report.
    dr = people("r0", "r1", "r2", "r3")
    overall = union(dr, people("r4"))
    peer = people("r4", "r5", "r6")
    assert run(overall, {"direct_report": dr, "peer": peer}) == frozenset()


def test_a_superseded_contribution_counts_once() -> None:
    # overall holds r0's newer answer (c2); direct_report still holds r0's older one (c1).
    # overall − direct_report = {(r0, c2): +1, (r0, c1): −1, (r3, c1), (r4, c1)}: 3 respondents.
    dr = people("r0", "r1", "r2")
    overall = union(dr, {"r0": "c2"}, people("r3", "r4"))
    assert run(overall, {"direct_report": dr}) == {"direct_report"}
    # with only one other respondent the difference involves r0 and r3: 2 respondents → hidden
    overall = union(dr, {"r0": "c2"}, people("r3"))
    assert run(overall, {"direct_report": dr}) == frozenset()
    # no other respondent: (r0,c2) and (r0,c1) → 2 → hidden
    overall = union(dr, {"r0": "c2"})
    assert run(overall, {"direct_report": dr}) == frozenset()


def test_group_minimum_applies_per_group_and_never_below_one() -> None:
    dr, peer = people("a", "b", "c", "d", "e"), people("f", "g", "h", "i", "j")
    overall = union(dr, peer)
    groups = {"direct_report": dr, "peer": peer, "manager": {}}
    assert visible_groups(overall, groups, 5, {}) == {"direct_report", "peer"}
    # peer needs 6 and is hidden; overall − direct_report = peer's 5 → direct_report shows
    assert visible_groups(overall, groups, 5, {"peer": 6}) == {"direct_report"}
    assert visible_groups(overall, groups, 5, {"manager": 0}) == {"direct_report", "peer"}
    assert visible_groups(overall, groups, 6, {}) == frozenset()  # overall 10, groups 5 < 6


def test_min_group_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        visible_groups({}, {}, 0, {})


def test_item_visible() -> None:
    assert not item_visible(2, 3)
    assert item_visible(3, 3)
    assert item_visible(9, 5)
    assert not item_visible(0, 3)


# ---------------------------------------------------------------- properties


def difference(overall: Members, subtracted: Iterable[Members]) -> dict[tuple[str, str], int]:
    """Plain reference: overall − Σ subtracted over (respondent, contribution) pairs."""
    diff: dict[tuple[str, str], int] = {}
    for pair in overall.items():
        diff[pair] = diff.get(pair, 0) + 1
    for members in subtracted:
        for pair in members.items():
            diff[pair] = diff.get(pair, 0) - 1
    return {p: v for p, v in diff.items() if v != 0}


def isolates(diff: dict[tuple[str, str], int], shown: list[Members], k: int) -> bool:
    """Does this derived figure cover 1..k−1 respondents that no shown figure covers exactly?"""
    respondents = {r for r, _ in diff}
    if not 0 < len(respondents) < k:
        return False
    exact = all(v == 1 for v in diff.values())
    return not (exact and any(set(diff) == set(m.items()) for m in shown))


def reference(
    overall: Members, groups: Mapping[str, Members], k: int, minimum: Mapping[str, int]
) -> frozenset[str]:
    """The rule written out the slow, obvious way."""
    if len(overall) < k:
        return frozenset()
    visible = [g for g, m in groups.items() if len(m) > 0 and len(m) >= minimum.get(g, k)]
    while True:
        bad = any(
            isolates(
                difference(overall, [groups[g] for g in subset]), [groups[g] for g in visible], k
            )
            for size in range(len(visible) + 1)
            for subset in combinations(visible, size)
        )
        if not bad:
            return frozenset(visible)
        smallest = sorted(visible, key=lambda g: (len(groups[g]), g))[0]
        visible.remove(smallest)


POOL = [f"r{i}" for i in range(14)]
members_st = st.dictionaries(st.sampled_from(POOL), st.sampled_from(["c1", "c2", "c3"]))
overall_st = st.one_of(
    st.dictionaries(st.sampled_from(POOL), st.sampled_from(["c1", "c2", "c3"]), min_size=6),
    members_st,
)


@st.composite
def consistent(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """A leader's overall state split by relationship, then perhaps perturbed by a few
    respondents whose contributions changed between the publication moments."""
    overall = draw(overall_st)
    names = draw(st.lists(st.sampled_from(RELATIONSHIPS), min_size=1, max_size=7, unique=True))
    groups: dict[str, dict[str, str]] = {name: {} for name in names}
    lone_manager = bool(overall) and draw(st.booleans())
    for i, (r, cid) in enumerate(overall.items()):
        if lone_manager and i == 0:
            groups["manager"] = {r: cid}  # the common case: one manager, known anyway
        else:
            groups[draw(st.sampled_from(names))][r] = cid
    names = list(groups)
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(names))
        r = draw(st.sampled_from(POOL))
        if draw(st.booleans()):
            groups[name][r] = draw(st.sampled_from(["c1", "c2", "c3", "c4"]))
        else:
            groups[name].pop(r, None)
    return overall, groups


arbitrary = st.tuples(
    overall_st,
    st.dictionaries(st.sampled_from(RELATIONSHIPS), members_st, max_size=7),
)


@settings(max_examples=300, deadline=None)
@given(
    state=st.one_of(consistent(), arbitrary),
    k=st.integers(3, 5),
    manager=st.sampled_from([1, 3]),
)
def test_no_shown_combination_covers_too_few(
    state: tuple[dict[str, str], dict[str, dict[str, str]]], k: int, manager: int
) -> None:
    overall, groups = state
    minimum = {"manager": manager}
    shown = visible_groups(overall, groups, k, minimum)

    assert shown <= set(groups)
    if len(overall) < k:
        assert shown == frozenset()
        return
    # every shown group reaches its own minimum (1 or 3 for the manager, k for the rest)
    for g in shown:
        assert len(groups[g]) >= max(1, minimum.get(g, k))
        if g != "manager" or manager >= k:
            assert len(groups[g]) >= k  # the figure alone covers at least k respondents
    # overall minus any subset of the shown groups covers no respondent, at least k of them,
    # or exactly the members of a figure that is shown anyway
    names = sorted(shown)
    for size in range(len(names) + 1):
        for subset in combinations(names, size):
            diff = difference(overall, [groups[g] for g in subset])
            assert not isolates(diff, [groups[g] for g in shown], k), (subset, diff)
    # the optimized implementation is the rule as written
    assert shown == reference(overall, groups, k, minimum)
    # deterministic, whatever the order the groups arrive in
    assert visible_groups(overall, dict(reversed(list(groups.items()))), k, minimum) == shown
