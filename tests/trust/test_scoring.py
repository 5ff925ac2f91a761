"""The follower-trust score: hand-computed examples and Hypothesis properties."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.trust.scoring import (
    ITEMS,
    Answers,
    Params,
    Score,
    Stats,
    compute,
    is_favorable,
    is_follower,
    prior_mean,
    respondent_units,
    stage,
    units_to_score,
)

PROPS = settings(max_examples=200, deadline=None)


def answers(
    trust: int | None = None,
    greater_good: int | None = None,
    want_to_follow: int | None = None,
    leaned_on: int | None = None,
) -> dict[str, int | None]:
    return {
        "trust": trust,
        "greater_good": greater_good,
        "want_to_follow": want_to_follow,
        "leaned_on": leaned_on,
    }


def stats_of(respondents: Sequence[Answers]) -> Stats:
    return Stats.total(Stats.of(a) for a in respondents)


def t_of(a: Answers) -> float:
    """t computed the plain way, independent of the unit trick."""
    values = [v for v in a.values() if v is not None]
    return 25 * (sum(values) / len(values) - 1)


# ---------------------------------------------------------------- one respondent


@pytest.mark.parametrize(
    ("given_answers", "units", "t"),
    [
        (answers(1, 1, 1, 1), 0, 0.0),
        (answers(5, 5, 5, 5), 48, 100.0),
        (answers(3, None, None, None), 24, 50.0),  # 12·3/1 − 12 = 24; 24·25/12 = 50
        (answers(5, 4, 5, 4), 42, 87.5),  # 12·18/4 − 12 = 42; mean 4.5 → 25·3.5 = 87.5
        (answers(4, 4, 4, 5), 39, 81.25),  # 12·17/4 − 12 = 39; mean 4.25 → 81.25
        (answers(2, None, 3, 3), 20, 41.67),  # 12·8/3 − 12 = 20; mean 8/3 → 41.666…
        (answers(None, 2, None, 5), 30, 62.5),  # 12·7/2 − 12 = 30; mean 3.5 → 62.5
        (answers(1, 2, None, None), 6, 12.5),  # 12·3/2 − 12 = 6; mean 1.5 → 12.5
    ],
)
def test_respondent_units_by_hand(given_answers: Answers, units: int, t: float) -> None:
    assert respondent_units(given_answers) == units
    assert units_to_score(units) == pytest.approx(t, abs=0.01)


def test_items_may_be_omitted_from_the_mapping() -> None:
    assert respondent_units({"trust": 4}) == 36
    assert respondent_units({"trust": 4, "leaned_on": None}) == 36


@pytest.mark.parametrize(
    "bad",
    [
        answers(),
        {},
        answers(0, 3, 3, 3),
        answers(6, 3, 3, 3),
        answers(3, -1, None, None),
        {"trust": True},
        {"trust": 3.0},
        {"trust": "3"},
        {"trust": 3, "charisma": 5},
    ],
)
def test_respondent_units_rejects_bad_answers(bad: Answers) -> None:
    with pytest.raises(ValueError):
        respondent_units(bad)
    with pytest.raises(ValueError):
        Stats.of(bad)


def test_favorable_is_own_item_mean_at_least_four() -> None:
    assert is_favorable(answers(4, 4, 4, 4))
    assert is_favorable(answers(5, 3, None, None))  # mean 4
    assert not is_favorable(answers(5, 3, 3, 4))  # mean 3.75
    assert is_favorable(answers(None, None, None, 4))


def test_favorable_boundary_is_inclusive() -> None:
    assert is_favorable(answers(3, 5, 4, None))  # (3 + 5 + 4) / 3 = 4
    assert not is_favorable(answers(3, 5, 3, None))  # 11 / 3 < 4


def test_follower_needs_both_follow_items_at_four() -> None:
    assert is_follower(answers(1, 1, 4, 4))
    assert is_follower(answers(None, None, 5, 4))
    assert not is_follower(answers(5, 5, 3, 5))
    assert not is_follower(answers(5, 5, 5, 3))
    assert not is_follower(answers(5, 5, None, 5))  # unanswered counts as not
    assert not is_follower(answers(5, 5, 5, None))


# ---------------------------------------------------------------- Stats


def test_stats_of_one_respondent() -> None:
    s = Stats.of(answers(5, 4, None, 4))  # 12·13/3 − 12 = 40
    assert s == Stats(
        n=1,
        sum_u=40,
        sum_u2=1600,
        favorable=1,  # 13/3 ≥ 4
        followers=0,  # want_to_follow unanswered
        item_n=(1, 1, 0, 1),
        item_sum=(5, 4, 0, 4),
    )


def test_stats_add_sub_total_json() -> None:
    a = Stats.of(answers(5, 4, 5, 4))
    b = Stats.of(answers(3, 3, None, None))
    both = a + b
    assert both == Stats(2, 66, 42**2 + 24**2, 1, 1, (2, 2, 1, 1), (8, 7, 5, 4))
    assert both - b == a
    assert Stats.total([a, b]) == both
    assert Stats.total([]) == Stats()
    data = both.to_json()
    assert data["item_n"] == [2, 2, 1, 1]
    assert isinstance(data["item_sum"], list)
    assert Stats.from_json(json.loads(json.dumps(data))) == both


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {**Stats().to_json(), "extra": 1},
        {**Stats().to_json(), "n": "1"},
        {**Stats().to_json(), "n": 1.0},
        {**Stats().to_json(), "n": True},
        {**Stats().to_json(), "item_n": [0, 0, 0]},
        {**Stats().to_json(), "item_sum": "0000"},
        {**Stats().to_json(), "item_sum": [0, 0, 0, None]},
    ],
)
def test_stats_from_json_rejects_malformed(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Stats.from_json(bad)


def test_add_with_other_types_is_not_supported() -> None:
    with pytest.raises(TypeError):
        Stats() + 1  # type: ignore[operator]


# ---------------------------------------------------------------- compute: by hand

THREE = [
    answers(5, 4, 5, 4),  # u 42, t 87.5, favorable, follower
    answers(3, 3, None, None),  # u 24, t 50, neither
    answers(4, 4, 4, 5),  # u 39, t 81.25, favorable, follower
]


def test_three_respondents_by_hand() -> None:
    # n = 3; sum_u = 42 + 24 + 39 = 105; sum_u2 = 1764 + 576 + 1521 = 3861
    # raw = (87.5 + 50 + 81.25) / 3 = 218.75 / 3 = 72.9167
    # m = 50, C = 3: score = (3·50 + 218.75) / 6 = 368.75 / 6 = 61.4583
    # s² of u = (3·3861 − 105²) / (3·2) = 558 / 6 = 93; s² of t = 93 · (25/12)² = 403.6458
    #   (check on t: deviations 14.583, −22.917, 8.333 → squares 212.67 + 525.17 + 69.44
    #    = 807.29, / 2 = 403.65)
    # half = 1.645 · sqrt(403.6458 / 6) = 1.645 · 8.2021 = 13.4924
    # interval = [61.4583 − 13.4924, 61.4583 + 13.4924] = [47.97, 74.95]
    s = stats_of(THREE)
    assert (s.n, s.sum_u, s.sum_u2) == (3, 105, 3861)
    score = compute(s, 50.0, Params())
    assert score.n == 3
    assert score.raw == pytest.approx(72.9167, abs=0.01)
    assert score.score == pytest.approx(61.4583, abs=0.01)
    assert score.lower == pytest.approx(47.97, abs=0.01)
    assert score.upper == pytest.approx(74.95, abs=0.01)
    assert score.favorability == pytest.approx(2 / 3)  # 4.5 and 4.25 are ≥ 4; 3 is not
    assert score.followers == 2
    assert score.prior_mean == 50.0
    # trust (5+3+4)/3 = 4; greater_good (4+3+4)/3 = 3.667; want_to_follow (5+4)/2 = 4.5;
    # leaned_on (4+5)/2 = 4.5
    assert score.item_means == pytest.approx(
        {"trust": 4.0, "greater_good": 11 / 3, "want_to_follow": 4.5, "leaned_on": 4.5}
    )
    assert score.item_n == {"trust": 3, "greater_good": 3, "want_to_follow": 2, "leaned_on": 2}
    # n = 3 ≥ 3; lower 47.97 < 65 → not leader; score 61.46 ≥ 60 with 2 followers
    assert stage(score, Params()) == "emerging_leader"
    # the organization mean over these three alone is their raw mean
    assert prior_mean(s) == pytest.approx(72.9167, abs=0.01)


def test_nobody_scores_the_prior_with_the_fallback_variance() -> None:
    # n = 0: score = m = 50; s² = 400; half = 1.645 · sqrt(400 / 3) = 1.645 · 11.547 = 18.995
    score = compute(Stats(), 50.0, Params())
    assert score.raw is None
    assert score.favorability is None
    assert score.score == 50.0
    assert score.lower == pytest.approx(31.01, abs=0.01)
    assert score.upper == pytest.approx(68.99, abs=0.01)
    assert score.item_means == dict.fromkeys(ITEMS)
    assert score.item_n == dict.fromkeys(ITEMS, 0)
    assert stage(score, Params()) == "insufficient_data"
    assert prior_mean(Stats()) == 50.0


def test_one_enthusiast_is_pulled_toward_the_prior() -> None:
    # one respondent, all 5 → t = 100; m = 50, C = 3: score = (150 + 100) / 4 = 62.5
    # n < 2 → s² = 400; half = 1.645 · sqrt(400 / 4) = 16.45 → [46.05, 78.95]
    score = compute(Stats.of(answers(5, 5, 5, 5)), 50.0, Params())
    assert score.raw == 100.0
    assert score.score == pytest.approx(62.5, abs=0.01)
    assert score.lower == pytest.approx(46.05, abs=0.01)
    assert score.upper == pytest.approx(78.95, abs=0.01)
    assert stage(score, Params()) == "insufficient_data"


def test_interval_is_clipped_at_100() -> None:
    # C = 0.5, one t = 100, m = 50: score = (25 + 100) / 1.5 = 83.33
    # half = 1.645 · sqrt(400 / 1.5) = 26.86 → [56.47, 110.20] → upper clipped to 100
    score = compute(Stats.of(answers(5, 5, 5, 5)), 50.0, Params(prior_weight=0.5))
    assert score.score == pytest.approx(83.33, abs=0.01)
    assert score.lower == pytest.approx(56.47, abs=0.01)
    assert score.upper == 100.0


def test_interval_is_clipped_at_0() -> None:
    # C = 3, m = 0, one t = 0: score 0; half = 16.45 → [−16.45, 16.45] → [0, 16.45]
    score = compute(Stats.of(answers(1, 1, 1, 1)), 0.0, Params())
    assert score.score == 0.0
    assert score.lower == 0.0
    assert score.upper == pytest.approx(16.45, abs=0.01)


def test_no_prior_weight_and_nobody() -> None:
    # n + C == 0: score = prior, interval [0, 100]
    score = compute(Stats(), 42.0, Params(prior_weight=0))
    assert (score.score, score.lower, score.upper) == (42.0, 0.0, 100.0)


def test_no_prior_weight_is_the_raw_mean() -> None:
    # C = 0, t = 100 and 50: score = raw = 75; s² = (25² + 25²) / 1 = 1250
    # half = 1.645 · sqrt(1250 / 2) = 1.645 · 25 = 41.125 → [33.875, 116.125] → [33.88, 100]
    s = stats_of([answers(5, 5, 5, 5), answers(3, 3, 3, 3)])
    score = compute(s, 10.0, Params(prior_weight=0))
    assert score.score == 75.0
    assert score.lower == pytest.approx(33.875, abs=0.01)
    assert score.upper == 100.0


def test_unanimous_group_has_a_zero_width_interval_and_leads() -> None:
    # four respondents all answering 4 → t = 75 each, s² = 0; m = 70, C = 3:
    # score = (3·70 + 4·75) / 7 = 510 / 7 = 72.857; interval [72.857, 72.857]
    # stage: lower 72.86 ≥ 65, followers 4 ≥ 3, 4/4 ≥ 0.5 → leader
    s = stats_of([answers(4, 4, 4, 4)] * 4)
    score = compute(s, 70.0, Params())
    assert score.score == pytest.approx(72.857, abs=0.01)
    assert score.lower == pytest.approx(score.score)
    assert score.upper == pytest.approx(score.score)
    assert score.favorability == 1.0
    assert stage(score, Params()) == "leader"


def test_variance_matches_statistics_module() -> None:
    group = [answers(1, 2, 3, 4), answers(5, None, 5, None), answers(2, 2, 2, 2), answers(4)]
    ts = [t_of(a) for a in group]
    score = compute(stats_of(group), 50.0, Params(prior_weight=1))
    half = 1.645 * math.sqrt(statistics.variance(ts) / (len(ts) + 1))
    assert score.upper - score.score == pytest.approx(half)


@pytest.mark.parametrize("prior", [-0.1, 100.1, math.nan, math.inf])
def test_prior_out_of_range_is_rejected(prior: float) -> None:
    with pytest.raises(ValueError):
        compute(Stats(), prior, Params())


@pytest.mark.parametrize(
    "bad",
    [
        Stats(n=-1),
        Stats(n=0, sum_u=3),
        Stats(n=1, sum_u=49, sum_u2=49**2),
        Stats(n=2, sum_u=10, sum_u2=10),  # Σu² < (Σu)²/n is impossible
        Stats(n=1, sum_u=10, sum_u2=100, followers=2),
        Stats(n=1, sum_u=10, sum_u2=100, item_n=(2, 0, 0, 0), item_sum=(2, 0, 0, 0)),
        Stats(n=1, sum_u=10, sum_u2=100, item_n=(1, 0, 0, 0), item_sum=(6, 0, 0, 0)),
    ],
)
def test_inconsistent_stats_are_rejected(bad: Stats) -> None:
    with pytest.raises(ValueError):
        compute(bad, 50.0, Params())


def test_params_are_checked() -> None:
    with pytest.raises(ValueError):
        Params(prior_weight=-1)
    with pytest.raises(ValueError):
        Params(prior_weight=math.nan)
    with pytest.raises(ValueError):
        Params(min_group_size=0)


# ---------------------------------------------------------------- stage rules


def score_with(n: int, score: float, lower: float, followers: int) -> Score:
    return Score(
        n=n,
        raw=score if n else None,
        score=score,
        lower=lower,
        upper=100.0,
        favorability=0.5 if n else None,
        followers=followers,
        prior_mean=50.0,
        item_means=dict.fromkeys(ITEMS),
        item_n=dict.fromkeys(ITEMS, 0),
    )


@pytest.mark.parametrize(
    ("n", "score", "lower", "followers", "expected"),
    [
        (2, 99.0, 99.0, 2, "insufficient_data"),  # n < 3 beats everything
        (3, 70.0, 65.0, 3, "leader"),  # every bound met with equality-or-better
        (6, 70.0, 65.0, 3, "leader"),  # 3/6 = 0.5 ≥ 0.5
        (7, 70.0, 65.0, 3, "emerging_leader"),  # 3/7 < 0.5
        (4, 70.0, 64.99, 4, "emerging_leader"),  # lower below 65
        (4, 70.0, 66.0, 2, "emerging_leader"),  # 2 followers < min group size 3
        (4, 60.0, 50.0, 1, "emerging_leader"),  # score exactly 60, one follower
        (4, 59.99, 50.0, 4, "manager"),
        (4, 90.0, 80.0, 0, "manager"),  # no followers, however high
        (3, 40.0, 20.0, 0, "manager"),
    ],
)
def test_stage_rules(n: int, score: float, lower: float, followers: int, expected: str) -> None:
    assert stage(score_with(n, score, lower, followers), Params()) == expected


def test_stage_follows_params() -> None:
    s = score_with(5, 55.0, 45.0, 3)
    assert stage(s, Params()) == "manager"
    assert stage(s, Params(emerging_leader_score=50)) == "emerging_leader"
    assert stage(s, Params(leader_lower_bound=40, leader_follower_share=0.6)) == "leader"
    assert stage(s, Params(leader_lower_bound=40, leader_follower_share=0.61)) == "manager"
    assert stage(s, Params(min_group_size=6)) == "insufficient_data"


# ---------------------------------------------------------------- properties

likert = st.integers(1, 5)
one_answers = st.fixed_dictionaries({item: st.none() | likert for item in ITEMS}).filter(
    lambda a: any(v is not None for v in a.values())
)
groups = st.lists(one_answers, max_size=25)
priors = st.floats(0, 100, allow_nan=False)
weights = st.floats(0, 50, allow_nan=False)


@PROPS
@given(group=groups, prior=priors, weight=weights)
def test_everything_lies_in_range(group: list[Answers], prior: float, weight: float) -> None:
    score = compute(stats_of(group), prior, Params(prior_weight=weight))
    assert 0 <= score.lower <= score.score <= score.upper <= 100
    if score.raw is not None:
        assert 0 <= score.raw <= 100
        assert score.favorability is not None
        assert 0 <= score.favorability <= 1
    assert 0 <= score.followers <= score.n == len(group)
    for item in ITEMS:
        mean = score.item_means[item]
        assert (mean is None) == (score.item_n[item] == 0)
        assert mean is None or 1 <= mean <= 5


@PROPS
@given(group=groups, prior=priors, weight=weights)
def test_matches_a_plain_float_reference(group: list[Answers], prior: float, weight: float) -> None:
    score = compute(stats_of(group), prior, Params(prior_weight=weight))
    ts = [t_of(a) for a in group]
    n = len(ts)
    if n + weight == 0:
        assert (score.score, score.lower, score.upper) == (prior, 0.0, 100.0)
        return
    raw = sum(ts) / n if n else None
    # (with n == 0 the plain formula C·m / C can be off for a subnormal C; the score is m)
    expected = (weight * prior + sum(ts)) / (weight + n) if n else prior
    assert score.score == pytest.approx(expected, abs=1e-9)
    assert score.raw == (pytest.approx(raw, abs=1e-9) if raw is not None else None)
    s2 = statistics.variance(ts) if n >= 2 else 400.0
    half = 1.645 * math.sqrt(max(s2, 0.0) / (n + weight))
    assert score.lower == pytest.approx(max(0.0, expected - half), abs=1e-6)
    assert score.upper == pytest.approx(min(100.0, expected + half), abs=1e-6)
    assert score.favorability == (
        pytest.approx(sum(is_favorable(a) for a in group) / n) if n else None
    )


@PROPS
@given(
    group=st.lists(one_answers, min_size=1, max_size=20),
    data=st.data(),
    prior=priors,
    weight=weights,
)
def test_raising_an_answer_never_lowers_the_score(
    group: list[Answers], data: st.DataObject, prior: float, weight: float
) -> None:
    who = data.draw(st.integers(0, len(group) - 1))
    before = group[who]
    raisable = [item for item in ITEMS if (v := before[item]) is not None and v < 5]
    if not raisable:
        return
    item = data.draw(st.sampled_from(raisable))
    old = before[item]
    assert old is not None
    new = data.draw(st.integers(old + 1, 5))
    after = [*group[:who], {**before, item: new}, *group[who + 1 :]]
    params = Params(prior_weight=weight)
    assert (
        compute(stats_of(after), prior, params).score
        >= compute(stats_of(group), prior, params).score
    )
    # the respondent's own t rises strictly
    assert respondent_units(after[who]) > respondent_units(before)


@PROPS
@given(group=st.lists(one_answers, min_size=1, max_size=20), prior=priors, weight=weights)
def test_score_is_shrunk_between_raw_and_prior(
    group: list[Answers], prior: float, weight: float
) -> None:
    score = compute(stats_of(group), prior, Params(prior_weight=weight))
    assert score.raw is not None
    assert min(score.raw, prior) <= score.score <= max(score.raw, prior)
    if weight == 0:
        assert score.score == score.raw


@PROPS
@given(a=groups, b=groups)
def test_stats_are_additive(a: list[Answers], b: list[Answers]) -> None:
    sa, sb = stats_of(a), stats_of(b)
    union = stats_of(a + b)
    assert sa + sb == union
    assert union - sb == sa
    assert sa - sb + sb == sa
    assert Stats.total([sa, sb]) == union
    assert union.n == len(a) + len(b)
    assert union.sum_u == sum(respondent_units(x) for x in a + b)
    assert union.sum_u2 == sum(respondent_units(x) ** 2 for x in a + b)
    assert union.item_n == tuple(sum(1 for x in a + b if x[item] is not None) for item in ITEMS)


@PROPS
@given(group=groups, noise=st.builds(Stats, *(st.integers(-(10**12), 10**12),) * 5))
def test_stats_json_round_trip(group: list[Answers], noise: Stats) -> None:
    for stats in (stats_of(group), noise, stats_of(group) - noise):
        text = json.dumps(stats.to_json())
        assert Stats.from_json(json.loads(text)) == stats


@PROPS
@given(one=one_answers)
def test_units_agree_with_the_formula(one: Answers) -> None:
    u = respondent_units(one)
    assert 0 <= u <= 48
    assert units_to_score(u) == pytest.approx(t_of(one))
    assert is_favorable(one) == (u >= 36)  # mean ≥ 4 ⇔ t ≥ 75 ⇔ u ≥ 36


@PROPS
@given(
    group=groups,
    prior=priors,
    params=st.builds(
        Params,
        prior_weight=weights,
        min_group_size=st.integers(3, 6),
        emerging_leader_score=st.floats(0, 100),
        leader_lower_bound=st.floats(0, 100),
        leader_follower_share=st.floats(0, 1),
    ),
)
def test_stage_matches_its_definition(group: list[Answers], prior: float, params: Params) -> None:
    score = compute(stats_of(group), prior, params)
    result = stage(score, params)
    if score.n < params.min_group_size:
        assert result == "insufficient_data"
        return
    is_leader = (
        score.lower >= params.leader_lower_bound
        and score.followers >= params.min_group_size
        and score.followers / score.n >= params.leader_follower_share
    )
    if is_leader:
        assert result == "leader"
    elif score.score >= params.emerging_leader_score and score.followers >= 1:
        assert result == "emerging_leader"
    else:
        assert result == "manager"
