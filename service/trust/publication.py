"""Published states: figures move only in steps of at least `min_group_size` respondents
(DOMAIN.md, privacy rules). Pure; no I/O.

A cell (a leader's overall figures, one relationship group, one belief's others-rating, one
theme, the organization mean) is described by its members: respondent key → the contribution
id counted for them. A respondent *changed* between two states when their entry differs: new,
superseded, retracted, aged out of the window, or moved by a settings change. A new state is
published only when it differs from the last published state in at least `step` respondents
and from every earlier published state (including the implicit initial empty state) in none
or at least `step`, so no two states ever served differ in 1..step − 1 respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

Members = Mapping[str, str]  # respondent key -> contribution id

EMPTY: Members = MappingProxyType({})


def changed(a: Members, b: Members) -> int:
    """|{r : a.get(r) != b.get(r)}|: respondents new, superseded or removed between a and b."""
    return sum(1 for r in a.keys() | b.keys() if a.get(r) != b.get(r))


def should_publish(live: Members, history: Sequence[Members], step: int) -> bool:
    """Whether `live` becomes the cell's next published state.

    `history` holds the cell's published states, oldest first; an empty history means only the
    implicit initial empty state has been published.
    """
    if step < 1:
        raise ValueError("step must be >= 1")
    last = history[-1] if history else EMPTY
    if changed(last, live) < step:
        return False
    return all(not 0 < changed(earlier, live) < step for earlier in (EMPTY, *history[:-1]))


def pending(live: Members, last: Members) -> bool:
    """Some contribution changed since the last published state (`pending: true`)."""
    return changed(last, live) > 0
