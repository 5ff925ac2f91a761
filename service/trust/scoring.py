"""The follower-trust score: pure arithmetic, no I/O (DOMAIN.md, "How the follower-trust score
is computed").

A respondent's answers to the four trust items become one number `t` on 0–100. To keep sums
exact, `t` is stored in *units* `u = t · 12 / 25`, an integer in 0..48 (the mean of 1–4 answers
times 12 is always whole). A set of respondents is summarised by `Stats`, integer sufficient
statistics that add and subtract exactly, so a period's cells are computed and checked
exactly. `compute` turns `Stats` and the organization prior into a `Score`;
`stage` places the leader on manager → emerging leader → leader.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

ITEMS: tuple[str, ...] = ("trust", "greater_good", "want_to_follow", "leaned_on")
Answers = Mapping[str, int | None]

LIKERT_MIN = 1
LIKERT_MAX = 5
UNITS_PER_POINT = 12  # divisible by every possible count of answered items (1..4)
MAX_UNITS = UNITS_PER_POINT * (LIKERT_MAX - LIKERT_MIN)  # 48 ↔ t = 100
DEFAULT_PRIOR = 50.0
FALLBACK_VARIANCE = Fraction(400)  # s² of t when fewer than two respondents
Z_90 = 1.645
HUGE_SPREAD = Fraction(10**6)  # s² / (n + C) beyond which the half-width exceeds 100 anyway
FAVORABLE_MEAN = 4
FOLLOWER_ANSWER = 4

Quad = tuple[int, int, int, int]


def _answered(answers: Answers) -> list[tuple[int, int]]:
    """(item index, value) of the answered items; ValueError on anything malformed."""
    unknown = set(answers) - set(ITEMS)
    if unknown:
        raise ValueError(f"unknown trust items: {sorted(unknown)}")
    answered: list[tuple[int, int]] = []
    for index, item in enumerate(ITEMS):
        value = answers.get(item)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{item} must be an integer 1..5, got {value!r}")
        if not LIKERT_MIN <= value <= LIKERT_MAX:
            raise ValueError(f"{item} must be 1..5, got {value}")
        answered.append((index, value))
    if not answered:
        raise ValueError("at least one trust item must be answered")
    return answered


def respondent_units(answers: Answers) -> int:
    """u = 12 · (mean of the answered items) − 12, an integer in 0..48 (t = u · 25 / 12)."""
    values = [value for _, value in _answered(answers)]
    return UNITS_PER_POINT // len(values) * sum(values) - UNITS_PER_POINT


def units_to_score(u: float) -> float:
    """Units to the 0–100 scale: t = u · 25 / 12."""
    return u * 25 / 12


def is_favorable(answers: Answers) -> bool:
    """The respondent's own item mean is at least 4."""
    values = [value for _, value in _answered(answers)]
    return sum(values) >= FAVORABLE_MEAN * len(values)


def is_follower(answers: Answers) -> bool:
    """`want_to_follow` ≥ 4 and `leaned_on` ≥ 4; an unanswered item counts as not."""
    _answered(answers)
    want, leaned = answers.get("want_to_follow"), answers.get("leaned_on")
    return want is not None and leaned is not None and want >= 4 and leaned >= 4


def _add(a: Quad, b: Quad, sign: int) -> Quad:
    return (a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2], a[3] + sign * b[3])


@dataclass(frozen=True)
class Stats:
    """Exact, additive sufficient statistics of a set of respondents (all integers)."""

    n: int = 0
    sum_u: int = 0
    sum_u2: int = 0
    favorable: int = 0
    followers: int = 0
    item_n: Quad = (0, 0, 0, 0)
    item_sum: Quad = (0, 0, 0, 0)

    @classmethod
    def of(cls, answers: Answers) -> Stats:
        """The statistics of one respondent."""
        answered = _answered(answers)
        u = respondent_units(answers)
        item_n = [0, 0, 0, 0]
        item_sum = [0, 0, 0, 0]
        for index, value in answered:
            item_n[index] = 1
            item_sum[index] = value
        return cls(
            n=1,
            sum_u=u,
            sum_u2=u * u,
            favorable=int(is_favorable(answers)),
            followers=int(is_follower(answers)),
            item_n=(item_n[0], item_n[1], item_n[2], item_n[3]),
            item_sum=(item_sum[0], item_sum[1], item_sum[2], item_sum[3]),
        )

    def _combine(self, other: Stats, sign: int) -> Stats:
        return Stats(
            n=self.n + sign * other.n,
            sum_u=self.sum_u + sign * other.sum_u,
            sum_u2=self.sum_u2 + sign * other.sum_u2,
            favorable=self.favorable + sign * other.favorable,
            followers=self.followers + sign * other.followers,
            item_n=_add(self.item_n, other.item_n, sign),
            item_sum=_add(self.item_sum, other.item_sum, sign),
        )

    def __add__(self, other: Stats) -> Stats:
        if not isinstance(other, Stats):
            return NotImplemented
        return self._combine(other, 1)

    def __sub__(self, other: Stats) -> Stats:
        if not isinstance(other, Stats):
            return NotImplemented
        return self._combine(other, -1)

    @classmethod
    def total(cls, parts: Iterable[Stats]) -> Stats:
        result = cls()
        for part in parts:
            result = result + part
        return result

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (lists, not tuples)."""
        return {
            "n": self.n,
            "sum_u": self.sum_u,
            "sum_u2": self.sum_u2,
            "favorable": self.favorable,
            "followers": self.followers,
            "item_n": list(self.item_n),
            "item_sum": list(self.item_sum),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stats:
        """Inverse of `to_json`; ValueError when a key is missing, unknown or not an integer."""
        names = {f.name for f in fields(cls)}
        if set(data) != names:
            raise ValueError(
                f"stats keys must be {sorted(names)}; "
                f"missing {sorted(names - set(data))}, unknown {sorted(set(data) - names)}"
            )

        def integer(key: str, value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"stats {key} must be an integer, got {value!r}")
            return value

        def quad(key: str) -> Quad:
            value = data[key]
            if not isinstance(value, list | tuple) or len(value) != len(ITEMS):
                raise ValueError(f"stats {key} must be a list of {len(ITEMS)} integers")
            a, b, c, d = (integer(key, v) for v in value)
            return (a, b, c, d)

        return cls(
            n=integer("n", data["n"]),
            sum_u=integer("sum_u", data["sum_u"]),
            sum_u2=integer("sum_u2", data["sum_u2"]),
            favorable=integer("favorable", data["favorable"]),
            followers=integer("followers", data["followers"]),
            item_n=quad("item_n"),
            item_sum=quad("item_sum"),
        )

    def check(self) -> None:
        """ValueError unless these could be the statistics of a real set of respondents
        (necessary conditions only: counts within range, sums within the possible bounds)."""
        n = self.n
        problems = []
        if n < 0:
            problems.append("n < 0")
        if not 0 <= self.sum_u <= MAX_UNITS * n:
            problems.append("sum_u outside 0..48·n")
        if not 0 <= self.sum_u2 <= MAX_UNITS * self.sum_u or self.sum_u**2 > n * self.sum_u2:
            problems.append("sum_u2 inconsistent with sum_u")
        if not 0 <= self.favorable <= n or not 0 <= self.followers <= n:
            problems.append("favorable/followers outside 0..n")
        for k, (count, total) in enumerate(zip(self.item_n, self.item_sum, strict=True)):
            if not 0 <= count <= n or not LIKERT_MIN * count <= total <= LIKERT_MAX * count:
                problems.append(f"{ITEMS[k]} counts inconsistent")
        if problems:
            raise ValueError("inconsistent stats: " + "; ".join(problems))


@dataclass(frozen=True)
class Params:
    prior_weight: float = 3.0  # C
    min_group_size: int = 3
    emerging_leader_score: float = 60.0
    leader_lower_bound: float = 65.0
    leader_follower_share: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.prior_weight) and self.prior_weight >= 0):
            raise ValueError("prior_weight must be a finite number >= 0")
        if self.min_group_size < 1:
            raise ValueError("min_group_size must be >= 1")


def params_of(settings: Mapping[str, Any]) -> Params:
    """The scoring parameters of a settings snapshot (a closed period's, or an organization's)."""
    return Params(
        prior_weight=float(settings["prior_weight"]),
        min_group_size=int(settings["min_group_size"]),
        emerging_leader_score=float(settings["emerging_leader_score"]),
        leader_lower_bound=float(settings["leader_lower_bound"]),
        leader_follower_share=float(settings["leader_follower_share"]),
    )


@dataclass(frozen=True)
class Score:
    n: int
    raw: float | None  # mean t of the respondents (None when n == 0)
    score: float  # shrunk: (C·m + n·raw)/(C + n); equals m when n == 0
    lower: float  # 90% interval, clipped to 0..100
    upper: float
    favorability: float | None  # share with own item mean >= 4 (None when n == 0)
    followers: int
    prior_mean: float  # m used
    item_means: dict[str, float | None]  # mean 1..5 answer per item (None when unanswered)
    item_n: dict[str, int]


def prior_mean(stats: Stats) -> float:
    """The organization mean t: 50.0 when nobody answered, else the mean t of `stats`."""
    if stats.n == 0:
        return DEFAULT_PRIOR
    return float(Fraction(25 * stats.sum_u, UNITS_PER_POINT * stats.n))


def raw_mean(stats: Stats) -> float:
    """raw: the mean t of a non-empty set of respondents."""
    if stats.n <= 0:
        raise ValueError("raw needs at least one respondent")
    return float(Fraction(25 * stats.sum_u, UNITS_PER_POINT * stats.n))


def variance_t(stats: Stats) -> Fraction:
    """Sample variance of t, exact from the integer sums, clamped at >= 0;
    400 when there are fewer than two respondents."""
    n = stats.n
    if n < 2:
        return FALLBACK_VARIANCE
    units = Fraction(n * stats.sum_u2 - stats.sum_u**2, n * (n - 1))
    return max(Fraction(0), units * Fraction(25, UNITS_PER_POINT) ** 2)


def _clip(x: float) -> float:
    return min(100.0, max(0.0, x))


@functools.lru_cache(maxsize=4096)
def compute(stats: Stats, prior: float, params: Params) -> Score:
    """The score of a set of respondents, shrunk toward the prior `m` with weight C.

    Pure, so remembered (keyed by the statistics themselves): a read of a closed period
    recomputes nothing it computed before, and still reads the stored cells every time, so an
    erased or re-closed cell is never answered from here. The result is shared: read it only."""
    stats.check()
    if not (math.isfinite(prior) and 0 <= prior <= 100):
        raise ValueError(f"prior must be within 0..100, got {prior!r}")
    n = stats.n
    m = Fraction(prior)
    c = Fraction(params.prior_weight)
    raw_exact = Fraction(25 * stats.sum_u, UNITS_PER_POINT * n) if n else None
    # n · raw = 25 · sum_u / 12 exactly, so the shrunk score is one exact fraction, rounded once:
    # it therefore lies between m and raw even in floating point.
    if n + c == 0:
        score = float(m)
        lower, upper = 0.0, 100.0
    else:
        score = float((c * m + Fraction(25 * stats.sum_u, UNITS_PER_POINT)) / (c + n))
        spread = variance_t(stats) / (n + c)
        # a vanishing C with n == 0 makes the spread too large for a float: the interval is 0..100
        half = Z_90 * math.sqrt(spread) if spread < HUGE_SPREAD else math.inf
        lower, upper = _clip(score - half), _clip(score + half)
    return Score(
        n=n,
        raw=float(raw_exact) if raw_exact is not None else None,
        score=score,
        lower=lower,
        upper=upper,
        favorability=float(Fraction(stats.favorable, n)) if n else None,
        followers=stats.followers,
        prior_mean=float(m),
        item_means={
            item: float(Fraction(total, count)) if count else None
            for item, count, total in zip(ITEMS, stats.item_n, stats.item_sum, strict=True)
        },
        item_n=dict(zip(ITEMS, stats.item_n, strict=True)),
    )


def stage(score: Score, params: Params) -> str:
    """`insufficient_data`, `leader`, `emerging_leader` or `manager` (DOMAIN.md, Stage)."""
    if score.n < params.min_group_size:
        return "insufficient_data"
    if (
        score.lower >= params.leader_lower_bound
        and score.followers >= params.min_group_size
        and score.followers / score.n >= params.leader_follower_share
    ):
        return "leader"
    if score.score >= params.emerging_leader_score and score.followers >= 1:
        return "emerging_leader"
    return "manager"
