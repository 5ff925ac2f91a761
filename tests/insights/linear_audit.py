"""The privacy test as linear algebra (DOMAIN.md): every shown figure is a 0/1 row over the
contributions; contributions a reader can know one by one (attributed answers) are projected
out; no vector with fewer than k non-zero entries may lie in the span. Exact (fractions).

A vector in the row space takes one value on each *atom* (the contributions lying in exactly
the same rows), so its support is a union of atoms. A vector supported on the atoms T lies in
the span exactly when dropping T's columns lowers the rank.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from fractions import Fraction
from itertools import combinations


def rank(rows: Sequence[Sequence[int]]) -> int:
    m = [[Fraction(x) for x in row] for row in rows if any(row)]
    r = 0
    width = len(m[0]) if m else 0
    for c in range(width):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c] / m[r][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        r += 1
    return r


def smallest_revealed(
    rows: Sequence[Collection[Hashable]], secret: Collection[Hashable], k: int
) -> int | None:
    """The size of the smallest support (< k) of a vector over the secret contributions in
    the span of the rows, or None when there is none."""
    secret_set = set(secret)
    atoms: dict[tuple[bool, ...], int] = {}
    for col in secret_set:
        sig = tuple(col in row for row in rows)
        if any(sig):
            atoms[sig] = atoms.get(sig, 0) + 1
    names = sorted(atoms)
    matrix = [[int(a[r]) for a in names] for r in range(len(rows))]
    full = rank(matrix)
    light = [j for j, a in enumerate(names) if atoms[a] < k]
    best: int | None = None
    for size in range(1, min(k, len(light) + 1)):
        for subset in combinations(light, size):
            weight = sum(atoms[names[j]] for j in subset)
            if weight >= k or (best is not None and weight >= best):
                continue
            kept = [[row[j] for j in range(len(names)) if j not in subset] for row in matrix]
            if rank(kept) < full:
                best = weight
    return best
