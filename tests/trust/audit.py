"""The linear-algebra audit's rank test (DOMAIN.md privacy rules), with sympy: independent
of the service's own `trust.linear`. Pure; no I/O.

Every figure served is a function of its cell's set of contributions, so the figures are the
rows of a 0/1 matrix A (rows: distinct served sets, columns: contributions). Contributions a
reader may know one by one (attributed answers) are dropped: A_anon. The row space of A_anon
must contain no non-zero vector with fewer than k non-zero entries. With N an exact basis of
the nullspace of A_anon (columns × d), a vector x supported on the set S of columns lies in
the row space iff Nᵀx = 0, i.e. iff the rows N[S, :] are linearly dependent; so every set of
1..k−1 rows of N must be independent.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from itertools import combinations

import sympy


def anonymous_matrix(
    rows: Sequence[Collection[Hashable]], anonymous: Collection[Hashable]
) -> tuple[sympy.Matrix, list[Hashable]]:
    """A_anon over the anonymous columns that occur in some row (a column in no row is 0 in
    every vector of the row space, so it cannot carry a leak)."""
    columns = sorted({c for row in rows for c in row if c in set(anonymous)}, key=str)
    matrix = sympy.Matrix(len(rows), len(columns), lambda i, j: int(columns[j] in rows[i]))
    return matrix, columns


def small_support_in_row_space(matrix: sympy.Matrix, k: int) -> tuple[int, ...] | None:
    """Column indices S, 1 ≤ |S| < k, such that a non-zero vector supported on S lies in
    the row space of `matrix`; None when there is none."""
    width = matrix.cols
    if width == 0 or matrix.rows == 0:
        return None
    basis = matrix.nullspace()
    if not basis:  # full column rank: every unit vector is in the row space
        return (0,) if k > 1 else None
    n = sympy.Matrix.hstack(*basis)  # width × d
    rows = [n.row(i) for i in range(width)]
    for i, row in enumerate(rows):  # |S| = 1: a zero row of N
        if k > 1 and all(v == 0 for v in row):
            return (i,)
    if k > 2:  # |S| = 2: two proportional rows of N
        seen: dict[tuple[sympy.Rational, ...], int] = {}
        for i, row in enumerate(rows):
            lead = next(v for v in row if v != 0)
            key = tuple(sympy.Rational(v) / lead for v in row)
            if key in seen:
                return (seen[key], i)
            seen[key] = i
    for size in range(3, k):
        for subset in combinations(range(width), size):
            if sympy.Matrix.vstack(*(rows[i] for i in subset)).rank() < size:
                return subset
    return None


def leak(
    rows: Sequence[Collection[Hashable]], anonymous: Collection[Hashable], k: int
) -> list[Hashable] | None:
    """The anonymous contributions of a small vector in the span of the rows, if any."""
    matrix, columns = anonymous_matrix(rows, anonymous)
    found = small_support_in_row_space(matrix, k)
    return None if found is None else [columns[i] for i in found]


def known_one_by_one(
    counted: Iterable[tuple[Hashable, Hashable, str, bool]], lone_manager_rule: bool
) -> set[Hashable]:
    """The counted answers a reader may know one by one, as this audit reads the rules:
    attributed answers, and — when `manager_group_minimum` is below `min_group_size` — a
    leader's manager answer only when it is that leader's one manager answer of the period
    (two or more managers stay anonymous). `counted`: (answer, leader, relationship,
    attributed) for the period's counted answers."""
    rows = list(counted)
    managers: dict[Hashable, list[Hashable]] = {}
    for answer, leader, relationship, _ in rows:
        if relationship == "manager":
            managers.setdefault(leader, []).append(answer)
    lone = {ids[0] for ids in managers.values() if len(ids) == 1} if lone_manager_rule else set()
    return {answer for answer, _, _, attributed in rows if attributed or answer in lone}
