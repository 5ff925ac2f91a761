"""Published states move only in steps of at least `step` respondents."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.trust.publication import Members, changed, pending, should_publish


def people(*keys: str, cid: str = "c1") -> dict[str, str]:
    return dict.fromkeys(keys, cid)


# ---------------------------------------------------------------- changed / pending


def test_changed_counts_new_superseded_and_removed() -> None:
    a = {"r1": "c1", "r2": "c1", "r3": "c1"}
    b = {"r1": "c1", "r2": "c2", "r4": "c1"}  # r2 superseded, r3 removed, r4 new
    assert changed(a, b) == 3
    assert changed(b, a) == 3
    assert changed(a, a) == 0
    assert changed({}, a) == 3
    assert changed({}, {}) == 0


def test_pending() -> None:
    last = people("a", "b", "c")
    assert not pending(last, last)
    assert not pending(dict(last), last)
    assert pending({**last, "d": "c1"}, last)
    assert pending({**last, "a": "c2"}, last)
    assert pending(people("a", "b"), last)
    assert not pending({}, {})


# ---------------------------------------------------------------- should_publish


def test_first_publication_needs_a_full_step() -> None:
    assert not should_publish(people("a", "b"), [], 3)
    assert should_publish(people("a", "b", "c"), [], 3)
    assert not should_publish({}, [], 3)  # nothing changed against the implicit {}


def test_two_answers_after_a_publication_do_not_publish_the_third_does() -> None:
    history = [people("a", "b", "c")]
    assert not should_publish(people("a", "b", "c", "d"), history, 3)
    assert not should_publish(people("a", "b", "c", "d", "e"), history, 3)
    assert should_publish(people("a", "b", "c", "d", "e", "f"), history, 3)  # 3 vs last, 6 vs {}


def test_a_supersession_counts_as_a_change() -> None:
    history = [people("a", "b", "c")]
    live = {"a": "c2", "b": "c1", "c": "c1"}
    assert changed(history[-1], live) == 1
    assert not should_publish(live, history, 3)
    live = {"a": "c2", "b": "c2", "c": "c1"}
    assert not should_publish(live, history, 3)
    live = {"a": "c2", "b": "c2", "c": "c2"}
    assert should_publish(live, history, 3)


def test_a_respondent_that_comes_and_goes_cancels_out() -> None:
    history = [people("a", "b", "c")]
    live = people("a", "b", "c", "d")
    assert pending(live, history[-1])
    del live["d"]  # d's answer retracted (or aged out) before the next publication
    assert not pending(live, history[-1])
    assert changed(history[-1], live) == 0
    # and so d does not count toward the next step: two more new answers are not enough
    live.update(people("e", "f"))
    assert not should_publish(live, history, 3)


def test_a_state_too_close_to_an_earlier_one_is_held_back() -> None:
    # {} → S1 = a..f (6) → S2 = {} (all aged out, 6). Live = a..e plus g:
    # 6 changes against S2, but only 2 against S1 (f gone, g new): publishing it next to S1
    # would reveal f and g, so it waits.
    s1 = people("a", "b", "c", "d", "e", "f")
    history: list[Members] = [s1, {}]
    live = people("a", "b", "c", "d", "e", "g")
    assert changed(history[-1], live) == 6
    assert changed(s1, live) == 2
    assert not should_publish(live, history, 3)
    # a return to exactly S1 reveals nothing new and may be published
    assert should_publish(dict(s1), history, 3)
    # once a third respondent differs from S1 it can go out
    live["h"] = "c1"
    assert should_publish(live, history, 3)


def test_step_follows_the_setting() -> None:
    history = [people("a", "b", "c", "d", "e")]
    live = people("a", "b", "c", "d", "e", "f", "g", "h")
    assert should_publish(live, history, 3)
    assert not should_publish(live, history, 4)
    with pytest.raises(ValueError):
        should_publish(live, history, 0)


# ---------------------------------------------------------------- properties


@dataclass
class Cell:
    """A leader's feedback as the respondents' contributions move, and its publications."""

    step: int
    smallest_step: int
    contributions: dict[str, list[str]] = field(default_factory=dict)  # usable, oldest first
    history: list[Members] = field(default_factory=list)
    next_id: int = 0

    def live(self) -> dict[str, str]:
        return {r: stack[-1] for r, stack in self.contributions.items() if stack}

    def apply(self, event: tuple[str, int]) -> None:
        kind, arg = event
        r = f"r{arg}"
        if kind == "submit":  # a new response: new respondent or superseding their last one
            self.next_id += 1
            self.contributions.setdefault(r, []).append(f"c{self.next_id}")
        elif kind == "retract":  # the current one goes; the previous one counts again
            stack = self.contributions.get(r, [])
            if stack:
                stack.pop()
        elif kind == "age":  # the respondent's contributions leave the window
            self.contributions[r] = []
        elif kind == "setting":
            self.step = 3 + arg % 3
            self.smallest_step = min(self.smallest_step, self.step)
        live = self.live()
        if should_publish(live, self.history, self.step):
            self.history.append(live)


# (kind, respondent 0..6 — or, for a settings change, the new step 3 + arg % 3);
# arrivals outnumber departures so that cells do get published
events = st.lists(
    st.tuples(st.sampled_from(["submit"] * 4 + ["retract", "age", "setting"]), st.integers(0, 6)),
    min_size=20,
    max_size=100,
)


@settings(max_examples=300, deadline=None)
@given(start=st.integers(3, 5), sequence=events)
def test_published_states_differ_in_zero_or_at_least_a_step(
    start: int, sequence: list[tuple[str, int]]
) -> None:
    cell = Cell(step=start, smallest_step=start)
    for event in sequence:
        cell.apply(event)
    states: list[Members] = [{}, *cell.history]
    for a, b in combinations(states, 2):
        d = changed(a, b)
        assert d == 0 or d >= cell.smallest_step, (a, b, d)
    for before, after in pairwise(states):
        assert changed(before, after) >= cell.smallest_step  # every publication is a real move


@settings(max_examples=200, deadline=None)
@given(
    lives=st.lists(
        st.dictionaries(st.sampled_from("abcdefg"), st.sampled_from(["c1", "c2"])), max_size=20
    ),
    step=st.integers(1, 5),
)
def test_any_sequence_of_live_states_is_published_safely(
    lives: list[dict[str, str]], step: int
) -> None:
    history: list[Members] = []
    for live in lives:
        if should_publish(live, history, step):
            history.append(live)
        assert pending(live, history[-1] if history else {}) == (
            changed(history[-1] if history else {}, live) > 0
        )
    for a, b in combinations([{}, *history], 2):
        assert changed(a, b) == 0 or changed(a, b) >= step


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 12), step=st.integers(3, 5))
def test_steady_arrivals_publish_every_step(count: int, step: int) -> None:
    history: list[Members] = []
    live: dict[str, str] = {}
    for i in range(count):
        live[f"r{i}"] = "c1"
        if should_publish(live, history, step):
            history.append(dict(live))
    assert len(history) == count // step
    assert [len(h) for h in history] == [step * (i + 1) for i in range(count // step)]
