"""Which relationship groups of a leader may be shown: minimum group sizes plus complementary
suppression (DOMAIN.md, privacy rules). Pure; no I/O.

The figures shown at one moment are the overall figure and each visible group's figure, each
a published state given by its members (respondent key → contribution id). Anyone can subtract
shown figures from the overall one, so for every subset S of the visible groups the signed
difference `overall − Σ_{g∈S} groups[g]` (over (respondent, contribution) pairs; groups and
overall may come from different publication moments, so entries can be negative) must involve
no respondent or at least `min_group_size` distinct respondents — unless it is exactly the
member set of another shown figure, which reveals nothing that is not shown already (this is
what lets a lone manager show as their own group, DOMAIN.md `manager_group_minimum`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations

Members = Mapping[str, str]  # respondent key -> contribution id (the feedback response counted)
Pair = tuple[str, str]


def _minimum(group: str, min_group_size: int, group_minimum: Mapping[str, int]) -> int:
    return max(1, group_minimum.get(group, min_group_size))


def _difference(overall: Members, subtracted: Iterable[Members]) -> dict[Pair, int]:
    diff: Counter[Pair] = Counter(overall.items())
    for members in subtracted:
        diff.subtract(members.items())
    return {pair: count for pair, count in diff.items() if count != 0}


def reveals_too_few(
    overall: Members,
    groups: Mapping[str, Members],
    visible: Iterable[str],
    min_group_size: int,
) -> bool:
    """True when some combination of the shown figures isolates 1..min_group_size − 1
    respondents that no shown figure already covers exactly."""
    names = sorted(visible)
    shown_sets = [frozenset(groups[g].items()) for g in names]
    for size in range(len(names) + 1):
        for subset in combinations(names, size):
            diff = _difference(overall, (groups[g] for g in subset))
            respondents = {respondent for respondent, _ in diff}
            if not 0 < len(respondents) < min_group_size:
                continue
            remainder = frozenset(diff)
            if all(c == 1 for c in diff.values()) and remainder in shown_sets:
                continue
            return True
    return False


def visible_groups(
    overall: Members,
    groups: Mapping[str, Members],
    min_group_size: int,
    group_minimum: Mapping[str, int],
) -> frozenset[str]:
    """The groups whose figures may be shown next to the overall figure.

    Nothing is shown when the overall figure covers fewer than `min_group_size` respondents.
    A group is a candidate when it has at least its minimum of members (`group_minimum`
    where given, else `min_group_size`; never below 1). While some subset of the visible
    groups violates complementary suppression, the visible group with the fewest members
    (ties: by name) is hidden. Hiding all groups always satisfies it, so this ends.
    """
    if min_group_size < 1:
        raise ValueError("min_group_size must be >= 1")
    if len(overall) < min_group_size:
        return frozenset()
    visible = {
        name
        for name, members in groups.items()
        if len(members) >= _minimum(name, min_group_size, group_minimum)
    }
    while visible and reveals_too_few(overall, groups, visible, min_group_size):
        visible.remove(min(visible, key=lambda name: (len(groups[name]), name)))
    return frozenset(visible)


def item_visible(item_n: int, min_group_size: int) -> bool:
    """A per-item figure is shown only over at least `min_group_size` respondents."""
    return item_n >= min_group_size
