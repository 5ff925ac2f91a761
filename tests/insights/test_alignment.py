"""Alignment classes with hand-computed figures, the threshold's edge, and the ordering."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.insights.alignment import (
    AlignmentClass,
    BeliefInput,
    OthersRating,
    align,
    classify,
)


def test_blind_spot() -> None:
    # self 5; others 3, 3, 2 → mean 8/3 ≈ 2.67; gap 5 − 8/3 = 7/3 ≈ 2.33 ≥ 1 → blind spot
    gap, cls = classify(5, OthersRating(n=3, total=8), 1.0)
    assert gap == Fraction(7, 3)
    assert cls is AlignmentClass.blind_spot


def test_hidden_strength() -> None:
    # self 2; others 4, 4, 3, 5 → mean 16/4 = 4; gap 2 − 4 = −2; others higher by 2 ≥ 1.5
    gap, cls = classify(2, OthersRating(n=4, total=16), 1.5)
    assert gap == -2
    assert cls is AlignmentClass.hidden_strength


def test_aligned() -> None:
    # self 4; others 4, 3, 4 → 11/3 ≈ 3.67; gap 1/3 < 1 either way → aligned
    gap, cls = classify(4, OthersRating(n=3, total=11), 1.0)
    assert gap == Fraction(1, 3)
    assert cls is AlignmentClass.aligned


def test_insufficient_data() -> None:
    # no others' rating shown (suppressed below the minimum), or no self-rating yet
    assert classify(4, None, 1.0) == (None, AlignmentClass.insufficient_data)
    assert classify(None, OthersRating(n=5, total=20), 1.0) == (
        None,
        AlignmentClass.insufficient_data,
    )


def test_a_gap_equal_to_the_threshold_counts() -> None:
    # self 4, others 3, 3, 3, 3 → gap exactly 1; with threshold 1.0 a blind spot
    assert classify(4, OthersRating(n=4, total=12), 1.0)[1] is AlignmentClass.blind_spot
    # self 3, others 4, 4, 4, 5 → 17/4; gap −1.25 with threshold 1.25 → hidden strength
    assert classify(3, OthersRating(n=4, total=17), 1.25)[1] is AlignmentClass.hidden_strength
    # just under: gap 1.25 with threshold 1.5 → aligned
    assert classify(3, OthersRating(n=4, total=7), 1.5)[1] is AlignmentClass.aligned


def test_ordered_by_size_of_gap_and_insufficient_data_last() -> None:
    rows = align(
        [
            BeliefInput("blf_a", 4, OthersRating(3, 11)),  # gap 1/3
            BeliefInput("blf_b", 4, None),  # insufficient
            BeliefInput("blf_c", 2, OthersRating(4, 16)),  # gap −2
            BeliefInput("blf_d", 5, OthersRating(3, 8)),  # gap 7/3
            BeliefInput("blf_e", 3, OthersRating(3, 10)),  # gap −1/3 (tie with a: a first)
        ],
        gap_threshold=1.0,
    )
    assert [r.belief_id for r in rows] == ["blf_d", "blf_c", "blf_a", "blf_e", "blf_b"]
    assert [r.classification for r in rows] == [
        AlignmentClass.blind_spot,
        AlignmentClass.hidden_strength,
        AlignmentClass.aligned,
        AlignmentClass.aligned,
        AlignmentClass.insufficient_data,
    ]


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        OthersRating(n=0, total=0)
    with pytest.raises(ValueError):
        OthersRating(n=2, total=11)  # more than 5 each
    with pytest.raises(ValueError):
        classify(6, OthersRating(3, 9), 1.0)
    with pytest.raises(ValueError):
        classify(3, OthersRating(3, 9), 0)


@given(
    st.integers(1, 5),
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.just(n), st.integers(n, 5 * n))),
    st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 4.0]),
)
def test_the_class_follows_the_sign_and_size_of_the_gap(
    self_rating: int, others: tuple[int, int], threshold: float
) -> None:
    n, total = others
    gap, cls = classify(self_rating, OthersRating(n, total), threshold)
    assert gap == self_rating - Fraction(total, n)
    assert (cls is AlignmentClass.blind_spot) == (gap >= Fraction(threshold))
    assert (cls is AlignmentClass.hidden_strength) == (-gap >= Fraction(threshold))
    assert (cls is AlignmentClass.aligned) == (abs(gap) < Fraction(threshold))
