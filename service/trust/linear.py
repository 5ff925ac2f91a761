"""Exact linear algebra over the rationals, for the privacy rule of a period's table (DOMAIN.md:
no vector with fewer than `min_group_size` non-zero entries may lie in the span of the
figures shown). Pure; no I/O.

Every figure is a function of its cell's set of contributions, so a table is a 0/1 matrix
(rows: shown cells, columns: contributions). Contributions a reader may know one by one
(attributed answers, readable by admin keys) are dropped first. A vector in the row space is
constant on each *atom* (the contributions that lie in exactly the same cells), so the test
runs on the much smaller atom matrix, each atom weighted by its size: a vector over atoms
`T` lies in the row space exactly when the nullspace basis restricted to `T` has rank below
`|T|`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from fractions import Fraction
from itertools import combinations

Matrix = list[list[Fraction]]


def rref(rows: Sequence[Sequence[Fraction | int]]) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form and its pivot columns."""
    m = [[Fraction(x) for x in row] for row in rows]
    pivots: list[int] = []
    r = 0
    width = len(m[0]) if m else 0
    for c in range(width):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        lead = m[r][c]
        m[r] = [x / lead for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                factor = m[i][c]
                m[i] = [a - factor * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    return m, pivots


def rank(rows: Sequence[Sequence[Fraction | int]]) -> int:
    if not rows or not rows[0]:
        return 0
    return len(rref(rows)[1])


def nullspace(rows: Sequence[Sequence[Fraction | int]], width: int) -> Matrix:
    """A basis of {x : rows · x = 0}, as a width × d matrix (one column per basis vector)."""
    if not rows:
        return [[Fraction(int(i == j)) for j in range(width)] for i in range(width)]
    m, pivots = rref(rows)
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        v = [Fraction(0)] * width
        v[f] = Fraction(1)
        for i, p in enumerate(pivots):
            v[p] = -m[i][f]
        basis.append(v)
    return [[basis[j][i] for j in range(len(basis))] for i in range(width)]


def small_vector_in_row_space(
    rows: Sequence[Collection[Hashable]], secret: Collection[Hashable], k: int
) -> bool:
    """Whether the span of the rows' 0/1 indicator vectors, restricted to the `secret`
    columns, contains a non-zero vector with fewer than `k` non-zero entries."""
    secret_set = set(secret)
    signature: dict[Hashable, tuple[bool, ...]] = {}
    for col in secret_set:
        sig = tuple(col in row for row in rows)
        if any(sig):
            signature[col] = sig
    atoms: dict[tuple[bool, ...], int] = {}
    for sig in signature.values():
        atoms[sig] = atoms.get(sig, 0) + 1
    names = sorted(atoms)
    weights = [atoms[a] for a in names]
    matrix = [[Fraction(int(a[r])) for a in names] for r in range(len(rows))]
    basis = nullspace(matrix, len(names))
    light = [j for j, w in enumerate(weights) if w < k]
    for size in range(1, k):
        for subset in combinations(light, size):
            if sum(weights[j] for j in subset) >= k:
                continue
            restricted = [basis[j] for j in subset]
            if rank(restricted) < size:
                return True
    return False
