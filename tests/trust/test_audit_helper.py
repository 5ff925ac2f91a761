"""The rank test of the audit catches a leak made by hand, passes safe tables, and agrees
with a brute-force definition on random small matrices (and so does the service's own
`trust.linear`, which protects the tables)."""

from __future__ import annotations

from itertools import combinations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from service.trust.linear import small_vector_in_row_space
from tests.trust.audit import leak, small_support_in_row_space

PROPS = settings(max_examples=150, deadline=None)


def test_cross_time_subtraction_of_the_issue_is_caught() -> None:
    # d1, d2, d3 direct reports, p1, p2, p3 peers. Served: direct_report {d1,d2,d3},
    # overall {d1,d2,d3,p1,p2} (direct report group hidden then), peer {p1,p2,p3}:
    # peer − (overall − direct_report) = p3.
    rows = [{"d1", "d2", "d3"}, {"d1", "d2", "d3", "p1", "p2"}, {"p1", "p2", "p3"}]
    anonymous = {"d1", "d2", "d3", "p1", "p2", "p3"}
    assert leak(rows, anonymous, 3) == ["p3"]


def test_two_person_difference_is_caught_and_a_partition_is_safe() -> None:
    assert leak([{"a", "b", "c"}, {"a", "b", "c", "d", "e"}], {*"abcde"}, 3) == ["d", "e"]
    safe = [{"a", "b", "c"}, {"d", "e", "f"}, {*"abcdef"}]
    assert leak(safe, {*"abcdef"}, 3) is None
    # ... but not with k = 4 (each group has 3).
    assert leak(safe, {*"abcdef"}, 4) is not None


def test_attributed_answers_are_subtracted_by_an_admin() -> None:
    # A group of three where two are attributed: the anonymous one is isolated.
    assert leak([{"x", "y", "z"}], {"z"}, 3) == ["z"]
    # Three anonymous plus one attributed: fine.
    assert leak([{"w", "x", "y", "z"}], {"x", "y", "z"}, 3) is None


def test_k_four_needs_triples() -> None:
    # a+b+c and a: the vector (0,1,1) over {b, c} has support 2 < 4.
    assert leak([{"a", "b", "c"}, {"a"}], {"a", "b", "c"}, 4) is not None
    # Rows with 4 anonymous members and their disjoint union are safe at k = 4.
    rows = [{*"abcd"}, {*"efgh"}, {*"abcdefgh"}]
    assert leak(rows, {*"abcdefgh"}, 4) is None


def brute_force(rows: list[set[int]], width: int, k: int) -> bool:
    """Some S, 1 ≤ |S| < k: dim(rowspace ∩ span(e_S)) = rank(A) + |S| − rank([A; E_S]) > 0."""
    a = sympy.Matrix(len(rows), width, lambda i, j: int(j in rows[i]))
    r = a.rank() if rows else 0
    for size in range(1, k):
        for subset in combinations(range(width), size):
            e = sympy.Matrix(size, width, lambda i, j: int(j == subset[i]))
            stacked = sympy.Matrix.vstack(a, e) if rows else e
            if r + size - stacked.rank() > 0:
                return True
    return False


@PROPS
@given(
    width=st.integers(1, 6),
    data=st.data(),
    k=st.integers(2, 4),
)
def test_agrees_with_brute_force(width: int, data: st.DataObject, k: int) -> None:
    rows = data.draw(
        st.lists(st.sets(st.integers(0, width - 1), min_size=1), min_size=1, max_size=4)
    )
    expected = brute_force(rows, width, k)
    matrix = sympy.Matrix(len(rows), width, lambda i, j: int(j in rows[i]))
    # Columns that occur in no row cannot carry a leak; the helper drops them first.
    used = sorted({c for row in rows for c in row})
    reduced = matrix.extract(list(range(len(rows))), used)
    brute_on_used = brute_force([{used.index(c) for c in row} for row in rows], len(used), k)
    assert expected == brute_on_used
    assert (small_support_in_row_space(reduced, k) is not None) == expected
    assert small_vector_in_row_space(rows, set(range(width)), k) == expected
