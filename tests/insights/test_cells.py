"""Belief and theme cells of a period's table: thresholds, complementary suppression, the
anonymity rule, and the linear-algebra audit on random periods."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.insights.cells import (
    ALL,
    BeliefCell,
    Response,
    ThemeCell,
    belief_cells,
    partition_visible,
    theme_cells,
)
from tests.insights.linear_audit import smallest_revealed

RELATIONSHIPS = ("direct_report", "peer", "manager", "supplier")


def rated(fid: str, rel: str, rating: int, anonymous: bool = True, leader: str = "L") -> Response:
    return Response(fid, leader, rel, anonymous, belief_ratings={"b1": rating})


def said(
    fid: str, leader: str, needs: str, rel: str = "direct_report", anonymous: bool = True
) -> Response:
    return Response(fid, leader, rel, anonymous, needs=needs)


def by_group(cells: list[BeliefCell]) -> dict[str | None, BeliefCell]:
    return {c.relationship: c for c in cells}


# ---------------------------------------------------------------- belief cells


def test_belief_cells_hand_computed() -> None:
    # b1: direct reports 5, 4, 4, 3 (n 4, sum 16); peers 2, 3, 3 (n 3, sum 8); one supplier 5.
    # The supplier group (1 < 3) is hidden; overall − dr − peer would be the supplier alone,
    # so the smaller shown group, peer, is hidden too; overall n 8, sum 29.
    responses = [
        rated("f1", "direct_report", 5),
        rated("f2", "direct_report", 4),
        rated("f3", "direct_report", 4),
        rated("f4", "direct_report", 3),
        rated("f5", "peer", 2),
        rated("f6", "peer", 3),
        rated("f7", "peer", 3),
        rated("f8", "supplier", 5),
    ]
    cells = by_group(belief_cells(responses, min_group_size=3, manager_group_minimum=3))
    assert (cells[ALL].n, cells[ALL].total, cells[ALL].shown) == (8, 29, True)
    assert (cells["direct_report"].n, cells["direct_report"].total) == (4, 16)
    assert cells["direct_report"].shown
    assert not cells["peer"].shown
    assert not cells["supplier"].shown


def test_a_belief_rated_by_too_few_shows_nothing() -> None:
    responses = [rated("f1", "peer", 5), rated("f2", "peer", 1)]
    cells = belief_cells(responses, min_group_size=3, manager_group_minimum=3)
    assert not any(c.shown for c in cells)


def test_mixing_attributed_answers_needs_enough_anonymous_ones() -> None:
    # 3 attributed + 2 anonymous: an admin reads the 3 and subtracts them → hidden.
    responses = [rated(f"a{i}", "peer", 4, anonymous=False) for i in range(3)]
    responses += [rated(f"n{i}", "peer", 2) for i in range(2)]
    cells = by_group(belief_cells(responses, 3, 3))
    assert not cells[ALL].shown
    # with a third anonymous answer it shows
    cells = by_group(belief_cells([*responses, rated("n2", "peer", 3)], 3, 3))
    assert cells[ALL].shown


def test_an_attributed_group_cannot_be_subtracted_to_expose_anonymous_answers() -> None:
    # dr: 4 anonymous; peer: 3 attributed + 2 anonymous (withheld). Showing overall and dr
    # lets an admin compute the 2 anonymous peers' sum; so dr is hidden too.
    responses = [rated(f"d{i}", "direct_report", 4) for i in range(4)]
    responses += [rated(f"a{i}", "peer", 4, anonymous=False) for i in range(3)]
    responses += [rated(f"n{i}", "peer", 1) for i in range(2)]
    cells = by_group(belief_cells(responses, 3, 3))
    assert cells[ALL].shown
    assert not cells["direct_report"].shown
    assert not cells["peer"].shown


# ---------------------------------------------------------------- theme cells


def test_partition_visible_hides_enough_to_protect_the_hidden_sum() -> None:
    # A 6, B 5, C 2: C is under 5; total − A − B = C → hide B as well (then hidden = 7).
    assert partition_visible({"A": (6, 6), "B": (5, 5), "C": (2, 2)}, 5) == {"A"}
    assert partition_visible({"A": (6, 6), "B": (5, 5)}, 5) == {"A", "B"}
    assert partition_visible({"A": (6, 6), "B": (5, 5), "C": (5, 5)}, 5) == {"A", "B", "C"}
    # mixing: 5 respondents of whom 2 anonymous is withheld
    assert partition_visible({"A": (6, 6), "B": (5, 2)}, 5) == frozenset()


def test_theme_counts_below_the_comment_threshold_are_absent() -> None:
    # leader L1: 6 direct reports want clearer priorities; L2: 4 do (below 5).
    # org = 10; org − L1 = L2's 4 → L1 is hidden too; the organization's 10 shows.
    responses = [said(f"a{i}", "L1", f"Clearer priorities for team {i}") for i in range(6)]
    responses += [said(f"b{i}", "L2", f"Clear priorities in area {i}") for i in range(4)]
    cells = [c for c in theme_cells(responses, 5) if c.theme == "clarity"]
    shown = {c.leader_id: c for c in cells if c.shown}
    assert set(shown) == {None}
    assert shown[None].count == 10
    assert shown[None].examples  # 10 respondents share it: short phrases
    for c in cells:
        if not c.shown:
            assert c.examples == ()
    # a third leader with 5 makes the hidden sum 4 ≥ … no: 4 < 5 still → hide the smallest
    more = [said(f"c{i}", "L3", f"Clarity about goals {i}") for i in range(5)]
    cells = [c for c in theme_cells(responses + more, 5) if c.theme == "clarity"]
    assert {c.leader_id for c in cells if c.shown} == {None, "L1"}


def test_example_phrases_are_short_and_never_a_whole_answer() -> None:
    responses = [said(f"a{i}", "L1", "Clear priorities") for i in range(5)]
    responses += [said("a9", "L1", "Clear priorities and less overtime please")]
    (cell,) = [c for c in theme_cells(responses, 5) if c.theme == "clarity" and c.leader_id]
    assert cell.shown and cell.count == 6
    assert "clear priorities" not in cell.examples  # it is five people's whole answer
    assert all(len(e.split()) <= 2 for e in cell.examples)


# ---------------------------------------------------------------- the audit

TEXTS = (
    "Clearer priorities",
    "More feedback and clear goals",
    "Less overtime, clearer priorities",
    "Tydligare mål och mer återkoppling",
    "Growth 🚀",
    "",
)

RESPONSES = st.lists(
    st.tuples(
        st.sampled_from(["L1", "L2", "L3"]),
        st.sampled_from(["direct_report", "direct_report", "direct_report", *RELATIONSHIPS]),
        st.sampled_from([True, True, True, False]),  # mostly anonymous
        st.integers(1, 5),
        st.sampled_from(TEXTS),
    ),
    min_size=0,
    max_size=30,
)


def to_responses(raw: list[tuple[str, str, bool, int, str]]) -> list[Response]:
    return [
        Response(f"f{i}", leader, rel, anon, belief_ratings={"b1": r}, needs=text or None)
        for i, (leader, rel, anon, r, text) in enumerate(raw)
    ]


@settings(max_examples=120, deadline=None)
@given(RESPONSES, st.sampled_from([1, 3]))
def test_no_shown_belief_figure_isolates_fewer_than_the_minimum(
    raw: list[tuple[str, str, bool, int, str]], manager_minimum: int
) -> None:
    responses = to_responses(raw)
    # A lone manager's answer shows as its own group when manager_group_minimum is 1: the
    # manager is known anyway (DOMAIN.md), so their answer is not secret.
    lone_manager_known = manager_minimum < 3
    secret = {
        (r.feedback_id, "b1")
        for r in responses
        if r.anonymous and not (lone_manager_known and r.relationship == "manager")
    }
    rows = []
    for leader in ("L1", "L2", "L3"):
        own = [r for r in responses if r.leader_id == leader]
        rows += [c.contributions for c in belief_cells(own, 3, manager_minimum) if c.shown]
    assert smallest_revealed(rows, secret, 3) is None


@settings(max_examples=120, deadline=None)
@given(RESPONSES, st.sampled_from([3, 4]))
def test_no_shown_theme_count_isolates_fewer_than_the_comment_minimum(
    raw: list[tuple[str, str, bool, int, str]], k: int
) -> None:
    responses = to_responses(raw)
    cells: list[ThemeCell] = theme_cells(responses, k)
    anonymous = _anon(responses)
    secret = {c for cell in cells for c in cell.contributions if c[0] in anonymous}
    rows = [c.contributions for c in cells if c.shown]
    assert smallest_revealed(rows, secret, k) is None
    for c in cells:
        assert (c.count >= k) or not c.shown
        assert c.shown or c.examples == ()


def _anon(responses: list[Response]) -> set[str]:
    return {r.feedback_id for r in responses if r.anonymous}
