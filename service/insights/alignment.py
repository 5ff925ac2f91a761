"""Self-view against how others see each belief lived: pure classification, no I/O.

For each active belief of a leader: the self-rating (the belief's entry in the leader's latest
submitted reflection, 1–5), the others' rating (the mean of the feedback `belief_ratings` in
the reporting period, with its n, or nothing when the period table suppresses the cell), the
gap `self − others`, and a class:

- `blind_spot`: self − others ≥ `gap_threshold` (the leader rates themself higher);
- `hidden_strength`: others − self ≥ `gap_threshold`;
- `aligned`: both known and the gap smaller than the threshold either way;
- `insufficient_data`: no self-rating, or no others' rating shown.

Beliefs are ordered by |gap|, largest first; ties and beliefs without a gap keep the order
they were given in (the leader's belief order), `insufficient_data` last. Comparisons are
exact (fractions), so a gap equal to the threshold is classified the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

LIKERT_MIN = 1
LIKERT_MAX = 5


class AlignmentClass(StrEnum):
    """`blind_spot`, `hidden_strength`, `aligned` or `insufficient_data`."""

    blind_spot = "blind_spot"
    hidden_strength = "hidden_strength"
    aligned = "aligned"
    insufficient_data = "insufficient_data"


@dataclass(frozen=True)
class OthersRating:
    """A shown others'-rating cell: n respondents and the sum of their ratings."""

    n: int
    total: int

    def __post_init__(self) -> None:
        if self.n < 1 or not LIKERT_MIN * self.n <= self.total <= LIKERT_MAX * self.n:
            raise ValueError("an others' rating needs n >= 1 and ratings of 1..5")

    @property
    def mean(self) -> Fraction:
        return Fraction(self.total, self.n)


@dataclass(frozen=True)
class BeliefInput:
    belief_id: str
    self_rating: int | None
    others: OthersRating | None


@dataclass(frozen=True)
class BeliefAlignment:
    belief_id: str
    self_rating: int | None
    others: OthersRating | None
    gap: Fraction | None
    classification: AlignmentClass


def classify(
    self_rating: int | None, others: OthersRating | None, gap_threshold: float
) -> tuple[Fraction | None, AlignmentClass]:
    """The gap (self − others) and the class of one belief."""
    if self_rating is not None and not LIKERT_MIN <= self_rating <= LIKERT_MAX:
        raise ValueError("a self-rating is 1..5")
    if gap_threshold <= 0:
        raise ValueError("gap_threshold must be positive")
    if self_rating is None or others is None:
        return None, AlignmentClass.insufficient_data
    gap = self_rating - others.mean
    threshold = Fraction(gap_threshold)
    if gap >= threshold:
        return gap, AlignmentClass.blind_spot
    if -gap >= threshold:
        return gap, AlignmentClass.hidden_strength
    return gap, AlignmentClass.aligned


def align(beliefs: Iterable[BeliefInput], gap_threshold: float) -> list[BeliefAlignment]:
    """Every belief classified, ordered by |gap| (largest first), `insufficient_data` last."""
    rows = []
    for belief in beliefs:
        gap, cls = classify(belief.self_rating, belief.others, gap_threshold)
        rows.append(BeliefAlignment(belief.belief_id, belief.self_rating, belief.others, gap, cls))
    order = {id(row): i for i, row in enumerate(rows)}
    return sorted(
        rows,
        key=lambda r: (r.gap is None, -abs(r.gap) if r.gap is not None else 0, order[id(r)]),
    )
